"""Cash in several currencies (bookings.cash): a charge in another currency is paid at the
recorded rate, rounded up to the cent, and the rate is stored with the booking; without a
rate nothing is written and the error names the currency; the budget counts every
currency at its rate, rounded down. Properties: the ledger never loses or invents a cent."""

from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safepassage.bookings import actions, cash, selectors
from safepassage.bookings.documents import load_problem
from safepassage.bookings.errors import NoExchangeRate, NotEnoughCash
from safepassage.bookings.models import BookingRequest, BookingStatus
from safepassage.core.ledger import MoneyOwner, OwnerKind
from safepassage.core.money import Money
from safepassage.donations.gifts.actions import do_record_exchange_rate
from safepassage.donations.pledges.selectors import get_balance
from safepassage.ledger.models import LedgerTransaction, Posting
from safepassage.ledger.selectors import get_cash_balance, verify_ledger
from tests.bookings.factories import (
    Network,
    booked_trip,
    fund_cash,
    make_network,
    pledge_of,
)
from tests.cases.factories import sign_in_with_keys

pytestmark = pytest.mark.django_db

FUND = MoneyOwner(kind=OwnerKind.FUND, owner_id="fund")
CAMPAIGN = MoneyOwner(kind=OwnerKind.CAMPAIGN, owner_id="campaign")
DAY = date(2026, 11, 20)


def _rate(currency: str, rate: str, into: str = "USD") -> cash.Rate:
    return cash.Rate(currency=currency, into=into, rate=Decimal(rate), as_of=DAY)


def _usd(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="USD")


def _eur(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="EUR")


# --- the rules, without a database -----------------------------------------------------


def test_a_charge_in_the_fund_currency_is_paid_as_it_is() -> None:
    payments = cash.plan_payment(
        charge=_usd("98.40"),
        currency="USD",
        holdings=[
            cash.Holding(owner=FUND, money=_usd("50.00")),
            cash.Holding(owner=CAMPAIGN, money=_usd("100")),
        ],
        rates={},
    )
    assert [(p.owner, p.paid, p.rates) for p in payments] == [
        (FUND, _usd("50.00"), ()),
        (CAMPAIGN, _usd("48.40"), ()),
    ]


def test_a_charge_in_a_currency_the_fund_holds_needs_no_rate() -> None:
    # given EUR and USD held, no rate recorded, a charge of 40 EUR
    payments = cash.plan_payment(
        charge=_eur("40.00"),
        currency="USD",
        holdings=[
            cash.Holding(owner=FUND, money=_usd("500")),
            cash.Holding(owner=FUND, money=_eur("60")),
        ],
        rates={},
    )
    # then the EUR pay it, unconverted
    assert [(p.paid, p.rates) for p in payments] == [(_eur("40.00"), ())]


def test_a_charge_in_another_currency_is_valued_at_its_rate_rounded_up() -> None:
    # given 33.33 EUR charged and 1 EUR = 1.0823 USD: 36.073059 USD
    rate = _rate("EUR", "1.0823")
    payments = cash.plan_payment(
        charge=_eur("33.33"),
        currency="USD",
        holdings=[cash.Holding(owner=FUND, money=_usd("500"))],
        rates={"EUR": rate},
    )
    # then the fund pays 36.08 USD, and the payment names the rate
    assert [(p.paid, p.rates) for p in payments] == [(_usd("36.08"), (rate,))]
    assert payments[0].as_document()["rates"] == [
        {"from": "EUR", "to": "USD", "rate": "1.0823", "as_of": "2026-11-20"}
    ]


def test_without_a_rate_the_charge_is_refused_naming_the_currency() -> None:
    with pytest.raises(NoExchangeRate) as refused:
        cash.plan_payment(
            charge=Money(amount=Decimal("5000"), currency="RUB"),
            currency="USD",
            holdings=[cash.Holding(owner=FUND, money=_usd("500"))],
            rates={"EUR": _rate("EUR", "1.08")},
        )
    assert refused.value.currency == "RUB"
    assert "RUB" in str(refused.value)
    assert "USD" in str(refused.value)


def test_other_currencies_pay_what_the_fund_currency_cannot() -> None:
    # given 10 USD and 100 GBP held, 1 GBP = 1.27 USD, and a charge of 50 USD
    gbp = _rate("GBP", "1.27")
    payments = cash.plan_payment(
        charge=_usd("50.00"),
        currency="USD",
        holdings=[
            cash.Holding(owner=FUND, money=_usd("10.00")),
            cash.Holding(owner=FUND, money=Money(amount=Decimal(100), currency="GBP")),
        ],
        rates={"GBP": gbp},
    )
    # then 10 USD, and the other 40 USD in GBP: 31.496... rounded up to 31.50 GBP
    assert [(p.paid, p.rates) for p in payments] == [
        (_usd("10.00"), ()),
        (Money(amount=Decimal("31.50"), currency="GBP"), (gbp,)),
    ]


