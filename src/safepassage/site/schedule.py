"""Periodic tasks of the site app (see ``safepassage.site.scheduler``)."""

from datetime import timedelta

from safepassage.site.scheduler import schedule
from safepassage.site.tasks import delete_expired_rate_limit_counters

schedule(delete_expired_rate_limit_counters, every=timedelta(hours=1))
