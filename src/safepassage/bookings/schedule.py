"""Periodic tasks of the bookings app (see ``safepassage.site.scheduler``)."""

from datetime import timedelta

from safepassage.bookings.tasks import fail_stalled_runs
from safepassage.site.scheduler import schedule

schedule(fail_stalled_runs, every=timedelta(minutes=5))
