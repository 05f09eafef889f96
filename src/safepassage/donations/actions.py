"""Writes of the donations app: catalogue edits, campaigns, sponsor matches.

Each ``do_*`` performs the whole change in one transaction, audit event included, and
records only public ids (or program codes) in the audit trail.
"""

import datetime
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.forms import BaseModelFormSet, ModelForm

from safepassage.accounts.models import User
from safepassage.audit.actions import record_audit_event
from safepassage.core.money import Money
from safepassage.donations.cover_images import EncodedImage
from safepassage.donations.errors import (
    CampaignCurrencyHasMatches,
    CampaignDatesInvalid,
    CampaignGoalMissing,
    CampaignSlugTaken,
    OrganisationNotAllowed,
    SponsorMatchCapBelowMatched,
    SponsorMatchCurrencyMismatch,
    SponsorMatchEnded,
    SponsorMatchEndInPast,
    SponsorMatchHasMatched,
    SponsorMatchRatioLowered,
)
from safepassage.donations.lock_objects import lock_campaign, lock_program, lock_sponsor_match
from safepassage.donations.models import Campaign, Program, ProgramFact, SponsorMatch
from safepassage.organisations.models import Organisation


def do_update_program(
    *,
    actor: User,
    program: Program,
    program_form: ModelForm[Program],
    fact_formset: BaseModelFormSet[ProgramFact, Any],
) -> None:
    """Save a catalogue maintainer's edit of a program and its facts (both validated by the
    caller; the view requires ``travel.maintain_catalogue``, decision 0017)."""
    with transaction.atomic():
        lock_program(program_id=program.pk)
        program_form.save()
        facts = fact_formset.save(commit=False)
        for fact in facts:
            fact.program = program
            fact.save()
        for fact in fact_formset.deleted_objects:
            fact.delete()
        record_audit_event(
            actor_ref=str(actor.public_id),
            action="program.updated",
            object_type="program",
            object_ref=program.code,
        )


@dataclass(frozen=True, slots=True)
class CampaignDetails:
    slug: str
    title: str
    story: str
    goal_money: Decimal | None
    goal_currency: str
    goal_miles: int | None
    starts_on: datetime.date
    ends_on: datetime.date | None
    cover_description: str


def check_save_campaign(
    *,
    actor: User,
    organisation: Organisation,
    details: CampaignDetails,
    campaign: Campaign | None = None,
) -> None:
    permission = "donations.change_campaign" if campaign else "donations.add_campaign"
    if not actor.has_perm(permission, organisation):
        raise OrganisationNotAllowed
    if details.goal_money is None and details.goal_miles is None:
        raise CampaignGoalMissing
    if details.ends_on is not None and details.ends_on < details.starts_on:
        raise CampaignDatesInvalid
    Money.zero(currency=details.goal_currency)  # raises for an unknown currency
    if (
        campaign is not None
        and details.goal_currency != campaign.goal_currency
        and campaign.sponsor_matches.exists()
    ):
        raise CampaignCurrencyHasMatches
    others = Campaign.objects.filter(slug=details.slug)
    if campaign is not None:
        others = others.exclude(pk=campaign.pk)
    if others.exists():
        raise CampaignSlugTaken


@contextmanager
def _cover_files(campaign: Campaign, cover: EncodedImage | None) -> Iterator[None]:
    """Write ``cover`` as the campaign's new cover file for the change the block makes
    (inside its transaction). The file it replaces is deleted only once the change commits,
    and the new one at once if the block fails: a change rolled back never leaves the
    campaign pointing at a deleted file, nor a file nobody points at."""
    if cover is None:
        yield
        return
    storage = campaign.cover_image.storage
    replaced = campaign.cover_image.name or ""
    campaign.cover_image.save(
        f"{uuid.uuid4().hex}.{cover.extension}", ContentFile(cover.content), save=False
    )
    campaign.cover_content_type = cover.content_type
    written = campaign.cover_image.name or ""
    try:
        yield
    except BaseException:
        storage.delete(written)
        raise
    if replaced:
        transaction.on_commit(partial(storage.delete, replaced))


def do_create_campaign(
    *,
    actor: User,
    organisation: Organisation,
    details: CampaignDetails,
    beneficiaries: list[Organisation],
    cover: EncodedImage | None,
) -> Campaign:
    """Create an unpublished campaign run by ``organisation``."""
    with transaction.atomic():
        campaign = Campaign(organisation=organisation, **_fields(details))
        with _cover_files(campaign, cover):
            campaign.save()
            campaign.beneficiaries.set(beneficiaries)
            record_audit_event(
                actor_ref=str(actor.public_id),
                action="campaign.created",
                object_type="campaign",
                object_ref=str(campaign.public_id),
                organisation_ref=str(organisation.public_id),
            )
    return campaign


def do_update_campaign(
    *,
    actor: User,
    campaign: Campaign,
    details: CampaignDetails,
    beneficiaries: list[Organisation],
    cover: EncodedImage | None,
) -> Campaign:
    with transaction.atomic():
        locked = lock_campaign(campaign_id=campaign.pk)
        for name, value in _fields(details).items():
            setattr(locked, name, value)
        with _cover_files(locked, cover):
            locked.save()
            locked.beneficiaries.set(beneficiaries)
            record_audit_event(
                actor_ref=str(actor.public_id),
                action="campaign.updated",
                object_type="campaign",
                object_ref=str(locked.public_id),
                organisation_ref=str(locked.organisation.public_id),
            )
    return locked


def _fields(details: CampaignDetails) -> dict[str, object]:
    return {
        "slug": details.slug,
        "title": details.title,
        "story": details.story,
        "goal_money": details.goal_money,
        "goal_currency": details.goal_currency,
        "goal_miles": details.goal_miles,
        "starts_on": details.starts_on,
        "ends_on": details.ends_on,
        "cover_description": details.cover_description,
    }


