"""Reads of gifts: filtered lists, CSV rows, per-campaign totals, reporting conversions."""

import csv
import datetime
import io
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum

from safepassage.core.ledger import Bucket, OwnerKind, PledgeRef
from safepassage.core.money import Miles, Money
from safepassage.donations.models import Campaign, ExchangeRate, Gift, Pledge, PledgeStatus
from safepassage.ledger.selectors import get_owner_balances, sum_pledge_buckets
from safepassage.organisations.models import Organisation

CSV_COLUMNS = (
    "gift_id",
    "received_on",
    "amount",
    "currency",
    "campaign",
    "source",
    "provider",
    "anonymous",
    "receipt_sent_on",
)


def list_organisation_campaigns(*, organisation: Organisation) -> QuerySet[Campaign]:
    return Campaign.objects.filter(organisation=organisation).order_by("-starts_on", "title")


def list_gifts(*, organisation: Organisation, filters: dict[str, Any] | None) -> QuerySet[Gift]:
    """Gifts received by ``organisation``, newest first, narrowed by the given filters
    (``campaign``, ``source``, ``currency``, ``received_from``, ``received_until``);
    none at all for ``None`` (invalid filters never widen to everything)."""
    gifts = Gift.objects.filter(organisation=organisation).select_related("campaign")
    if filters is None:
        return gifts.none()
    if campaign := filters.get("campaign"):
        gifts = gifts.filter(campaign=campaign)
    if source := filters.get("source"):
        gifts = gifts.filter(source=source)
    if currency := filters.get("currency"):
        gifts = gifts.filter(currency=currency)
    if received_from := filters.get("received_from"):
        gifts = gifts.filter(received_on__gte=received_from)
    if received_until := filters.get("received_until"):
        gifts = gifts.filter(received_on__lte=received_until)
    return gifts.order_by("-received_on", "-pk")


def list_gifts_awaiting_receipt() -> list[uuid.UUID]:
    """Public ids of gifts holding a receipt address whose receipt was never sent."""
    return list(
        Gift.objects.filter(receipt_email_envelope__isnull=False, receipt_sent_on__isnull=True)
        .order_by("pk")
        .values_list("public_id", flat=True)
    )


def gift_money(gift: Gift) -> Money:
    return Money(amount=gift.amount, currency=gift.currency)


