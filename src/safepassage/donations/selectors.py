"""Reads of the donations app: the program catalogue, campaigns and their totals."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db.models import Prefetch, QuerySet, Sum
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from safepassage.accounts.models import User
from safepassage.core.ledger import PledgeRef
from safepassage.core.money import Money
from safepassage.donations.models import Campaign, Gift, Program, SponsorMatch, TransferPartner
from safepassage.donations.models.pledges import Pledge, PledgeStatus
from safepassage.ledger.selectors import get_pledge_balances
from safepassage.organisations.models import Organisation

RECENT_PLEDGES_SHOWN = 10


def list_catalogue_programs() -> QuerySet[Program]:
    """Programs that accept pledges, airlines first, with their transfer partners."""
    return (
        Program.objects.filter(is_active=True)
        .order_by("kind", "name")
        .prefetch_related(
            Prefetch(
                "transfer_partners",
                queryset=TransferPartner.objects.select_related("airline_program").order_by(
                    "airline_program__name"
                ),
            )
        )
    )


def list_programs_with_facts() -> QuerySet[Program]:
    """Every program with every fact (staff view), unknowns included."""
    return Program.objects.order_by("kind", "name").prefetch_related(
        "facts",
        Prefetch(
            "transfer_partners",
            queryset=TransferPartner.objects.select_related("airline_program"),
        ),
    )


def list_published_campaigns() -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(is_published=True)
        .select_related("organisation")
        .order_by("-starts_on", "title")
    )


def get_published_campaign(*, slug: str) -> Campaign:
    """A published campaign by its address; 404 for unknown and unpublished alike."""
    campaign = (
        Campaign.objects.filter(slug=slug, is_published=True)
        .select_related("organisation")
        .prefetch_related("beneficiaries", "sponsor_matches")
        .first()
    )
    if campaign is None:
        raise Http404
    return campaign


def list_campaigns_for_organisations(*, organisation_ids: list[int]) -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(organisation_id__in=organisation_ids)
        .select_related("organisation")
        .order_by("-starts_on", "title")
    )


@dataclass(frozen=True, slots=True)
class MatchTotal:
    sponsor_name: str
    ratio: Decimal
    cap: Money
    matched: Money
    ends_on: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class RecentPledge:
    program_name: str
    miles: int


@dataclass(frozen=True, slots=True)
class PledgeSummary:
    miles: int
    count: int
    recent: tuple[RecentPledge, ...]


@dataclass(frozen=True, slots=True)
class CampaignTotals:
    """What a campaign has raised: gifts, sponsor matches on them, confirmed pledges."""

    given: Money
    matched: Money
    money_total: Money
    gift_count: int
    other_currency_gift_count: int
    matches: tuple[MatchTotal, ...]
    miles_pledged: int
    pledge_count: int
    recent_pledges: tuple[RecentPledge, ...]


def _quantize(*, amount: Decimal, currency: str) -> Money:
    minor_units = Money.zero(currency=currency).minor_units
    return Money(
        amount=amount.quantize(Decimal(1).scaleb(-minor_units), rounding=ROUND_DOWN),
        currency=currency,
    )


def compute_match(*, given: Money, ratio: Decimal, cap: Money) -> Money:
    """``given * ratio``, never more than ``cap``, rounded down to the minor unit."""
    matched = _quantize(amount=given.amount * ratio, currency=given.currency)
    return matched if matched <= cap else cap


def summarise_pledges(*, pledges: QuerySet[Pledge]) -> PledgeSummary:
    """Confirmed pledges, and of withdrawn or expired ones the miles the ledger still holds
    reserved or redeemed for a traveller (they flew, or will fly, someone); unconfirmed
    pledges never count. The recent list shows confirmed pledges only."""
    confirmed = pledges.filter(status=PledgeStatus.CONFIRMED)
    total = confirmed.aggregate(total=Sum("miles"))["total"] or 0
    used = _miles_used_by_closed_pledges(pledges=pledges)
    recent = tuple(
        RecentPledge(program_name=program_name, miles=miles)
        for program_name, miles in confirmed.order_by("-confirmed_on", "-pk").values_list(
            "program__name", "miles"
        )[:RECENT_PLEDGES_SHOWN]
    )
    return PledgeSummary(
        miles=int(total) + sum(used), count=confirmed.count() + len(used), recent=recent
    )


def _miles_used_by_closed_pledges(*, pledges: QuerySet[Pledge]) -> list[int]:
    """Reserved plus redeemed ledger miles of each withdrawn or expired pledge that has any."""
    closed = [
        PledgeRef(pledge_id=str(public_id), program=program_code)
        for public_id, program_code in pledges.filter(
            status__in=[PledgeStatus.WITHDRAWN, PledgeStatus.EXPIRED]
        ).values_list("public_id", "program__code")
    ]
    used = (
        balance.reserved.amount + balance.redeemed.amount
        for balance in get_pledge_balances(pledges=closed).values()
    )
    return [miles for miles in used if miles > 0]


def get_campaign_totals(*, campaign: Campaign) -> CampaignTotals:
    """Gifts in the campaign's currency, sponsor matches on them, and miles pledged.

    Gifts in other currencies are counted but never converted into the total.
    """
    currency = campaign.goal_currency
    gifts = Gift.objects.filter(campaign=campaign)
    given = _given(campaign_id=campaign.pk, currency=currency, until=None)
    matches = tuple(
        _match_total(match=match, given=given)
        for match in SponsorMatch.objects.filter(campaign=campaign, currency=currency)
    )
    matched = Money.zero(currency=currency)
    for match in matches:
        matched = matched + match.matched
    pledge_summary = summarise_pledges(pledges=Pledge.objects.filter(campaign=campaign))
    return CampaignTotals(
        given=given,
        matched=matched,
        money_total=given + matched,
        gift_count=gifts.filter(currency=currency).count(),
        other_currency_gift_count=gifts.exclude(currency=currency).count(),
        matches=matches,
        miles_pledged=pledge_summary.miles,
        pledge_count=pledge_summary.count,
        recent_pledges=pledge_summary.recent,
    )


def _given(*, campaign_id: int, currency: str, until: datetime.date | None) -> Money:
    """Gifts to the campaign in ``currency``, received on or before ``until`` if given."""
    gifts = Gift.objects.filter(campaign_id=campaign_id, currency=currency)
    if until is not None:
        gifts = gifts.filter(received_on__lte=until)
    total = gifts.aggregate(total=Sum("amount"))["total"]
    return _quantize(amount=total or Decimal(0), currency=currency)


def _match_total(*, match: SponsorMatch, given: Money) -> MatchTotal:
    """One match's share: ``given`` (all gifts) unless it ended, then gifts up to its end."""
    if match.ends_on is not None:
        given = _given(campaign_id=match.campaign_id, currency=match.currency, until=match.ends_on)
    cap = _quantize(amount=match.cap, currency=match.currency)  # a cap stored finer than
    # its currency (before caps were checked against it) counts in whole minor units
    return MatchTotal(
        sponsor_name=match.sponsor_name,
        ratio=match.ratio,
        cap=cap,
        matched=compute_match(given=given, ratio=match.ratio, cap=cap),
        ends_on=match.ends_on,
    )