def do_set_campaign_published(*, actor: User, campaign: Campaign, published: bool) -> None:
    with transaction.atomic():
        locked = lock_campaign(campaign_id=campaign.pk)
        locked.is_published = published
        locked.save(update_fields=["is_published"])
        record_audit_event(
            actor_ref=str(actor.public_id),
            action="campaign.published" if published else "campaign.unpublished",
            object_type="campaign",
            object_ref=str(locked.public_id),
            organisation_ref=str(locked.organisation.public_id),
        )


def check_add_sponsor_match(*, campaign: Campaign, currency: str) -> None:
    if currency != campaign.goal_currency:
        raise SponsorMatchCurrencyMismatch


def do_add_sponsor_match(
    *, actor: User, campaign: Campaign, sponsor_name: str, ratio: Decimal, cap: Decimal
) -> SponsorMatch:
    with transaction.atomic():
        lock_campaign(campaign_id=campaign.pk)
        match = SponsorMatch.objects.create(
            campaign=campaign,
            sponsor_name=sponsor_name,
            ratio=ratio,
            cap=cap,
            currency=campaign.goal_currency,
        )
        record_audit_event(
            actor_ref=str(actor.public_id),
            action="sponsor_match.added",
            object_type="sponsor_match",
            object_ref=str(match.public_id),
            organisation_ref=str(campaign.organisation.public_id),
        )
    return match


def check_remove_sponsor_match(*, match: SponsorMatch) -> None:
    """Only a match that has matched nothing may go (a mistake); one that has matched gifts
    is shown in public totals, which must never shrink, so it can only be ended."""
    from safepassage.donations.selectors import get_matched

    if get_matched(match=match).amount > 0:
        raise SponsorMatchHasMatched


def do_remove_sponsor_match(*, actor: User, campaign: Campaign, match_id: uuid.UUID) -> bool:
    """Remove one of ``campaign``'s sponsor matches; ``False`` if it has no such match.

    Raises :class:`SponsorMatchHasMatched` (checked under the campaign's lock) once the match
    has matched anything.
    """
    with transaction.atomic():
        lock_campaign(campaign_id=campaign.pk)
        match = SponsorMatch.objects.filter(campaign=campaign, public_id=match_id).first()
        if match is None:
            return False
        check_remove_sponsor_match(match=match)
        match.delete()
        record_audit_event(
            actor_ref=str(actor.public_id),
            action="sponsor_match.removed",
            object_type="sponsor_match",
            object_ref=str(match_id),
            organisation_ref=str(campaign.organisation.public_id),
        )
    return True


@dataclass(frozen=True, slots=True)
class SponsorMatchTerms:
    sponsor_name: str
    ratio: Decimal
    cap: Decimal


def _is_ended(*, match: SponsorMatch, today: datetime.date) -> bool:
    return match.ends_on is not None and match.ends_on < today


def check_update_sponsor_match(
    *, match: SponsorMatch, terms: SponsorMatchTerms, today: datetime.date
) -> None:
    """Changes may never lower what the sponsor has matched already (shown publicly).

    The cap may not go below the matched amount; the ratio may only go up once anything
    is matched (the matched amount is derived from every gift so far, so a lower ratio
    would shrink it); an ended match is history and stays as it was.
    """
    from safepassage.donations.selectors import get_matched

    if _is_ended(match=match, today=today):
        raise SponsorMatchEnded
    matched = get_matched(match=match)
    if Money(amount=terms.cap, currency=match.currency) < matched:
        raise SponsorMatchCapBelowMatched(matched=matched)
    if terms.ratio < match.ratio and matched.amount > 0:
        raise SponsorMatchRatioLowered


def do_update_sponsor_match(
    *, actor: User, match: SponsorMatch, terms: SponsorMatchTerms, today: datetime.date
) -> SponsorMatch:
    """Change a match's sponsor, ratio or cap; the rules are checked again under lock."""
    with transaction.atomic():
        locked = lock_sponsor_match(campaign_id=match.campaign_id, match_id=match.pk)
        check_update_sponsor_match(match=locked, terms=terms, today=today)
        locked.sponsor_name, locked.ratio, locked.cap = terms.sponsor_name, terms.ratio, terms.cap
        locked.save(update_fields=["sponsor_name", "ratio", "cap"])
        record_audit_event(
            actor_ref=str(actor.public_id),
            action="sponsor_match.updated",
            object_type="sponsor_match",
            object_ref=str(locked.public_id),
            organisation_ref=str(match.campaign.organisation.public_id),
        )
    return locked


def check_end_sponsor_match(
    *, match: SponsorMatch, ends_on: datetime.date, today: datetime.date
) -> None:
    """A match ends today or later, never retroactively, and an ended match stays ended."""
    if _is_ended(match=match, today=today):
        raise SponsorMatchEnded
    if ends_on < today:
        raise SponsorMatchEndInPast


def do_end_sponsor_match(
    *, actor: User, match: SponsorMatch, ends_on: datetime.date, today: datetime.date
) -> SponsorMatch:
    """Match no gift received after ``ends_on``; what is matched up to then stays."""
    with transaction.atomic():
        locked = lock_sponsor_match(campaign_id=match.campaign_id, match_id=match.pk)
        check_end_sponsor_match(match=locked, ends_on=ends_on, today=today)
        locked.ends_on = ends_on
        locked.save(update_fields=["ends_on"])
        record_audit_event(
            actor_ref=str(actor.public_id),
            action="sponsor_match.ended",
            object_type="sponsor_match",
            object_ref=str(locked.public_id),
            organisation_ref=str(match.campaign.organisation.public_id),
        )
    return locked
