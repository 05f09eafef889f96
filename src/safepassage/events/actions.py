"""Writes of the events app: events, their programme, publishing. Audited by public id."""

import datetime
from dataclasses import dataclass

from django.db import transaction

from safepassage.accounts.models import User
from safepassage.audit.actions import record_audit_event
from safepassage.donations.models import Campaign
from safepassage.events.errors import (
    CampaignNotAllowed,
    EventSlugReserved,
    EventSlugTaken,
    EventTimesInvalid,
    OrganiserNotAllowed,
)
from safepassage.events.lock_objects import lock_event
from safepassage.events.models import Event, ProgrammeItem
from safepassage.organisations.models import Organisation

#: First path segments under /events/ that are not event addresses.
RESERVED_SLUGS = frozenset({"manage"})


@dataclass(frozen=True, slots=True)
class EventDetails:
    slug: str
    title: str
    venue: str
    time_zone: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    description: str
    remote_session: str
    campaign: Campaign | None


def check_save_event(
    *,
    actor: User,
    organiser: Organisation,
    beneficiaries: list[Organisation],
    details: EventDetails,
    event: Event | None = None,
) -> None:
    permission = "events.change_event" if event else "events.add_event"
    if not actor.has_perm(permission, organiser):
        raise OrganiserNotAllowed
    if details.ends_at <= details.starts_at:
        raise EventTimesInvalid
    if details.slug in RESERVED_SLUGS:
        raise EventSlugReserved
    if details.campaign is not None and details.campaign.organisation not in [
        organiser,
        *beneficiaries,
    ]:
        raise CampaignNotAllowed
    others = Event.objects.filter(slug=details.slug)
    if event is not None:
        others = others.exclude(pk=event.pk)
    if others.exists():
        raise EventSlugTaken


def _fields(details: EventDetails) -> dict[str, object]:
    return {
        "slug": details.slug,
        "title": details.title,
        "venue": details.venue,
        "time_zone": details.time_zone,
        "starts_at": details.starts_at,
        "ends_at": details.ends_at,
        "description": details.description,
        "remote_session": details.remote_session,
        "campaign": details.campaign,
    }


def do_create_event(
    *,
    actor: User,
    organiser: Organisation,
    beneficiaries: list[Organisation],
    details: EventDetails,
) -> Event:
    """Create an unpublished event organised by ``organiser``."""
    with transaction.atomic():
        event = Event.objects.create(organiser=organiser, **_fields(details))
        event.beneficiaries.set(beneficiaries)
        record_audit_event(
            actor_ref=str(actor.public_id),
            action="event.created",
            object_type="event",
            object_ref=str(event.public_id),
            organisation_ref=str(organiser.public_id),
        )
    return event


def do_update_event(
    *, actor: User, event: Event, beneficiaries: list[Organisation], details: EventDetails
) -> Event:
    with transaction.atomic():
        locked = lock_event(event_id=event.pk)
        for name, value in _fields(details).items():
            setattr(locked, name, value)
        locked.save()
        locked.beneficiaries.set(beneficiaries)
        record_audit_event(
            actor_ref=str(actor.public_id),
            action="event.updated",
            object_type="event",
            object_ref=str(locked.public_id),
            organisation_ref=str(locked.organiser.public_id),
        )
    return locked


def do_set_event_published(*, actor: User, event: Event, published: bool) -> None:
    with transaction.atomic():
        locked = lock_event(event_id=event.pk)
        locked.is_published = published
        locked.save(update_fields=["is_published"])
        record_audit_event(
            actor_ref=str(actor.public_id),
            action="event.published" if published else "event.unpublished",
            object_type="event",
            object_ref=str(locked.public_id),
            organisation_ref=str(locked.organiser.public_id),
        )


def do_update_programme_item(
    *,
    actor: User,
    item: ProgrammeItem,
    starts_at: datetime.datetime,
    title: str,
    kind: str,
) -> ProgrammeItem:
    """Change the time, title and kind of one programme item."""
    with transaction.atomic():
        event = lock_event(event_id=item.event_id)
        locked = ProgrammeItem.objects.select_for_update().get(pk=item.pk)
        locked.starts_at, locked.title, locked.kind = starts_at, title, kind
        locked.save(update_fields=["starts_at", "title", "kind"])
        record_audit_event(
            actor_ref=str(actor.public_id),
            action="programme_item.updated",
            object_type="programme_item",
            object_ref=str(locked.public_id),
            organisation_ref=str(event.organiser.public_id),
        )
    return locked


def do_remove_programme_item(*, actor: User, item: ProgrammeItem) -> None:
    """Take one item off the event's programme (a programme carries no money or miles)."""
    with transaction.atomic():
        event = lock_event(event_id=item.event_id)
        ProgrammeItem.objects.filter(pk=item.pk).delete()
        record_audit_event(
            actor_ref=str(actor.public_id),
            action="programme_item.removed",
            object_type="programme_item",
            object_ref=str(item.public_id),
            organisation_ref=str(event.organiser.public_id),
        )


def do_add_programme_item(
    *, actor: User, event: Event, starts_at: datetime.datetime, title: str, kind: str
) -> ProgrammeItem:
    with transaction.atomic():
        lock_event(event_id=event.pk)
        item = ProgrammeItem.objects.create(
            event=event, starts_at=starts_at, title=title, kind=kind
        )
        record_audit_event(
            actor_ref=str(actor.public_id),
            action="programme_item.added",
            object_type="programme_item",
            object_ref=str(item.public_id),
            organisation_ref=str(event.organiser.public_id),
        )
    return item
