"""The taxes and cash a booking is charged leave the organisation's fund in the ledger, in
the booking's own transaction: `ledger verify` stays clean and the next run's budget
shrinks; without the cash, nothing of the booking is written."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from safepassage.bookings import actions, selectors
from safepassage.bookings.errors import NotEnoughCash
from safepassage.bookings.models import BookingRequest, BookingStatus
from safepassage.donations.pledges.selectors import get_balance
from safepassage.ledger.models import LedgerTransaction
from safepassage.ledger.selectors import verify_ledger
from tests.bookings.factories import (
    accept_all,
    booked_trip,
    fund_cash,
    make_network,
    planned_case,
    pledge_of,
    solved_run,
    travel_request,
)

pytestmark = pytest.mark.django_db


def _record(taxes: str, *, miles: int = 40_000) -> actions.BookingRecord:
    return actions.BookingRecord(
        locator="QX7LMB", miles_charged=miles, taxes=Decimal(taxes), currency="USD"
    )


def test_recording_a_booking_pays_its_taxes_out_of_the_fund() -> None:
    # given a fund holding 1,000 USD and a booking request waiting for the donor
    network = make_network()
    pledge_of(network)
    _trip, booking = booked_trip(network)
    assert selectors.get_available_cash(organisation=network.organisation, currency="USD") == (
        Decimal("1000.00")
    )
    # when the donor records the booking with 98.40 USD of taxes
    actions.do_record_booking(booking=booking, record=_record("98.40"), actor_ref="anonymous")
    # then the fund holds 901.60, a disbursement names the booking request, the ledger verifies
    assert selectors.get_available_cash(organisation=network.organisation, currency="USD") == (
        Decimal("901.60")
    )
    paid = LedgerTransaction.objects.get(kind="disburse")
    assert paid.reference == f"booking-request:{booking.public_id}"
    assert verify_ledger().lines == []
    out = StringIO()
    call_command("ledger", "verify", stdout=out)  # raises CommandError on any problem


def test_without_the_cash_nothing_of_the_booking_is_written() -> None:
    # given a fund holding 1,000 USD and taxes of 1,500 USD
    network = make_network()
    pledge = pledge_of(network)
    _trip, booking = booked_trip(network)
    reserved = get_balance(pledge=pledge).reserved.amount
    transactions = LedgerTransaction.objects.count()
    # when the booking is recorded, it is refused
    with pytest.raises(NotEnoughCash):
        actions.do_record_booking(booking=booking, record=_record("1500.00"), actor_ref="anonymous")
    # then nothing moved: the booking is still open, miles still reserved, no posting
    booking.refresh_from_db()
    assert booking.status != BookingStatus.BOOKED
    assert get_balance(pledge=pledge).reserved.amount == reserved
    assert LedgerTransaction.objects.count() == transactions
    assert verify_ledger().lines == []


def test_zero_taxes_post_no_money() -> None:
    network = make_network()
    pledge_of(network)
    _trip, booking = booked_trip(network)
    actions.do_record_booking(booking=booking, record=_record("0"), actor_ref="anonymous")
    assert not LedgerTransaction.objects.filter(kind="disburse").exists()


def test_a_cash_ticket_pays_its_price_out_of_the_fund() -> None:
    # given a request only cash can pay, accepted from a run
    network = make_network()
    fund_cash(network)
    case = planned_case(network)
    travel_request(case, program=network.program, travellers=1, miles=0, cash_price="300.00")
    accept_all(network, solved_run(network))
    booking = BookingRequest.objects.get(trip__case=case)
    assert booking.pledge is None
    # when the coordinator records the ticket bought for 300 USD
    actions.do_record_booking(
        booking=booking,
        record=_record("300.00", miles=0),
        actor_ref=str(network.coordinator.user.public_id),
    )
    # then the fund holds 700 USD and the ledger verifies
    assert selectors.get_available_cash(organisation=network.organisation, currency="USD") == (
        Decimal("700.00")
    )
    assert verify_ledger().lines == []
