"""The reports page's figures gathered once, and each table as CSV columns and rows."""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from safepassage.core.money import Money
from safepassage.donations.reports import selectors
from safepassage.donations.reports.selectors import (
    EXPIRY_WINDOWS,
    CostPerPerson,
    ExpiringMiles,
    MoneyMonth,
    PeopleMonth,
    Period,
    ProgramMiles,
)
from safepassage.organisations.models import Organisation


@dataclass(frozen=True, kw_only=True)
class ReportPage:
    organisation: Organisation
    period: Period
    today: datetime.date
    money: list[MoneyMonth]
    money_totals: list[Money]
    miles: list[ProgramMiles]
    people: list[PeopleMonth]
    people_total: int
    cost: CostPerPerson
    expiring: list[ExpiringMiles]


def build_report(*, organisation: Organisation, period: Period, today: datetime.date) -> ReportPage:
    money = selectors.money_raised_by_month(organisation=organisation, period=period)
    people = selectors.people_moved_by_month(organisation=organisation, period=period)
    return ReportPage(
        organisation=organisation,
        period=period,
        today=today,
        money=money,
        money_totals=selectors.money_raised_totals(rows=money),
        miles=selectors.miles_by_program(organisation=organisation, period=period),
        people=people,
        people_total=sum(row.people for row in people),
        cost=selectors.cost_per_person(organisation=organisation, period=period),
        expiring=selectors.miles_about_to_expire(organisation=organisation, today=today),
    )


Table = tuple[Sequence[str], list[Sequence[object]]]


def _month(day: datetime.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def money_table(page: ReportPage) -> Table:
    return ("month", "currency", "amount", "gifts"), [
        (_month(row.month), row.currency, row.amount, row.gifts) for row in page.money
    ]


def miles_table(page: ReportPage) -> Table:
    return ("program", "pledged", "redeemed"), [
        (row.program_code, row.pledged, row.redeemed) for row in page.miles
    ]


def people_table(page: ReportPage) -> Table:
    return ("month", "people"), [(_month(row.month), row.people) for row in page.people]


def cost_table(page: ReportPage) -> Table:
    cost = page.cost
    rows: list[Sequence[object]] = []
    for index, money in enumerate(cost.cash):
        per_person = cost.cash_per_person[index].amount if cost.cash_per_person else ""
        rows.append((money.currency, money.amount, cost.people, per_person))
    rows.append(("miles", cost.miles, cost.people, cost.miles_per_person or ""))
    return ("unit", "spent", "people", "per_person"), rows


def expiry_table(page: ReportPage) -> Table:
    return ("program", *(f"within_{days}_days" for days in EXPIRY_WINDOWS)), [
        (row.program_code, *(row.within[days] for days in EXPIRY_WINDOWS)) for row in page.expiring
    ]


TABLES: dict[str, Callable[[ReportPage], Table]] = {
    "money": money_table,
    "miles": miles_table,
    "people": people_table,
    "cost": cost_table,
    "expiry": expiry_table,
}
