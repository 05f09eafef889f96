"""Each figure of the reports page against hand-built ledger, gift and case data."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safepassage.core.money import Money
from safepassage.donations.reports import selectors
from safepassage.donations.reports.selectors import Period
from tests.donations.gift_factories import make_campaign
from tests.donations.reports.factories import cash_in_and_out, pledge, redeem
from tests.factories import OrganisationFactory, UserFactory
from tests.transparency.factories import gift_on, moved_case

pytestmark = pytest.mark.django_db

YEAR_2026 = Period(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))


def test_money_raised_is_per_month_and_currency_and_only_this_organisation() -> None:
    # given: gifts in two months and two currencies, one outside the range, one elsewhere
    organisation = OrganisationFactory.create()
    gift_on(
        organisation=organisation, amount="100.00", currency="EUR", on=datetime.date(2026, 3, 2)
    )
    gift_on(
        organisation=organisation, amount="50.50", currency="EUR", on=datetime.date(2026, 3, 30)
    )
    gift_on(organisation=organisation, amount="7000", currency="RUB", on=datetime.date(2026, 3, 5))
    gift_on(organisation=organisation, amount="20.00", currency="EUR", on=datetime.date(2026, 5, 1))
    gift_on(
        organisation=organisation, amount="999.00", currency="EUR", on=datetime.date(2025, 12, 31)
    )
    gift_on(
        organisation=OrganisationFactory.create(),
        amount="1.00",
        currency="EUR",
        on=datetime.date(2026, 3, 3),
    )
    # when
    rows = selectors.money_raised_by_month(organisation=organisation, period=YEAR_2026)
    # then: nothing converted, nothing from elsewhere
    assert [(r.month, r.currency, r.amount, r.gifts) for r in rows] == [
        (datetime.date(2026, 3, 1), "EUR", Decimal("150.50"), 2),
        (datetime.date(2026, 3, 1), "RUB", Decimal("7000"), 1),
        (datetime.date(2026, 5, 1), "EUR", Decimal("20.00"), 1),
    ]
    assert selectors.money_raised_totals(rows=rows) == [
        Money(amount=Decimal("170.50"), currency="EUR"),
        Money(amount=Decimal("7000"), currency="RUB"),
    ]


def test_miles_pledged_and_redeemed_per_program_come_from_the_ledger() -> None:
    # given: two UA pledges (one partly redeemed), an AC pledge, a UA pledge elsewhere
    organisation = OrganisationFactory.create()
    campaign = make_campaign(organisation=organisation)
    first = pledge(code="UA", miles=50_000, campaign=campaign)
    pledge(code="UA", miles=10_000, campaign=campaign)
    pledge(code="AC", miles=30_000)  # the shared pool counts for everyone
    redeem(first, 20_000)
    pledge(
        code="UA", miles=70_000, campaign=make_campaign(organisation=OrganisationFactory.create())
    )
    today = timezone.localdate()
    # when
    rows = selectors.miles_by_program(
        organisation=organisation, period=Period(start=today, end=today)
    )
    # then
    assert [(r.program_code, r.pledged, r.redeemed) for r in rows] == [
        ("AC", 30_000, 0),
        ("UA", 60_000, 20_000),
    ]


def test_miles_outside_the_range_are_not_counted() -> None:
    organisation = OrganisationFactory.create()
    pledge(code="UA", miles=50_000, campaign=make_campaign(organisation=organisation))
    rows = selectors.miles_by_program(
        organisation=organisation,
        period=Period(start=datetime.date(2020, 1, 1), end=datetime.date(2020, 12, 31)),
    )
    assert rows == []


def test_people_moved_are_counted_by_month_of_the_first_move() -> None:
    # given: a party of three that departed in March and arrived in April, one in April,
    # and a case of another organisation
    organisation = OrganisationFactory.create()
    family = moved_case(on=datetime.date(2026, 3, 20), party_size=3, organisation=organisation)
    moved_case(on=datetime.date(2026, 4, 2), organisation=organisation)
    moved_case(on=datetime.date(2026, 4, 3), party_size=5)
    family.transitions.create(
        actor=UserFactory.create(),
        source="departed",
        target="arrived",
        made_on=datetime.date(2026, 4, 1),
        reason=b"sealed",
    )
    # when
    rows = selectors.people_moved_by_month(organisation=organisation, period=YEAR_2026)
    # then: counted once, in the month of the first move
    assert [(r.month, r.people) for r in rows] == [
        (datetime.date(2026, 3, 1), 3),
        (datetime.date(2026, 4, 1), 1),
    ]


def test_cost_per_person_is_cash_net_of_refunds_and_miles_per_person_moved() -> None:
    # given: 300 EUR paid, 50 EUR refunded, 20,000 miles redeemed, three people moved today
    organisation = OrganisationFactory.create()
    cash_in_and_out(
        organisation=organisation,
        received="1000.00",
        paid="300.00",
        refunded="50.00",
        currency="EUR",
    )
    redeem(
        pledge(code="UA", miles=50_000, campaign=make_campaign(organisation=organisation)), 20_000
    )
    today = timezone.localdate()
    moved_case(on=today, party_size=3, organisation=organisation)
    # when
    cost = selectors.cost_per_person(
        organisation=organisation, period=Period(start=today, end=today)
    )
    # then
    assert cost.people == 3
    assert cost.cash == [Money(amount=Decimal("250.00"), currency="EUR")]
    assert cost.cash_per_person == [Money(amount=Decimal("83.33"), currency="EUR")]
    assert (cost.miles, cost.miles_per_person) == (20_000, 6_667)


def test_cost_per_person_with_no_one_moved_does_not_divide() -> None:
    organisation = OrganisationFactory.create()
    cash_in_and_out(
        organisation=organisation, received="100.00", paid="40.00", refunded="0", currency="USD"
    )
    today = timezone.localdate()
    cost = selectors.cost_per_person(
        organisation=organisation, period=Period(start=today, end=today)
    )
    assert cost.people == 0
    assert cost.cash == [Money(amount=Decimal("40.00"), currency="USD")]
    assert cost.cash_per_person is None
    assert cost.miles_per_person is None


def test_miles_about_to_expire_within_30_and_90_days_are_the_available_miles() -> None:
    # given: pledges expiring in 10, 60 and 200 days; part of the first one redeemed
    organisation = OrganisationFactory.create()
    campaign = make_campaign(organisation=organisation)
    today = timezone.localdate()
    soon = pledge(
        code="UA", miles=10_000, campaign=campaign, expires_on=today + datetime.timedelta(days=10)
    )
    redeem(soon, 4_000)
    pledge(
        code="UA", miles=20_000, campaign=campaign, expires_on=today + datetime.timedelta(days=60)
    )
    pledge(
        code="UA", miles=40_000, campaign=campaign, expires_on=today + datetime.timedelta(days=200)
    )
    pledge(
        code="AC", miles=5_000, campaign=campaign, expires_on=today + datetime.timedelta(days=89)
    )
    # when
    rows = selectors.miles_about_to_expire(organisation=organisation, today=today)
    # then
    assert [(r.program_code, r.within) for r in rows] == [
        ("AC", {30: 0, 90: 5_000}),
        ("UA", {30: 6_000, 90: 26_000}),
    ]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    gifts=st.lists(
        st.tuples(
            st.dates(min_value=datetime.date(2026, 1, 1), max_value=datetime.date(2026, 12, 31)),
            st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2),
            st.sampled_from(["EUR", "USD"]),
        ),
        max_size=12,
    ),
    moves=st.lists(
        st.tuples(
            st.dates(min_value=datetime.date(2026, 1, 1), max_value=datetime.date(2026, 12, 31)),
            st.integers(min_value=1, max_value=9),
        ),
        max_size=6,
    ),
)
def test_per_month_figures_add_up_to_the_overall_totals(
    gifts: list[tuple[datetime.date, Decimal, str]], moves: list[tuple[datetime.date, int]]
) -> None:
    organisation = OrganisationFactory.create()
    for on, amount, currency in gifts:
        gift_on(organisation=organisation, amount=str(amount), currency=currency, on=on)
    for on, party_size in moves:
        moved_case(on=on, party_size=party_size, organisation=organisation)
    rows = selectors.money_raised_by_month(organisation=organisation, period=YEAR_2026)
    for currency in ("EUR", "USD"):
        expected = sum((a for _on, a, c in gifts if c == currency), Decimal(0))
        assert sum((r.amount for r in rows if r.currency == currency), Decimal(0)) == expected
    assert sum(r.gifts for r in rows) == len(gifts)
    people = selectors.people_moved_by_month(organisation=organisation, period=YEAR_2026)
    assert sum(r.people for r in people) == sum(size for _on, size in moves)
    assert len({r.month for r in people}) == len(people)
