"""Reads of the reports page: one selector per figure, aggregates only."""

import csv
import datetime
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Min, Q, QuerySet

from safepassage.cases.models import Case, CaseTransition
from safepassage.core.ledger import Bucket, OwnerKind
from safepassage.core.ledger.transactions import TransactionKind
from safepassage.core.money import Money
from safepassage.donations.models import Gift, Pledge, PledgeStatus
from safepassage.donations.staff_reports.selectors import _csv_safe
from safepassage.ledger.models import Posting
from safepassage.organisations.models import Organisation
from safepassage.transparency.sources import MOVED_STATES

EXPIRY_WINDOWS = (30, 90)
"""Days ahead for "miles about to expire"."""


@dataclass(frozen=True, kw_only=True)
class Period:
    """The days a report covers, both included."""

    start: datetime.date
    end: datetime.date


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _in_period(day: datetime.date, period: Period) -> bool:
    return period.start <= day <= period.end


@dataclass(frozen=True, kw_only=True)
class MoneyMonth:
    month: datetime.date
    currency: str
    amount: Decimal
    gifts: int


def money_raised_by_month(*, organisation: Organisation, period: Period) -> list[MoneyMonth]:
    """Gifts received by ``organisation`` per month and currency (never converted), in the
    months of their ``received_on`` as the transparency page counts them."""
    cells: dict[tuple[datetime.date, str], tuple[Decimal, int]] = {}
    for received_on, amount, currency in Gift.objects.filter(
        organisation=organisation, received_on__gte=period.start, received_on__lte=period.end
    ).values_list("received_on", "amount", "currency"):
        key = (month_start(received_on), currency)
        total, count = cells.get(key, (Decimal(0), 0))
        cells[key] = (total + amount, count + 1)
    return [
        MoneyMonth(
            month=month, currency=currency, amount=_in_minor_units(total, currency), gifts=count
        )
        for (month, currency), (total, count) in sorted(cells.items())
    ]


def _in_minor_units(amount: Decimal, currency: str) -> Decimal:
    """``amount`` with the currency's own number of decimals (1234.5 EUR: 1234.50)."""
    return amount.quantize(Decimal(1).scaleb(-Money.zero(currency=currency).minor_units))


def money_raised_totals(*, rows: Iterable[MoneyMonth]) -> list[Money]:
    """The per-currency totals of ``rows``."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        totals[row.currency] += row.amount
    return [Money(amount=amount, currency=currency) for currency, amount in sorted(totals.items())]


def scoped_pledges(*, organisation: Organisation) -> QuerySet[Pledge]:
    """Pledges ``organisation``'s staff report on (as the staff pledge reports)."""
    return Pledge.objects.filter(
        Q(campaign__organisation=organisation)
        | Q(event__organiser=organisation)
        | Q(campaign__isnull=True, event__isnull=True)
    )


@dataclass(frozen=True, kw_only=True)
class ProgramMiles:
    program_code: str
    program_name: str
    pledged: int
    redeemed: int


def miles_by_program(*, organisation: Organisation, period: Period) -> list[ProgramMiles]:
    """Miles pledged (confirmed into the ledger) and redeemed (net of miles returned after a
    cancellation) per program, by ledger transactions recorded in ``period``."""
    programs = {
        str(public_id): (code, name)
        for public_id, code, name in scoped_pledges(organisation=organisation).values_list(
            "public_id", "program__code", "program__name"
        )
    }
    pledged: dict[str, int] = defaultdict(int)
    redeemed: dict[str, int] = defaultdict(int)
    # Every pledge's postings of the period, kept here when the pledge is in scope: an IN
    # list of a network's 20,000 pledge ids took seconds (and SQLite allows 32,766 at most).
    postings = Posting.objects.filter(
        owner_kind=str(OwnerKind.PLEDGE),
        bucket__in=[str(Bucket.PLEDGED), str(Bucket.REDEEMED)],
        transaction__created_at__date__gte=period.start,
        transaction__created_at__date__lte=period.end,
    ).values_list("owner_id", "bucket", "amount")
    for owner_id, bucket, amount in postings:
        if owner_id not in programs:
            continue
        code = programs[owner_id][0]
        if bucket == Bucket.PLEDGED:
            pledged[code] -= amount  # the source bucket goes negative as miles come in
        else:
            redeemed[code] += amount
    names = dict(programs.values())
    return sorted(
        (
            ProgramMiles(
                program_code=code,
                program_name=names[code],
                pledged=pledged[code],
                redeemed=redeemed[code],
            )
            for code in set(pledged) | set(redeemed)
        ),
        key=lambda row: row.program_name,
    )


@dataclass(frozen=True, kw_only=True)
class PeopleMonth:
    month: datetime.date
    people: int


def people_moved_by_month(*, organisation: Organisation, period: Period) -> list[PeopleMonth]:
    """People (the party sizes of ``organisation``'s cases) per month of their first move to
    departed, arrived or resettled, as the transparency page counts them; never who."""
    firsts = (
        CaseTransition.objects.filter(
            case__organisation=organisation, target__in=[str(state) for state in MOVED_STATES]
        )
        .values("case_id")
        .annotate(moved_on=Min("made_on"))
    )
    moved_on = {
        row["case_id"]: row["moved_on"] for row in firsts if _in_period(row["moved_on"], period)
    }
    cells: dict[datetime.date, int] = defaultdict(int)
    for case_id, party_size in Case.objects.filter(pk__in=list(moved_on)).values_list(
        "pk", "party_size"
    ):
        cells[month_start(moved_on[case_id])] += party_size
    return [PeopleMonth(month=month, people=people) for month, people in sorted(cells.items())]


