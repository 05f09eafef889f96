"""Periodic tasks of the donations app (see ``safepassage.site.scheduler``)."""

from datetime import time, timedelta

from safepassage.donations.pledges.tasks import run_pledge_expiry, send_unsent_pledge_confirmations
from safepassage.site.scheduler import schedule

schedule(run_pledge_expiry, every=timedelta(days=1), at=time(2, 0))
schedule(send_unsent_pledge_confirmations, every=timedelta(hours=1))
