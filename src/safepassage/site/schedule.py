"""Periodic tasks of the site app (see ``safepassage.site.scheduler``)."""

from datetime import timedelta

from safepassage.site.scheduler import schedule
from safepassage.site.tasks import delete_expired_rate_limit_counters, delete_expired_sessions

schedule(delete_expired_rate_limit_counters, every=timedelta(hours=1))
schedule(delete_expired_sessions, every=timedelta(hours=1))
