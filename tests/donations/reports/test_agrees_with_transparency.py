"""The reports page counts people and money as the transparency page does."""

import datetime
from decimal import Decimal

import pytest

from safepassage.donations.reports import selectors
from safepassage.donations.reports.selectors import Period
from safepassage.transparency import sources
from tests.factories import OrganisationFactory
from tests.transparency.factories import gift_on, moved_case

pytestmark = pytest.mark.django_db

YEAR = Period(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))


def test_people_and_money_per_month_over_all_organisations_equal_the_transparency_sources() -> None:
    # given: two organisations with moves and gifts (in the reporting currency) across months
    first, second = OrganisationFactory.create(), OrganisationFactory.create()
    moved_case(on=datetime.date(2026, 2, 3), party_size=4, organisation=first)
    moved_case(on=datetime.date(2026, 2, 20), party_size=1, organisation=second)
    moved_case(on=datetime.date(2026, 7, 1), party_size=2, organisation=second, state="arrived")
    gift_on(organisation=first, amount="10.00", currency="EUR", on=datetime.date(2026, 2, 1))
    gift_on(organisation=second, amount="15.25", currency="EUR", on=datetime.date(2026, 2, 28))
    gift_on(organisation=second, amount="3.00", currency="EUR", on=datetime.date(2026, 9, 9))
    # when
    people: dict[str, int] = {}
    money: dict[str, Decimal] = {}
    for organisation in (first, second):
        for row in selectors.people_moved_by_month(organisation=organisation, period=YEAR):
            key = sources.month_key(row.month)
            people[key] = people.get(key, 0) + row.people
        for cell in selectors.money_raised_by_month(organisation=organisation, period=YEAR):
            key = sources.month_key(cell.month)
            money[key] = money.get(key, Decimal(0)) + cell.amount
    public_people = sources.people_by_month(period_end=YEAR.end)
    public_money, _campaigns = sources.money(period_end=YEAR.end, reporting_currency="EUR")
    # then
    assert people == {key: int(sum(values)) for key, values in public_people.items()}
    assert money == {key: sum(values, Decimal(0)) for key, values in public_money.items()}
