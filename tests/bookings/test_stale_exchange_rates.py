"""A recorded exchange rate values real money only while it is recent
(``selectors.RATE_MAX_AGE_DAYS``): an older one counts as missing, so a booking charged in
that currency is refused naming it and nothing is written, and the runs page leaves the
currency out of the budget, rather than paying with a rate the market has left behind."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.bookings import actions, selectors
from safepassage.bookings.errors import NoExchangeRate
from safepassage.bookings.models import BookingStatus
from safepassage.core.ledger import MoneyOwner, OwnerKind
from safepassage.core.money import Money
from safepassage.donations.gifts.actions import do_record_exchange_rate
from safepassage.ledger.models import LedgerTransaction
from safepassage.ledger.selectors import get_cash_balance
from tests.bookings.factories import booked_trip, fund_cash, make_network, pledge_of
from tests.cases.factories import sign_in_with_keys

pytestmark = pytest.mark.django_db


def _eur_rate(*, days_old: int) -> None:
    do_record_exchange_rate(
        base_currency="EUR",
        quote_currency="USD",
        rate=Decimal("1.0823"),
        as_of=timezone.localdate() - datetime.timedelta(days=days_old),
        source="test",
    )


def _record() -> actions.BookingRecord:
    return actions.BookingRecord(
        locator="QX7LMB", miles_charged=40_000, taxes=Decimal("33.33"), currency="EUR"
    )


def test_a_rate_older_than_the_limit_is_refused_and_nothing_is_written() -> None:
    # Given a USD run's booking, a USD fund of 1,000 and only an old EUR->USD rate
    network = make_network()
    pledge_of(network)
    _trip, booking = booked_trip(network)
    _eur_rate(days_old=selectors.RATE_MAX_AGE_DAYS + 1)
    transactions = LedgerTransaction.objects.count()

    # When taxes charged in EUR are recorded, it is refused naming EUR and the limit
    with pytest.raises(NoExchangeRate) as refused:
        actions.do_record_booking(booking=booking, record=_record(), actor_ref="anonymous")
    assert "EUR" in str(refused.value)
    assert f"last {selectors.RATE_MAX_AGE_DAYS} days" in str(refused.value)

    # Then nothing moved
    booking.refresh_from_db()
    assert booking.status == BookingStatus.SENT
    assert LedgerTransaction.objects.count() == transactions
    fund = MoneyOwner(kind=OwnerKind.FUND, owner_id=str(network.organisation.public_id))
    assert get_cash_balance(owner=fund, currency="USD").amount == Decimal("1000.00")


def test_a_rate_exactly_at_the_limit_still_pays() -> None:
    network = make_network()
    pledge_of(network)
    _trip, booking = booked_trip(network)
    _eur_rate(days_old=selectors.RATE_MAX_AGE_DAYS)

    actions.do_record_booking(booking=booking, record=_record(), actor_ref="anonymous")

    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert booking.cash_paid[0]["amount"] == "36.08"


def test_the_budget_leaves_out_a_currency_whose_rate_is_old() -> None:
    # Given 100 USD and 33.34 EUR held, and only an old EUR->USD rate
    network = make_network()
    fund_cash(network, amount="100.00", currency="USD")
    fund_cash(network, amount="33.34", currency="EUR")
    _eur_rate(days_old=selectors.RATE_MAX_AGE_DAYS + 1)

    # When the USD budget is counted
    (position,) = selectors.get_cash_positions(
        organisation=network.organisation, currencies=("USD",), on=timezone.localdate()
    )

    # Then the euros are not counted, and the runs page names them and the limit
    assert position.total == Money(amount=Decimal("100.00"), currency="USD")
    assert position.missing_rates == ("EUR",)
    client = sign_in_with_keys(Client(), network.coordinator)
    page = client.get(
        reverse("bookings:runs", kwargs={"organisation_id": network.organisation.public_id})
    ).content.decode()
    assert f"no exchange rate recorded in the last {selectors.RATE_MAX_AGE_DAYS} days" in page
