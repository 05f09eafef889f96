"""Reads for the staff pledge reports."""

import csv
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import batched
from typing import Any

from django.db.models import Q, QuerySet

from safepassage.core.ledger import Bucket, PledgeBalance, PledgeRef
from safepassage.donations.models import Campaign, Pledge, PledgeStatus, Program
from safepassage.ledger.selectors import get_pledge_balances, sum_pledge_buckets
from safepassage.organisations.models import Organisation

CSV_COLUMNS = (
    "pledge_id",
    "created_on",
    "program",
    "status",
    "expires_on",
    "campaign",
    "pledged",
    "available",
    "reserved",
    "redeemed",
    "expired",
    "withdrawn",
)


def list_report_campaigns(*, organisation: Organisation) -> QuerySet[Campaign]:
    return Campaign.objects.filter(organisation=organisation).order_by("-starts_on", "title")


def list_report_programs() -> QuerySet[Program]:
    return Program.objects.order_by("name")


def _scoped(*, organisation: Organisation) -> QuerySet[Pledge]:
    return Pledge.objects.filter(
        Q(campaign__organisation=organisation)
        | Q(event__organiser=organisation)
        | Q(campaign__isnull=True, event__isnull=True)
    )


def list_pledges(*, organisation: Organisation, filters: dict[str, Any] | None) -> QuerySet[Pledge]:
    """Pledges ``organisation``'s staff may see, newest first, narrowed by ``filters``
    (``campaign``, ``program``, ``status``, ``created_from``, ``created_until``); none
    for ``None`` (invalid filters never widen to everything)."""
    pledges = _scoped(organisation=organisation).select_related("program", "campaign")
    if filters is None:
        return pledges.none()
    if campaign := filters.get("campaign"):
        pledges = pledges.filter(campaign=campaign)
    if program := filters.get("program"):
        pledges = pledges.filter(program=program)
    if status := filters.get("status"):
        pledges = pledges.filter(status=status)
    if created_from := filters.get("created_from"):
        pledges = pledges.filter(created_on__gte=created_from)
    if created_until := filters.get("created_until"):
        pledges = pledges.filter(created_on__lte=created_until)
    return pledges.order_by("-created_on", "-pk")


@dataclass(frozen=True, slots=True)
class PledgeRow:
    """A pledge and its ledger buckets."""

    pledge: Pledge
    balance: PledgeBalance


def with_balances(*, pledges: Iterable[Pledge]) -> list[PledgeRow]:
    """Attach ledger balances to ``pledges`` (one query for all of them)."""
    pledge_list = list(pledges)
    refs = [
        PledgeRef(pledge_id=str(pledge.public_id), program=pledge.program.code)
        for pledge in pledge_list
    ]
    balances = get_pledge_balances(pledges=refs)
    return [
        PledgeRow(pledge=pledge, balance=balances[str(pledge.public_id)]) for pledge in pledge_list
    ]


EXPORT_BATCH = 500
"""Pledges read, and balanced, per step of the CSV export (one ledger query each)."""


def iter_with_balances(*, pledges: QuerySet[Pledge]) -> Iterator[PledgeRow]:
    """``pledges`` with their ledger balances, :data:`EXPORT_BATCH` at a time: the export
    starts at once and holds one batch in memory, whatever the number of pledges."""
    for batch in batched(pledges.iterator(chunk_size=EXPORT_BATCH), EXPORT_BATCH):
        yield from with_balances(pledges=batch)


def _csv_safe(value: str) -> str:
    """Prefix values a spreadsheet would run as a formula (CSV injection)."""
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def iter_pledge_csv(*, rows: Iterable[PledgeRow]) -> Iterator[str]:
    """CSV lines (header first): ids, program, status, dates and ledger miles; no donor."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: Iterable[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_csv_safe(value) for value in values])
        return buffer.getvalue()

    yield line(CSV_COLUMNS)
    for row in rows:
        pledge, balance = row.pledge, row.balance
        yield line(
            (
                str(pledge.public_id),
                pledge.created_on.isoformat(),
                pledge.program.code,
                pledge.status,
                pledge.expires_on.isoformat(),
                pledge.campaign.title if pledge.campaign is not None else "",
                *(
                    str(miles.amount)
                    for miles in (
                        balance.pledged,
                        balance.available,
                        balance.reserved,
                        balance.redeemed,
                        balance.expired,
                        balance.withdrawn,
                    )
                ),
            )
        )


@dataclass(frozen=True, slots=True)
class ProgramTotals:
    """Miles of one program across the pledges in scope, per ledger bucket."""

    program_code: str
    program_name: str
    pledge_count: int
    pledged: int
    available: int
    reserved: int
    redeemed: int
    expired: int
    withdrawn: int


def get_program_totals(*, organisation: Organisation) -> list[ProgramTotals]:
    """Per-program totals (pledged, available, reserved, redeemed, expired, withdrawn) from
    the ledger, over every pledge ``organisation``'s staff may see. Pledges still waiting
    for e-mail confirmation have nothing in the ledger and are not counted."""
    in_ledger = _scoped(organisation=organisation).exclude(status=PledgeStatus.UNCONFIRMED)
    # Sums straight from the ledger rows: a balance object per pledge took seconds for a
    # network's 20,000 pledges.
    pledges = list(in_ledger.values_list("public_id", "program__code", "program__name"))
    names = {code: name for _pledge_id, code, name in pledges}
    counts = Counter(code for _pledge_id, code, _name in pledges)
    sums = sum_pledge_buckets(
        pledges=[
            (None, PledgeRef(pledge_id=str(pledge_id), program=code))
            for pledge_id, code, _name in pledges
        ]
    )
    totals = [
        ProgramTotals(
            program_code=code,
            program_name=names[code],
            pledge_count=counts[code],
            pledged=buckets[Bucket.PLEDGED],
            available=buckets[Bucket.AVAILABLE],
            reserved=buckets[Bucket.RESERVED],
            redeemed=buckets[Bucket.REDEEMED],
            expired=buckets[Bucket.EXPIRED],
            withdrawn=buckets[Bucket.WITHDRAWN],
        )
        for (_group, code), buckets in sums.items()
    ]
    return sorted(totals, key=lambda total: total.program_name)
