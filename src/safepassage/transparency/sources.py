"""The live data the figures are computed from (read only by ``do_publish_snapshot``).

Every function returns, per cell key, the list of single *contributions* (one per
traveller group, gift or redemption) up to and including ``period_end``; the disclosure
rules in ``disclosure.py`` need the contributions, not just the sums. Nothing here is ever
shown directly: the public page reads published snapshots only.

- People moved: the party size of every case whose first move to *departed*, *arrived* or
  *resettled* is dated up to ``period_end``, in the month of that move (clear workflow
  fields of ``cases``; nothing is decrypted), plus the :class:`ShreddedMove` rows kept for
  cases crypto-shredded since.
- Money raised: every gift received up to ``period_end``, converted into the reporting
  currency with the latest exchange rate recorded on or before the end of its month
  (``donations.gifts.selectors``); gifts in a currency with no recorded rate are left out,
  never guessed.
- Miles redeemed: the net postings into pledges' *redeemed* accounts (redemptions minus
  miles returned after a cancellation), one contribution per ledger transaction, in the
  month the transaction was recorded; all programs added together.
"""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import Min
from django.utils import timezone

from safepassage.cases.models import Case, CaseState, CaseTransition
from safepassage.core.ledger import Bucket, OwnerKind
from safepassage.core.money import Money
from safepassage.donations.gifts.selectors import latest_rates
from safepassage.donations.models import Campaign, Gift, Pledge
from safepassage.ledger.models import Posting
from safepassage.transparency.models import ShreddedMove

MOVED_STATES = (CaseState.DEPARTED, CaseState.ARRIVED, CaseState.RESETTLED)

Contributions = dict[str, list[Decimal]]
"""Cell key (``YYYY-MM`` or a campaign's public id) → the single contributions."""


def month_key(day: datetime.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def people_by_month(*, period_end: datetime.date) -> Contributions:
    firsts = (
        CaseTransition.objects.filter(target__in=[str(state) for state in MOVED_STATES])
        .values("case_id")
        .annotate(moved_on=Min("made_on"))
        .filter(moved_on__lte=period_end)
    )
    moved_on = {row["case_id"]: row["moved_on"] for row in firsts}
    cells: Contributions = defaultdict(list)
    for case_id, party_size in Case.objects.filter(pk__in=list(moved_on)).values_list(
        "pk", "party_size"
    ):
        cells[month_key(moved_on[case_id])].append(Decimal(party_size))
    for moved_in, party_size in ShreddedMove.objects.filter(moved_in__lte=period_end).values_list(
        "moved_in", "party_size"
    ):
        cells[month_key(moved_in)].append(Decimal(party_size))
    return dict(cells)


def first_move(*, case: Case) -> datetime.date | None:
    """The day ``case`` first departed, arrived or resettled, if it ever did."""
    moved_on: datetime.date | None = CaseTransition.objects.filter(
        case=case, target__in=[str(state) for state in MOVED_STATES]
    ).aggregate(first=Min("made_on"))["first"]
    return moved_on


def _converted(*, amount: Decimal, rate: Decimal, currency: str) -> Decimal:
    minor_units = Money.zero(currency=currency).minor_units
    return (amount * rate).quantize(Decimal(1).scaleb(-minor_units), rounding=ROUND_HALF_EVEN)


def money(
    *, period_end: datetime.date, reporting_currency: str
) -> tuple[Contributions, Contributions]:
    """(by month, by published campaign) in ``reporting_currency``."""
    by_month: Contributions = defaultdict(list)
    by_campaign: Contributions = defaultdict(list)
    published = _published_campaign_keys()
    rates_by_month: dict[str, dict[str, Decimal]] = {}
    for received_on, amount, currency, campaign_id in Gift.objects.filter(
        received_on__lte=period_end
    ).values_list("received_on", "amount", "currency", "campaign_id"):
        key = month_key(received_on)
        if key not in rates_by_month:
            rates = latest_rates(quote_currency=reporting_currency, on=month_end(received_on))
            rates_by_month[key] = {code: rate.rate for code, rate in rates.items()}
        if currency == reporting_currency:
            converted = amount
        elif currency in rates_by_month[key]:
            converted = _converted(
                amount=amount, rate=rates_by_month[key][currency], currency=reporting_currency
            )
        else:
            continue
        by_month[key].append(converted)
        if campaign_id in published:
            by_campaign[published[campaign_id]].append(converted)
    return dict(by_month), dict(by_campaign)


def miles(*, period_end: datetime.date) -> tuple[Contributions, Contributions]:
    """(by month, by published campaign) of net redeemed miles, one entry per transaction."""
    per_transaction: dict[int, int] = defaultdict(int)
    per_transaction_campaign: dict[tuple[int, str], int] = defaultdict(int)
    recorded_on: dict[int, datetime.date] = {}
    campaign_of_pledge = {
        str(public_id): campaign_id
        for public_id, campaign_id in Pledge.objects.filter(campaign__isnull=False).values_list(
            "public_id", "campaign_id"
        )
    }
    published = _published_campaign_keys()
    for transaction_id, created_at, owner_id, amount in Posting.objects.filter(
        owner_kind=str(OwnerKind.PLEDGE), bucket=str(Bucket.REDEEMED), unit__startswith="miles:"
    ).values_list("transaction_id", "transaction__created_at", "owner_id", "amount"):
        day = timezone.localdate(created_at)
        if day > period_end:
            continue
        recorded_on[transaction_id] = day
        per_transaction[transaction_id] += amount
        campaign_id = campaign_of_pledge.get(owner_id)
        if campaign_id in published:
            per_transaction_campaign[(transaction_id, published[campaign_id])] += amount
    by_month: Contributions = defaultdict(list)
    for transaction_id, amount in per_transaction.items():
        if amount:
            by_month[month_key(recorded_on[transaction_id])].append(Decimal(amount))
    by_campaign: Contributions = defaultdict(list)
    for (_transaction_id, key), amount in per_transaction_campaign.items():
        if amount:
            by_campaign[key].append(Decimal(amount))
    return dict(by_month), dict(by_campaign)


def _published_campaign_keys() -> dict[int, str]:
    return {
        pk: str(public_id)
        for pk, public_id in Campaign.objects.filter(is_published=True).values_list(
            "pk", "public_id"
        )
    }


def campaign_titles() -> dict[str, str]:
    """Titles of published campaigns by public id (they are already public)."""
    return {
        str(public_id): title
        for public_id, title in Campaign.objects.filter(is_published=True).values_list(
            "public_id", "title"
        )
    }


def first_month(*, period_end: datetime.date) -> datetime.date | None:
    """The first day of the earliest month with any figure, or None when there is none."""
    days = [
        CaseTransition.objects.filter(target__in=[str(s) for s in MOVED_STATES]).aggregate(
            first=Min("made_on")
        )["first"],
        Gift.objects.aggregate(first=Min("received_on"))["first"],
        ShreddedMove.objects.aggregate(first=Min("moved_in"))["first"],
    ]
    first_posting = (
        Posting.objects.filter(owner_kind=str(OwnerKind.PLEDGE), bucket=str(Bucket.REDEEMED))
        .order_by("transaction__created_at")
        .values_list("transaction__created_at", flat=True)
        .first()
    )
    if first_posting is not None:
        days.append(timezone.localdate(first_posting))
    known = [day for day in days if day is not None and day <= period_end]
    return min(known).replace(day=1) if known else None