def test_not_enough_in_any_currency_is_refused() -> None:
    with pytest.raises(NotEnoughCash):
        cash.plan_payment(
            charge=_usd("50.00"),
            currency="USD",
            holdings=[
                cash.Holding(owner=FUND, money=_usd("10.00")),
                cash.Holding(owner=FUND, money=Money(amount=Decimal(100), currency="RUB")),
            ],
            rates={},  # RUB without a rate is not touched
        )


def test_the_budget_counts_every_currency_at_its_rate_rounded_down() -> None:
    position = cash.cash_position(
        held=[
            _usd("100.00"),
            _eur("33.33"),
            _eur("0.01"),
            Money(amount=Decimal(9), currency="RUB"),
        ],
        currency="USD",
        rates={"EUR": _rate("EUR", "1.0823")},
    )
    # 33.34 EUR = 36.083882 USD, counted as 36.08
    assert position.total == _usd("136.08")
    assert position.missing_rates == ("RUB",)


CURRENCIES = ("USD", "EUR", "GBP", "JPY", "BHD")
RATES = {
    "EUR": Decimal("1.0823"),
    "GBP": Decimal("1.2699"),
    "JPY": Decimal("0.006634"),
    "BHD": Decimal("2.6596"),
}


@st.composite
def _money(draw: st.DrawFn, currency: str, high: int = 500_000) -> Money:
    return Money.from_minor_units(amount=draw(st.integers(1, high)), currency=currency)


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    charged=st.sampled_from(CURRENCIES),
    held=st.lists(
        st.tuples(st.sampled_from([FUND, CAMPAIGN]), st.sampled_from(CURRENCIES)),
        min_size=0,
        max_size=6,
    ),
    known=st.sets(st.sampled_from(sorted(RATES))),
)
def test_a_payment_never_overdraws_underpays_or_invents_cents(
    data: st.DataObject,
    charged: str,
    held: list[tuple[MoneyOwner, str]],
    known: set[str],
) -> None:
    charge = data.draw(_money(charged))
    holdings = [cash.Holding(owner=o, money=data.draw(_money(c))) for o, c in held]
    rates = {code: _rate(code, str(RATES[code])) for code in known}
    try:
        payments = cash.plan_payment(charge=charge, currency="USD", holdings=holdings, rates=rates)
    except NoExchangeRate as error:
        refused: str | None = error.currency
    except NotEnoughCash:
        return
    else:
        refused = None
    if refused is not None:  # only ever for the charged currency, and only without its rate
        assert refused == charged
        assert charged not in rates
        return
    # never more out of a holding than it holds (same owner and currency summed)
    for owner, currency in {(h.owner, h.money.currency) for h in holdings}:
        out = sum(
            (p.paid.amount for p in payments if (p.owner, p.paid.currency) == (owner, currency)),
            Decimal(0),
        )
        there = sum(
            (h.money.amount for h in holdings if (h.owner, h.money.currency) == (owner, currency)),
            Decimal(0),
        )
        assert 0 < out <= there or out == 0
    # paid in the charged currency alone: exactly the charge, not a cent more or less
    if all(p.paid.currency == charged for p in payments):
        assert sum((p.paid.amount for p in payments), Decimal(0)) == charge.amount
        return

    # otherwise its value covers the charge's exact value, over by less than the rounding
    def value(money: Money) -> Decimal:
        return money.amount if money.currency == "USD" else money.amount * RATES[money.currency]

    paid = sum((value(p.paid) for p in payments), Decimal(0))
    cent = Decimal("0.01")
    slack = cent + sum(
        (
            value(Money.from_minor_units(amount=1, currency=p.paid.currency)) + cent
            for p in payments
        ),
        Decimal(0),
    )
    assert value(charge) <= paid < value(charge) + slack


@settings(max_examples=200, deadline=None)
@given(minor=st.integers(0, 10**12), rate=st.sampled_from(sorted(RATES.values())))
def test_one_conversion_is_off_by_less_than_one_cent_in_the_stated_direction(
    minor: int, rate: Decimal
) -> None:
    money = Money.from_minor_units(amount=minor, currency="EUR")
    exact = money.amount * rate
    up = cash.convert(money=money, rate=_rate("EUR", str(rate)), rounding=ROUND_CEILING).amount
    down = cash.convert(money=money, rate=_rate("EUR", str(rate)), rounding=ROUND_FLOOR).amount
    assert down <= exact <= up
    assert up - down <= Decimal("0.01")


# --- recording a booking ---------------------------------------------------------------


