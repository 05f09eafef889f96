"""Factories for events."""

import datetime

import factory
from factory.declarations import Sequence, SubFactory

from safepassage.events.models import Event, ProgrammeItem, ProgrammeKind
from safepassage.organisations.models import Organisation
from tests.factories import OrganisationFactory

HONG_KONG_EVENING = datetime.datetime(2026, 12, 12, 11, 0, tzinfo=datetime.UTC)  # 19:00 HKT


class EventFactory(factory.django.DjangoModelFactory[Event]):
    class Meta:
        model = Event

    slug = Sequence(lambda number: f"event-{number}")
    title = Sequence(lambda number: f"Evening {number}")
    organiser = SubFactory(OrganisationFactory)
    venue = "Harbour Hall, Hong Kong"
    time_zone = "Asia/Hong_Kong"
    starts_at = HONG_KONG_EVENING
    ends_at = HONG_KONG_EVENING + datetime.timedelta(hours=3)
    description = "Music, a panel and a remote session."
    is_published = True


def matrix_event(organisation: Organisation) -> Event:
    """The one published event the permission matrix visits."""
    event, _created = Event.objects.get_or_create(
        slug="matrix-event",
        defaults={
            "title": "Matrix evening",
            "organiser": organisation,
            "venue": "Hall",
            "starts_at": HONG_KONG_EVENING,
            "ends_at": HONG_KONG_EVENING + datetime.timedelta(hours=2),
            "is_published": True,
        },
    )
    return event


def matrix_programme_item(event: Event) -> ProgrammeItem:
    """The one programme item of the matrix event."""
    item, _created = ProgrammeItem.objects.get_or_create(
        event=event,
        title="Matrix panel",
        defaults={"starts_at": event.starts_at, "kind": ProgrammeKind.PANEL},
    )
    return item
