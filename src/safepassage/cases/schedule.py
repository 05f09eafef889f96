"""Periodic tasks of the cases app (see ``safepassage.site.scheduler``)."""

from datetime import time, timedelta

from safepassage.cases.tasks import shred_cases_past_retention
from safepassage.site.scheduler import schedule

schedule(shred_cases_past_retention, every=timedelta(days=1), at=time(3, 0))
