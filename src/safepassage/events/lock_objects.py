"""Row locks of the events app, taken in primary-key order."""

from safepassage.events.models import Event


def lock_event(*, event_id: int) -> Event:
    return Event.objects.select_for_update().select_related("organiser").get(pk=event_id)
