"""Reads of pledges: ledger balances, the programs to choose from, the expiry forecast."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from safepassage.core.ledger import PledgeBalance, PledgeRef
from safepassage.donations.models import (
    Campaign,
    DelegatedBooking,
    FactTopic,
    Pledge,
    PledgeStatus,
    Program,
    ProgramFact,
    ProgramKind,
)
from safepassage.ledger.selectors import get_pledge_balance, get_pledge_balances
from safepassage.organisations.models import Organisation

FORECAST_WINDOWS = (30, 90)


def get_pledge_ref(*, pledge: Pledge) -> PledgeRef:
    """The pledge as the ledger knows it: public id and the pledged program's code."""
    return PledgeRef(pledge_id=str(pledge.public_id), program=pledge.program.code)


def get_balance(*, pledge: Pledge) -> PledgeBalance:
    """The pledge's miles per ledger bucket."""
    return get_pledge_balance(pledge=get_pledge_ref(pledge=pledge))


def committed_miles(*, balance: PledgeBalance) -> int:
    """Miles still promised: available, set aside and spent (not withdrawn or expired)."""
    return balance.available.amount + balance.reserved.amount + balance.redeemed.amount


def list_pledge_programs() -> QuerySet[Program]:
    """Programs a donor can pledge, by name."""
    return Program.objects.filter(is_active=True).order_by("name")


def list_transfer_targets() -> QuerySet[Program]:
    """Airline programs that bank points can be transferred to."""
    return Program.objects.filter(kind=ProgramKind.AIRLINE).order_by("name")


# Strictest first: one program that says "the donor must book" decides for the pledge.
_STRICTNESS = (
    DelegatedBooking.DONOR_MUST_BOOK,
    DelegatedBooking.UNKNOWN,
    DelegatedBooking.WITH_CONSENT,
)


@dataclass(frozen=True)
class DelegationRule:
    """Whether the fund may book with a pledge's miles using the donor's delegated access.

    ``rule`` is a :class:`DelegatedBooking` value; ``program`` is the program whose rule
    decided (for bank points the stricter of the points program and the airline program
    they go to); ``fact`` is that program's newest sourced statement of the rule, if any.
    """

    rule: str
    program: Program
    fact: ProgramFact | None

    @property
    def allows_delegation(self) -> bool:
        return self.rule == DelegatedBooking.WITH_CONSENT


def get_delegation_rule(*, program: Program, transfer_partner: Program | None) -> DelegationRule:
    """The rule for miles of ``program`` (bank points: also ``transfer_partner``'s).

    Unknown never counts as allowed: only a program whose rule says the fund may book with
    the donor's access (and, for points, the airline program too) allows it.
    """
    programs = [program]
    if program.kind == ProgramKind.BANK_POINTS and transfer_partner is not None:
        programs.append(transfer_partner)
    deciding = min(programs, key=lambda p: _rank(p.delegated_booking))
    fact = (
        ProgramFact.objects.filter(program=deciding, topic=FactTopic.DELEGATED_BOOKING)
        .order_by("-as_of", "-pk")
        .first()
    )
    rule = deciding.delegated_booking
    if rule not in DelegatedBooking.values:
        rule = DelegatedBooking.UNKNOWN
    return DelegationRule(rule=rule, program=deciding, fact=fact)


def _rank(rule: str) -> int:
    return _STRICTNESS.index(rule) if rule in _STRICTNESS else _STRICTNESS.index("unknown")


def get_pledge_delegation_rule(*, pledge: Pledge) -> DelegationRule:
    return get_delegation_rule(program=pledge.program, transfer_partner=pledge.transfer_partner)


def may_book_with_delegated_access(*, pledge: Pledge) -> bool:
    """The program allows the fund to book with the donor's access and the donor agreed."""
    return (
        pledge.delegated_booking_consent
        and get_pledge_delegation_rule(pledge=pledge).allows_delegation
    )


def list_delegation_programs() -> QuerySet[Program]:
    """Programs (active) whose miles the fund may book with the donor's access if the donor
    agrees: what the pledge form names next to the question."""
    return list_pledge_programs().filter(delegated_booking=DelegatedBooking.WITH_CONSENT)


def get_published_campaign(*, slug: str) -> Campaign | None:
    return Campaign.objects.filter(slug=slug, is_published=True).first()


def has_running_event(*, campaign: Campaign, now: datetime, margin: timedelta) -> bool:
    """Whether a published event of ``campaign`` runs at ``now`` (``margin`` either side)."""
    return campaign.events.filter(
        is_published=True, starts_at__lte=now + margin, ends_at__gte=now - margin
    ).exists()


