"""Factories for events."""

import datetime

import factory
from django.utils import timezone
from factory.declarations import Sequence, SubFactory

from safepassage.events.models import Event, ProgrammeItem, ProgrammeKind
from safepassage.organisations.models import Organisation
from tests.factories import OrganisationFactory

HONG_KONG_EVENING = datetime.datetime(timezone.now().year + 1, 12, 12, 11, 0, tzinfo=datetime.UTC)
"""19:00 in Hong Kong on 12 December next year: a fixed wall-clock evening for the time-zone
tests, and always still to come, so the factories' events stay upcoming whenever the tests
run (it was 12 December 2026, after which every factory event would have been over)."""
EVENING_YEAR = HONG_KONG_EVENING.year


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
