"""Demo data for the transparency page: the demo's past months, published as cron would."""

from django.utils import timezone

from safepassage.transparency.actions import check_publish_snapshot, do_publish_snapshot


def seed_demo_transparency() -> None:
    """Publish the figures due today, so the public page shows a real publication (the
    demo's small numbers are withheld exactly as they would be in production)."""
    do_publish_snapshot(period_end=check_publish_snapshot(today=timezone.localdate()))
