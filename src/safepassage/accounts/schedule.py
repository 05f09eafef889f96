"""Periodic tasks of the accounts app (see ``safepassage.site.scheduler``)."""

from datetime import time, timedelta

from safepassage.accounts.tasks import forget_expired_invitation_addresses
from safepassage.site.scheduler import schedule

schedule(forget_expired_invitation_addresses, every=timedelta(days=1), at=time(1, 0))
