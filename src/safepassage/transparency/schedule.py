"""Periodic tasks of the transparency app (see ``safepassage.site.scheduler``).

Daily, so a missed day or a restart never skips a month; the task publishes each period
once (the first day its month is old enough) and does nothing on the other days.
"""

from datetime import time, timedelta

from safepassage.site.scheduler import schedule
from safepassage.transparency.tasks import publish_transparency_snapshot

schedule(publish_transparency_snapshot, every=timedelta(days=1), at=time(4, 0))
