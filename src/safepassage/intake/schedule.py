"""Periodic tasks of the intake app (see ``safepassage.site.scheduler``)."""

from datetime import timedelta

from safepassage.intake.tasks import delete_expired_submission_receipts
from safepassage.site.scheduler import schedule

schedule(delete_expired_submission_receipts, every=timedelta(minutes=5))
