"""How the background work is doing, for ``safepassage health`` (operators, monitoring).

The worker (``safepassage db_worker``) takes tasks from django-tasks-db's table; when no
worker runs, tasks wait there as "ready" and nothing reports it. The age of the oldest
task waiting is the one number that tells: it grows without bound when no worker runs.
Only counts and times are read, never a task's arguments.
"""

import datetime
from dataclasses import dataclass

from django.db.models import F, Max, Min, Q
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from safepassage.site.models import ScheduledTaskRun

QUEUED_AGE_LIMIT = datetime.timedelta(minutes=2)
"""A task due this long ago and not taken means no worker is taking tasks."""


@dataclass(frozen=True, slots=True)
class QueueHealth:
    """Tasks due and waiting, tasks running, and the scheduler's last enqueue, at ``now``."""

    now: datetime.datetime
    waiting: int
    oldest_waiting_since: datetime.datetime | None
    running: int
    oldest_running_since: datetime.datetime | None
    scheduler_last_enqueued: datetime.datetime | None

    @property
    def oldest_waiting_age(self) -> datetime.timedelta | None:
        if self.oldest_waiting_since is None:
            return None
        return max(datetime.timedelta(0), self.now - self.oldest_waiting_since)

    def worker_missing(self, *, limit: datetime.timedelta = QUEUED_AGE_LIMIT) -> bool:
        """Whether a task has waited longer than ``limit``: no worker is taking tasks."""
        age = self.oldest_waiting_age
        return age is not None and age > limit


def get_queue_health(*, now: datetime.datetime) -> QueueHealth:
    """Read the task table: a task is waiting from when it was enqueued (or from the time
    it was to run after, when that is later) until a worker takes it."""
    never = get_date_max()
    due = DBTaskResult.objects.filter(status=TaskResultStatus.READY).filter(
        Q(run_after=never) | Q(run_after__lte=now)
    )
    deferred = Q(run_after__gt=F("enqueued_at")) & ~Q(run_after=never)
    firsts = due.aggregate(
        enqueued=Min("enqueued_at", filter=~deferred), deferred=Min("run_after", filter=deferred)
    )
    waiting_since = [value for value in firsts.values() if value is not None]
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).order_by("started_at")
    first_running = running.values_list("started_at", flat=True).first()
    return QueueHealth(
        now=now,
        waiting=due.count(),
        oldest_waiting_since=min(waiting_since, default=None),
        running=running.count(),
        oldest_running_since=first_running,
        scheduler_last_enqueued=ScheduledTaskRun.objects.aggregate(last=Max("last_enqueued_at"))[
            "last"
        ],
    )