def _record(taxes: str, currency: str) -> actions.BookingRecord:
    return actions.BookingRecord(
        locator="QX7LMB", miles_charged=40_000, taxes=Decimal(taxes), currency=currency
    )


def _eur_rate(rate: str = "1.0823") -> None:
    do_record_exchange_rate(
        base_currency="EUR",
        quote_currency="USD",
        rate=Decimal(rate),
        as_of=timezone.localdate(),
        source="test",
    )


def _fund(network: Network) -> MoneyOwner:
    return MoneyOwner(kind=OwnerKind.FUND, owner_id=str(network.organisation.public_id))


def test_taxes_charged_in_euros_leave_the_usd_fund_at_the_recorded_rate() -> None:
    # given a USD run's booking, a USD fund of 1,000 and 1 EUR = 1.0823 USD
    network = make_network()
    pledge_of(network)
    _trip, booking = booked_trip(network)
    _eur_rate()
    # when the donor records 33.33 EUR of taxes
    actions.do_record_booking(
        booking=booking, record=_record("33.33", "EUR"), actor_ref="anonymous"
    )
    # then 36.08 USD left the fund (36.073059 rounded up), and the booking names the rate
    assert get_cash_balance(owner=_fund(network), currency="USD") == _usd("963.92")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert booking.cash_paid == [
        {
            "owner_kind": "fund",
            "owner_id": str(network.organisation.public_id),
            "amount": "36.08",
            "currency": "USD",
            "rates": [
                {
                    "from": "EUR",
                    "to": "USD",
                    "rate": "1.0823",
                    "as_of": timezone.localdate().isoformat(),
                }
            ],
        }
    ]
    assert verify_ledger().lines == []
    # and the trip page shows what was paid and at which rate
    client = sign_in_with_keys(Client(), network.coordinator)
    page = client.get(reverse("bookings:trip", kwargs={"trip_id": booking.trip.public_id}))
    assert "36.08 USD paid from the fund" in page.content.decode()
    assert "at 1 EUR = 1.0823 USD" in page.content.decode()


def test_without_a_rate_nothing_of_the_booking_is_written() -> None:
    # given a USD run's booking and no EUR->USD rate
    network = make_network()
    pledge = pledge_of(network)
    _trip, booking = booked_trip(network)
    reserved = get_balance(pledge=pledge).reserved.amount
    transactions = LedgerTransaction.objects.count()
    # when taxes charged in EUR are recorded, it is refused naming EUR
    with pytest.raises(NoExchangeRate, match="EUR"):
        actions.do_record_booking(
            booking=booking, record=_record("33.33", "EUR"), actor_ref="anonymous"
        )
    # then nothing moved: still open, miles still reserved, no posting, fund untouched
    booking.refresh_from_db()
    assert booking.status == BookingStatus.SENT
    assert booking.cash_paid == []
    assert get_balance(pledge=pledge).reserved.amount == reserved
    assert LedgerTransaction.objects.count() == transactions
    assert get_cash_balance(owner=_fund(network), currency="USD") == _usd("1000.00")


def test_the_record_page_says_which_rate_is_missing_and_writes_nothing() -> None:
    # given a booking of a USD run and no GBP rate
    network = make_network()
    pledge_of(network)
    _trip, booking = booked_trip(network)
    transactions = LedgerTransaction.objects.count()
    client = sign_in_with_keys(Client(), network.coordinator)
    url = reverse("bookings:booking_record", kwargs={"booking_id": booking.public_id})
    # when the coordinator records taxes charged in GBP
    page = client.post(
        url, {"locator": "QX7LMB", "miles_charged": "40000", "taxes": "20.00", "currency": "GBP"}
    )
    # then the page names the currency and nothing was written
    assert page.status_code == 200
    assert "no exchange rate from GBP to USD" in page.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.SENT
    assert LedgerTransaction.objects.count() == transactions


