"""Reads of the events app: published events, their programme and tally."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from safepassage.core.money import Money
from safepassage.donations.models import Campaign
from safepassage.donations.models.pledges import Pledge
from safepassage.donations.selectors import PledgeSummary, get_campaign_totals, summarise_pledges
from safepassage.events.models import Event
from safepassage.organisations.models import Organisation


def list_published_events(*, now: datetime, past: bool = False) -> QuerySet[Event]:
    """Published events not over yet, the soonest first (with ``past``: those already over,
    the latest first), so a visitor meets what they can still go to before old evenings."""
    events = Event.objects.filter(is_published=True).select_related("organiser")
    if past:
        return events.filter(ends_at__lt=now).order_by("-starts_at", "pk")
    return events.filter(ends_at__gte=now).order_by("starts_at", "pk")


def get_published_event(*, slug: str) -> Event:
    """A published event by its address; 404 for unknown and unpublished alike."""
    event = (
        Event.objects.filter(slug=slug, is_published=True)
        .select_related("organiser", "campaign")
        .prefetch_related("beneficiaries", "programme")
        .first()
    )
    if event is None:
        raise Http404
    return event


def list_events_for_organisations(*, organisation_ids: list[int]) -> QuerySet[Event]:
    return (
        Event.objects.filter(organiser_id__in=organisation_ids)
        .select_related("organiser")
        .order_by("-starts_at")
    )


@dataclass(frozen=True, slots=True)
class EventTally:
    """Money raised through the linked campaign (``None`` without one) and miles pledged."""

    money: Money | None
    pledges: PledgeSummary


def get_event_tally(*, event: Event) -> EventTally:
    """Pledges made at the event or to its campaign (each counted once), campaign money."""
    if event.campaign is None:
        pledges = Pledge.objects.filter(event=event)
        return EventTally(money=None, pledges=summarise_pledges(pledges=pledges))
    pledges = Pledge.objects.filter(Q(event=event) | Q(campaign=event.campaign))
    totals = get_campaign_totals(campaign=event.campaign)
    return EventTally(money=totals.money_total, pledges=summarise_pledges(pledges=pledges))


def list_campaign_choices(*, organisations: list[Organisation]) -> QuerySet[Campaign]:
    """Campaigns an event of these organisations may count towards."""
    return Campaign.objects.filter(organisation__in=organisations).order_by("title")