def get_matched(*, match: SponsorMatch) -> Money:
    """What ``match`` has matched so far (derived from the gifts, never stored)."""
    given = _given(campaign_id=match.campaign_id, currency=match.currency, until=match.ends_on)
    return compute_match(
        given=given, ratio=match.ratio, cap=_quantize(amount=match.cap, currency=match.currency)
    )


@dataclass(frozen=True, slots=True)
class Progress:
    """A goal's progress for the server-drawn SVG bar (0 to 100, whole percent)."""

    percent: int
    bar_width: int


def progress_towards(*, raised: Decimal | int, goal: Decimal | int | None) -> Progress | None:
    if goal is None or goal <= 0:
        return None
    percent = int(Decimal(raised) * 100 // Decimal(goal))
    return Progress(percent=percent, bar_width=min(percent, 100))


def list_organisations_permitting(*, user: User, permission: str) -> list[Organisation]:
    """The organisations in which one of ``user``'s roles grants ``permission``."""
    organisations = Organisation.objects.filter(memberships__user=user).distinct().order_by("name")
    return [
        organisation for organisation in organisations if user.has_perm(permission, organisation)
    ]


def get_pledge_url(*, campaign_slug: str) -> str | None:
    """The pledge page of a campaign, or ``None`` while this installation has none.

    The pledge pages are built separately; both names they have used are tried.
    """
    for name, kwargs in (
        ("donations:pledge_for_campaign", {"slug": campaign_slug}),
        ("donations:pledge", {"campaign_slug": campaign_slug}),
    ):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None