@dataclass(frozen=True)
class ForecastRow:
    """Available miles of one program expiring within each window (days)."""

    program_code: str
    program_name: str
    pledges: int
    miles_by_window: dict[int, int]

    @property
    def within_30(self) -> int:
        return self.miles_by_window.get(30, 0)

    @property
    def within_90(self) -> int:
        return self.miles_by_window.get(90, 0)


def forecast_expiring_miles(
    *, organisations: Iterable[Organisation], today: date
) -> list[ForecastRow]:
    """Available miles of confirmed pledges expiring in the next 30 and 90 days, per program.

    Counts pledges to campaigns run by ``organisations`` and pledges to no campaign (the
    network's shared pool). Totals only: no donor, no pledge id.
    """
    horizon = today + timedelta(days=max(FORECAST_WINDOWS))
    pledges = list(
        Pledge.objects.filter(
            status=PledgeStatus.CONFIRMED,
            expires_on__gte=today,
            expires_on__lte=horizon,
        )
        .filter(Q(campaign__isnull=True) | Q(campaign__organisation__in=list(organisations)))
        .select_related("program")
    )
    balances = get_pledge_balances(pledges=[get_pledge_ref(pledge=p) for p in pledges])
    rows: dict[str, ForecastRow] = {}
    for pledge in pledges:
        available = balances[str(pledge.public_id)].available.amount
        if available <= 0:
            continue
        row = rows.setdefault(
            pledge.program.code,
            ForecastRow(
                program_code=pledge.program.code,
                program_name=pledge.program.name,
                pledges=0,
                miles_by_window=dict.fromkeys(FORECAST_WINDOWS, 0),
            ),
        )
        rows[pledge.program.code] = ForecastRow(
            program_code=row.program_code,
            program_name=row.program_name,
            pledges=row.pledges + 1,
            miles_by_window={
                window: total + (available if pledge.expires_on <= today + timedelta(window) else 0)
                for window, total in row.miles_by_window.items()
            },
        )
    return sorted(rows.values(), key=lambda row: row.program_name)


def list_pledges_due_for_reminder(*, today: date, days_ahead: int) -> QuerySet[Pledge]:
    """Confirmed pledges expiring within ``days_ahead`` whose donor was not yet reminded of
    this expiry date, and who accept contact today."""
    return (
        Pledge.objects.filter(
            status=PledgeStatus.CONFIRMED,
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=days_ahead),
        )
        .exclude(reminded_for_expiry_on=F("expires_on"))
        .filter(Q(contact_before__isnull=True) | Q(contact_before__gte=today))
        .order_by("pk")
    )


def list_unconfirmed_pledges_holding_donor(*, created_before: date) -> QuerySet[Pledge]:
    """Pledges never confirmed whose latest confirmation link was sent (or, never sent, that
    were made) before ``created_before``, that still hold the donor's sealed name or
    address."""
    return (
        Pledge.objects.filter(status=PledgeStatus.UNCONFIRMED)
        .alias(last_link_on=Coalesce("confirmation_sent_on", "created_on"))
        .filter(last_link_on__lt=created_before)
        .filter(Q(donor_name_envelope__isnull=False) | Q(donor_email_envelope__isnull=False))
        .order_by("pk")
    )


CONFIRM_DAYS = 7
"""How long a pledge waits for confirmation: its link works this many days (tokens'
``CONFIRM_MAX_AGE``), and a lost link may be asked for again this many days after the
pledge was made."""


def list_pledges_awaiting_confirmation(*, email_digest: str, today: date) -> QuerySet[Pledge]:
    """Unconfirmed pledges made with the address of ``email_digest`` within the last
    ``CONFIRM_DAYS`` days, still holding the address, whose miles have not expired."""
    return Pledge.objects.filter(
        status=PledgeStatus.UNCONFIRMED,
        donor_email_digest=email_digest,
        donor_email_envelope__isnull=False,
        created_on__gte=today - timedelta(days=CONFIRM_DAYS),
        expires_on__gt=today,
    ).order_by("pk")


def list_pledges_with_unsent_confirmation(*, today: date) -> QuerySet[Pledge]:
    """Unconfirmed pledges of the last ``CONFIRM_DAYS`` days whose confirmation link could
    not be sent (the mail server failed) and is not queued again yet."""
    return Pledge.objects.filter(
        status=PledgeStatus.UNCONFIRMED,
        confirmation_sent_on__isnull=True,
        donor_email_envelope__isnull=False,
        created_on__gte=today - timedelta(days=CONFIRM_DAYS),
    ).order_by("pk")


def list_pledges_past_expiry(*, today: date) -> QuerySet[Pledge]:
    """Confirmed pledges whose expiry date has passed."""
    return Pledge.objects.filter(status=PledgeStatus.CONFIRMED, expires_on__lt=today).order_by("pk")
