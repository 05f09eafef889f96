"""Background work of the transparency app (run by the django-tasks-db worker)."""

from django.tasks import task
from django.utils import timezone

from safepassage.transparency.actions import check_publish_snapshot, do_publish_snapshot
from safepassage.transparency.errors import SnapshotExists


@task()
def publish_transparency_snapshot() -> str:
    """Publish the snapshot due today, if not yet published. Idempotent: enqueue it daily
    (or monthly); it publishes each month once. Returns the snapshot's public id or ""."""
    try:
        period_end = check_publish_snapshot(today=timezone.localdate())
        snapshot = do_publish_snapshot(period_end=period_end)
    except SnapshotExists:
        return ""
    return str(snapshot.public_id)