@dataclass(frozen=True, kw_only=True)
class CostPerPerson:
    """Spent on travel in ``period``, divided by the people moved in it (``None``: no one)."""

    people: int
    cash: list[Money]
    cash_per_person: list[Money] | None
    miles: int
    miles_per_person: int | None


def _money_owner_ids(organisation: Organisation) -> Q:
    from safepassage.donations.models import Campaign

    campaign_ids = [
        str(public_id)
        for public_id in Campaign.objects.filter(organisation=organisation).values_list(
            "public_id", flat=True
        )
    ]
    return Q(owner_kind=str(OwnerKind.FUND), owner_id=str(organisation.public_id)) | Q(
        owner_kind=str(OwnerKind.CAMPAIGN), owner_id__in=campaign_ids
    )


def cash_paid(*, organisation: Organisation, period: Period) -> list[Money]:
    """Cash paid for tickets from ``organisation``'s fund and campaigns, net of refunds, per
    currency (ledger disbursements minus refunds recorded in ``period``)."""
    totals: dict[str, int] = defaultdict(int)
    for unit, amount in (
        Posting.objects.filter(_money_owner_ids(organisation))
        .filter(
            bucket=str(Bucket.CASH),
            transaction__kind__in=[str(TransactionKind.DISBURSE), str(TransactionKind.REFUND)],
            transaction__created_at__date__gte=period.start,
            transaction__created_at__date__lte=period.end,
        )
        .values_list("unit", "amount")
    ):
        totals[unit.split(":", 1)[1]] -= amount  # money leaves the owner's cash
    result = []
    for currency, minor in sorted(totals.items()):
        places = Money.zero(currency=currency).minor_units
        result.append(Money(amount=Decimal(minor).scaleb(-places), currency=currency))
    return result


def cost_per_person(*, organisation: Organisation, period: Period) -> CostPerPerson:
    """Net cash per currency and miles redeemed, each divided by the people moved."""
    people = sum(
        row.people for row in people_moved_by_month(organisation=organisation, period=period)
    )
    cash = cash_paid(organisation=organisation, period=period)
    miles = sum(row.redeemed for row in miles_by_program(organisation=organisation, period=period))
    if not people:
        return CostPerPerson(
            people=0, cash=cash, cash_per_person=None, miles=miles, miles_per_person=None
        )
    per_person = []
    for money in cash:
        quantum = Decimal(1).scaleb(-money.minor_units)
        per_person.append(
            Money(amount=(money.amount / people).quantize(quantum), currency=money.currency)
        )
    return CostPerPerson(
        people=people,
        cash=cash,
        cash_per_person=per_person,
        miles=miles,
        miles_per_person=round(Decimal(miles) / people),
    )


@dataclass(frozen=True, kw_only=True)
class ExpiringMiles:
    program_code: str
    program_name: str
    within: dict[int, int]
    """Days ahead (30, 90) → available miles of pledges expiring by then."""


def miles_about_to_expire(
    *, organisation: Organisation, today: datetime.date
) -> list[ExpiringMiles]:
    """Available miles (ledger) of confirmed pledges expiring within 30 and 90 days."""
    horizon = today + datetime.timedelta(days=max(EXPIRY_WINDOWS))
    pledges = {
        str(public_id): (code, name, expires_on)
        for public_id, code, name, expires_on in scoped_pledges(organisation=organisation)
        .exclude(status=PledgeStatus.UNCONFIRMED)
        .filter(expires_on__gte=today, expires_on__lte=horizon)
        .values_list("public_id", "program__code", "program__name", "expires_on")
    }
    available: dict[str, int] = defaultdict(int)
    for owner_id, amount in Posting.objects.filter(
        owner_kind=str(OwnerKind.PLEDGE), owner_id__in=list(pledges), bucket=str(Bucket.AVAILABLE)
    ).values_list("owner_id", "amount"):
        available[owner_id] += amount
    rows: dict[str, dict[int, int]] = {}
    names: dict[str, str] = {}
    for owner_id, (code, name, expires_on) in pledges.items():
        names[code] = name
        cells = rows.setdefault(code, dict.fromkeys(EXPIRY_WINDOWS, 0))
        for days in EXPIRY_WINDOWS:
            if expires_on <= today + datetime.timedelta(days=days):
                cells[days] += available[owner_id]
    return sorted(
        (
            ExpiringMiles(program_code=code, program_name=names[code], within=cells)
            for code, cells in rows.items()
            if any(cells.values())
        ),
        key=lambda row: row.program_name,
    )


def iter_csv(*, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """CSV lines, header first, every cell made safe against formula injection."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: Iterable[object]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_csv_safe(str(value)) for value in values])
        return buffer.getvalue()

    yield line(header)
    for row in rows:
        yield line(row)