def iter_gift_csv(*, gifts: Iterable[Gift]) -> Iterator[str]:
    """CSV lines (header first) of ``gifts``: ids, amounts and categories only.

    No donor name or address is exported; spreadsheet formula prefixes are neutralised.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: Iterable[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_csv_safe(value) for value in values])
        return buffer.getvalue()

    yield line(CSV_COLUMNS)
    for gift in gifts:
        money = gift_money(gift)
        yield line(
            (
                str(gift.public_id),
                gift.received_on.isoformat(),
                f"{money.amount:.{money.minor_units}f}",
                gift.currency,
                gift.campaign.title if gift.campaign is not None else "",
                gift.source,
                gift.provider,
                "yes" if gift.is_anonymous else "no",
                gift.receipt_sent_on.isoformat() if gift.receipt_sent_on else "",
            )
        )


def _csv_safe(value: str) -> str:
    """Prefix values a spreadsheet would run as a formula (CSV injection)."""
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


@dataclass(frozen=True, slots=True)
class CurrencyTotal:
    money: Money
    gift_count: int


@dataclass(frozen=True, slots=True)
class CampaignGiftTotals:
    """Gifts per currency (never mixed) and cash the ledger holds now, per currency."""

    campaign: Campaign | None
    given: tuple[CurrencyTotal, ...]
    held: tuple[Money, ...]
    converted: Money | None
    conversion_note: str
    miles: tuple[Miles, ...] = ()


def _quantized(*, amount: Decimal, currency: str) -> Money:
    minor_units = Money.zero(currency=currency).minor_units
    return Money(
        amount=amount.quantize(Decimal(1).scaleb(-minor_units), rounding=ROUND_HALF_EVEN),
        currency=currency,
    )


def latest_rates(*, quote_currency: str, on: datetime.date) -> dict[str, ExchangeRate]:
    """The most recent rate on or before ``on`` into ``quote_currency``, per currency."""
    rates: dict[str, ExchangeRate] = {}
    for rate in ExchangeRate.objects.filter(quote_currency=quote_currency, as_of__lte=on).order_by(
        "base_currency", "-as_of"
    ):
        rates.setdefault(rate.base_currency, rate)
    return rates


def convert_for_reporting(
    *, totals: Iterable[Money], quote_currency: str, rates: dict[str, ExchangeRate]
) -> Money | None:
    """The sum of ``totals`` in ``quote_currency`` using ``rates``, rounded half-even to the
    minor unit per currency; ``None`` when a currency has no recorded rate (never guessed)."""
    total = Money.zero(currency=quote_currency)
    for money in totals:
        if money.currency == quote_currency:
            total = total + money
            continue
        rate = rates.get(money.currency)
        if rate is None:
            return None
        total = total + _quantized(amount=money.amount * rate.rate, currency=quote_currency)
    return total


def get_campaign_gift_totals(
    *, organisation: Organisation, reporting_currency: str, on: datetime.date
) -> list[CampaignGiftTotals]:
    """One row per campaign of ``organisation`` plus one for its general fund."""
    campaigns = list(list_organisation_campaigns(organisation=organisation))
    sums: dict[int | None, list[CurrencyTotal]] = defaultdict(list)
    for row in (
        Gift.objects.filter(organisation=organisation)
        .values("campaign_id", "currency")
        .annotate(total=Sum("amount"), count=Count("pk"))
        .order_by("campaign_id", "currency")
    ):
        sums[row["campaign_id"]].append(
            CurrencyTotal(
                money=_quantized(amount=row["total"], currency=row["currency"]),
                gift_count=row["count"],
            )
        )
    rates = latest_rates(quote_currency=reporting_currency, on=on)
    used = sorted({total.money.currency for totals in sums.values() for total in totals})
    note = ", ".join(
        f"1 {currency} = {rates[currency].rate.normalize()} {reporting_currency} "
        f"({rates[currency].as_of.isoformat()}, {rates[currency].source})"
        for currency in used
        if currency in rates
    )
    owners = [(OwnerKind.CAMPAIGN, str(campaign.public_id)) for campaign in campaigns] + [
        (OwnerKind.FUND, str(organisation.public_id))
    ]
    held: dict[str, list[Money]] = defaultdict(list)
    for account, amount in get_owner_balances(owners=owners).items():
        held[account.owner_id].append(
            Money.from_minor_units(amount=amount, currency=account.unit.code)
        )
    miles = _committed_miles_by_campaign(campaigns=campaigns)
    rows = []
    for campaign in [*campaigns, None]:
        owner_id = str(campaign.public_id) if campaign is not None else str(organisation.public_id)
        given = tuple(sums.get(campaign.pk if campaign is not None else None, []))
        rows.append(
            CampaignGiftTotals(
                campaign=campaign,
                given=given,
                held=tuple(sorted(held.get(owner_id, []), key=lambda money: money.currency)),
                converted=convert_for_reporting(
                    totals=[total.money for total in given],
                    quote_currency=reporting_currency,
                    rates=rates,
                ),
                conversion_note=note,
                miles=miles.get(campaign.pk, ()) if campaign is not None else (),
            )
        )
    return rows


def _committed_miles_by_campaign(*, campaigns: list[Campaign]) -> dict[int, tuple[Miles, ...]]:
    """Miles still promised (available + reserved + redeemed) by pledges confirmed to each
    campaign, per program, summed from the ledger rows (one query per 500 pledges); a
    withdrawn or expired pledge keeps the miles reserved or redeemed for a traveller."""
    pledges = (
        Pledge.objects.filter(campaign__in=campaigns)
        .exclude(status=PledgeStatus.UNCONFIRMED)
        .values_list("campaign_id", "public_id", "program__code")
    )
    sums = sum_pledge_buckets(
        pledges=[
            (campaign_id, PledgeRef(pledge_id=str(pledge_id), program=code))
            for campaign_id, pledge_id, code in pledges
        ]
    )
    totals: dict[int, dict[str, int]] = defaultdict(dict)
    for (campaign_id, code), buckets in sums.items():
        committed = buckets[Bucket.AVAILABLE] + buckets[Bucket.RESERVED] + buckets[Bucket.REDEEMED]
        if campaign_id is not None and committed:
            totals[campaign_id][code] = committed
    return {
        campaign_id: tuple(
            Miles(amount=amount, program=program) for program, amount in sorted(programs.items())
        )
        for campaign_id, programs in totals.items()
    }