def test_euros_the_fund_holds_pay_euro_taxes_without_a_rate() -> None:
    network = make_network()
    pledge_of(network)
    _trip, booking = booked_trip(network)
    fund_cash(network, amount="50.00", currency="EUR")
    actions.do_record_booking(
        booking=booking, record=_record("33.33", "EUR"), actor_ref="anonymous"
    )
    assert get_cash_balance(owner=_fund(network), currency="EUR") == _eur("16.67")
    assert get_cash_balance(owner=_fund(network), currency="USD") == _usd("1000.00")
    booking.refresh_from_db()
    assert booking.cash_paid[0]["rates"] == []


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    usd=st.integers(0, 20_000),
    eur=st.integers(0, 20_000),
    taxes=st.integers(1, 30_000),
    charged=st.sampled_from(["USD", "EUR"]),
)
def test_the_ledger_moves_exactly_what_the_booking_says_it_paid(
    usd: int, eur: int, taxes: int, charged: str
) -> None:
    # given a booking, a fund holding some USD and EUR (cents) and a recorded EUR rate
    network = make_network()
    pledge_of(network)
    _trip, booking = booked_trip(network)  # funds 1,000 USD
    fund = _fund(network)
    if usd:
        fund_cash(network, amount=str(Decimal(usd).scaleb(-2)), currency="USD")
    if eur:
        fund_cash(network, amount=str(Decimal(eur).scaleb(-2)), currency="EUR")
    _eur_rate("1.0823")
    before = {c: get_cash_balance(owner=fund, currency=c).amount for c in ("USD", "EUR")}
    charge = Money.from_minor_units(amount=taxes, currency=charged)
    # when the booking is recorded
    try:
        actions.do_record_booking(
            booking=booking,
            record=_record(str(charge.amount), charged),
            actor_ref="anonymous",
        )
    except NotEnoughCash:
        assert LedgerTransaction.objects.filter(kind="disburse").count() == 0
        return
    # then per currency, the fund lost exactly what the booking records, to the cent, and
    # the disbursement postings say the same
    booking.refresh_from_db()
    for currency in ("USD", "EUR"):
        recorded = sum(
            (Decimal(p["amount"]) for p in booking.cash_paid if p["currency"] == currency),
            Decimal(0),
        )
        after = get_cash_balance(owner=fund, currency=currency).amount
        assert before[currency] - after == recorded
        posted = sum(
            Posting.objects.filter(
                transaction__kind="disburse",
                transaction__reference=f"booking-request:{booking.public_id}",
                bucket="disbursed",
                unit=f"money:{currency}",
            ).values_list("amount", flat=True)
        )
        assert Money.from_minor_units(amount=posted, currency=currency).amount == recorded
    assert verify_ledger().lines == []


# --- the budget and rebooking ------------------------------------------------------------


def test_the_runs_page_counts_euros_in_the_budget() -> None:
    network = make_network()
    fund_cash(network, amount="100.00", currency="USD")
    fund_cash(network, amount="33.34", currency="EUR")
    fund_cash(network, amount="900.00", currency="RUB")
    _eur_rate()
    positions = selectors.get_cash_positions(
        organisation=network.organisation, currencies=("USD", "EUR"), on=timezone.localdate()
    )
    assert positions[0].total == _usd("136.08")
    assert positions[0].missing_rates == ("RUB",)
    assert positions[1].total == _eur("33.34")  # no USD->EUR rate: USD not counted
    assert positions[1].missing_rates == ("RUB", "USD")
    client = sign_in_with_keys(Client(), network.coordinator)
    page = client.get(
        reverse("bookings:runs", kwargs={"organisation_id": network.organisation.public_id})
    ).content.decode()
    assert 'value="136.08"' in page
    assert "RUB" in page


def test_a_ticket_declined_in_a_usd_run_is_priced_in_euros_in_a_euro_run() -> None:
    # given a USD trip whose booking was declined, and 1 USD = 0.9 EUR
    network = make_network()
    pledge_of(network)
    _trip, booking = booked_trip(network, travellers=1)
    actions.do_decline_booking(booking=booking, actor_ref="anonymous")
    do_record_exchange_rate(
        base_currency="USD",
        quote_currency="EUR",
        rate=Decimal("0.9"),
        as_of=timezone.localdate(),
        source="test",
    )
    # when the next run counts in EUR
    run = actions.do_start_run(
        actor=network.coordinator.user,
        organisation=network.organisation,
        cash_budget=Decimal(100),
        currency="EUR",
        time_limit_seconds=5,
    )
    # then the rebooked fare's taxes (50 USD) are 45 EUR
    rebooks = [r for r in load_problem(run.problem).requests if r.id.startswith("rebook-")]
    assert [f.taxes for f in rebooks[0].options[0].fares] == [
        {network.program.code: Decimal("45.00")}
    ]


def test_without_a_rate_a_rebooked_fare_is_left_out_and_named() -> None:
    network = make_network()
    pledge_of(network)
    _trip, booking = booked_trip(network, travellers=1)
    actions.do_decline_booking(booking=booking, actor_ref="anonymous")
    run = actions.do_start_run(
        actor=network.coordinator.user,
        organisation=network.organisation,
        cash_budget=Decimal(0),  # no USD rate: the fund's USD count for nothing in EUR
        currency="EUR",
        time_limit_seconds=5,
    )
    info = run.request_snapshot[f"rebook-{booking.public_id}"]
    assert info["excluded"] == "no_priced_option"
    assert info["missing_rates"] == ["USD"]
    assert BookingRequest.objects.get(pk=booking.pk).status == BookingStatus.DECLINED
