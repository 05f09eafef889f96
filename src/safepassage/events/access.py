"""Permission-checked fetches of events (404 for missing and forbidden alike)."""

import uuid

from django.http import Http404

from safepassage.accounts.models import User
from safepassage.accounts.permission_scopes import granted_in
from safepassage.events.models import Event, ProgrammeItem


def access_event(*, user: User, event_id: uuid.UUID, permission: str) -> Event:
    """The event, if ``user``'s role in the organiser grants ``permission`` (checked in the
    fetching query: a forbidden event is not found, and its programme is never read)."""
    event = (
        Event.objects.filter(public_id=event_id)
        .filter(granted_in(user=user, permission=permission, organisation="organiser"))
        .select_related("organiser", "campaign")
        .prefetch_related("beneficiaries", "programme")
        .first()
    )
    if event is None:
        raise Http404
    return event


def access_programme_item(
    *, user: User, event_id: uuid.UUID, item_id: uuid.UUID, permission: str
) -> ProgrammeItem:
    """One item of the event's programme, if ``user`` may ``permission`` the event."""
    item = (
        ProgrammeItem.objects.filter(public_id=item_id, event__public_id=event_id)
        .filter(granted_in(user=user, permission=permission, organisation="event__organiser"))
        .select_related("event", "event__organiser")
        .first()
    )
    if item is None:
        raise Http404
    return item
