"""Periodic tasks: a registry and the ``safepassage scheduler`` loop that enqueues them.

django-tasks-db (0.13) runs queued tasks but has no periodic or cron tasks, so this
module adds the smallest scheduler that is safe to restart and to run twice:

- An app lists its periodic tasks in its own ``schedule.py``, one line each::

      from datetime import time, timedelta
      from safepassage.site.scheduler import schedule
      from safepassage.donations.pledges.tasks import run_pledge_expiry

      schedule(run_pledge_expiry, every=timedelta(days=1), at=time(2, 0))

  The task takes no arguments (the django-tasks ``@task`` function itself). Slots are
  ``at`` (UTC, default midnight) plus whole multiples of ``every``: daily at 02:00,
  hourly on the hour, every 15 minutes at :00, :15, …
- ``safepassage scheduler`` imports every installed app's ``schedule`` module, then
  loops: for each task whose latest slot has not been enqueued yet, it claims the slot
  with one conditional UPDATE of ``site.ScheduledTaskRun`` and enqueues the task in the
  same transaction. A restart in the same slot enqueues nothing; slots missed while the
  scheduler was down are caught up once, not once per missed slot; two schedulers
  running at once enqueue each slot once. The worker (``db_worker``) runs the tasks.

Tasks must be idempotent (they may run late, and a crash between the worker picking a
task and finishing it leaves the slot enqueued once).
"""

import datetime
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import close_old_connections, transaction
from django.db.models import Q
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from safepassage.site.models import ScheduledTaskRun

logger = logging.getLogger(__name__)

EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
MAX_SLEEP = datetime.timedelta(seconds=60)
MIDNIGHT = datetime.time(0, 0)

type Clock = Callable[[], datetime.datetime]


@dataclass(frozen=True, slots=True)
class PeriodicTask:
    """One registered periodic task."""

    name: str
    task: Task[[], Any]
    every: datetime.timedelta
    at: datetime.time = MIDNIGHT

    def latest_slot(self, now: datetime.datetime) -> datetime.datetime:
        """The last slot at or before ``now``."""
        anchor = EPOCH + datetime.timedelta(
            hours=self.at.hour, minutes=self.at.minute, seconds=self.at.second
        )
        return anchor + ((now - anchor) // self.every) * self.every

    def next_slot(self, now: datetime.datetime) -> datetime.datetime:
        return self.latest_slot(now) + self.every


@dataclass
class Registry:
    """Periodic tasks by name; :data:`REGISTRY` is the one ``schedule()`` fills."""

    tasks: dict[str, PeriodicTask] = field(default_factory=dict)

    def add(self, periodic: PeriodicTask) -> None:
        existing = self.tasks.get(periodic.name)
        if existing is not None and existing != periodic:
            raise ValueError(f"another periodic task is already named {periodic.name!r}")
        self.tasks[periodic.name] = periodic


REGISTRY = Registry()


def schedule(
    task: Task[[], Any],
    *,
    every: datetime.timedelta,
    at: datetime.time = MIDNIGHT,
    name: str = "",
    registry: Registry = REGISTRY,
) -> PeriodicTask:
    """Run ``task`` (no arguments) every ``every``, in slots starting at ``at`` UTC."""
    if every < datetime.timedelta(minutes=1):
        raise ValueError("periodic tasks run at most once a minute")
    if at.tzinfo is not None:
        raise ValueError("give 'at' as a UTC time without a time zone")
    periodic = PeriodicTask(name=name or task.module_path, task=task, every=every, at=at)
    registry.add(periodic)
    return periodic


def discover() -> Registry:
    """Import every installed app's ``schedule`` module; return the filled registry."""
    autodiscover_modules("schedule")
    return REGISTRY


def _now() -> datetime.datetime:
    """The current time, looked up on each call (so a test patching ``timezone.now`` counts)."""
    return timezone.now()


@dataclass(frozen=True, slots=True)
class Enqueued:
    name: str
    slot: datetime.datetime
    result_id: str


@dataclass
class Scheduler:
    """Enqueues each due slot of each registered task once (see the module docstring)."""

    registry: Registry = field(default_factory=discover)
    clock: Clock = field(default=_now)

    def tick(self) -> list[Enqueued]:
        """Enqueue every task whose latest slot is not enqueued yet; return what was."""
        now = self.clock()
        ScheduledTaskRun.objects.bulk_create(
            [ScheduledTaskRun(name=name) for name in self.registry.tasks], ignore_conflicts=True
        )
        enqueued = []
        for periodic in self.registry.tasks.values():
            slot = periodic.latest_slot(now)
            with transaction.atomic():
                claimed = (
                    ScheduledTaskRun.objects.filter(name=periodic.name)
                    .filter(Q(last_slot__isnull=True) | Q(last_slot__lt=slot))
                    .update(last_slot=slot, last_enqueued_at=now)
                )
                if not claimed:
                    continue
                result = periodic.task.enqueue()
                ScheduledTaskRun.objects.filter(name=periodic.name).update(
                    last_result_id=str(result.id)
                )
            logger.info("periodic task %s enqueued for %s", periodic.name, slot.isoformat())
            enqueued.append(Enqueued(name=periodic.name, slot=slot, result_id=str(result.id)))
        return enqueued

    def seconds_to_next_slot(self) -> float:
        """How long to sleep: until the next slot of any task, at most a minute."""
        now = self.clock()
        waits = [periodic.next_slot(now) - now for periodic in self.registry.tasks.values()]
        return min([*waits, MAX_SLEEP]).total_seconds()

    def run(self, *, stop: threading.Event) -> None:
        """Tick, sleep until the next slot (or ``stop``), repeat."""
        while not stop.is_set():
            close_old_connections()
            try:
                self.tick()
            except Exception:  # keep scheduling; the next tick retries the same slots
                logger.exception("scheduler tick failed")
            close_old_connections()
            stop.wait(max(self.seconds_to_next_slot(), 0.5))


def describe(*, registry: Registry, now: datetime.datetime) -> list[dict[str, str]]:
    """Each task's schedule and last enqueued slot, for ``safepassage scheduler --list``."""
    runs = {run.name: run for run in ScheduledTaskRun.objects.filter(name__in=registry.tasks)}
    rows = []
    for name, periodic in sorted(registry.tasks.items()):
        run = runs.get(name)
        last = run.last_slot.isoformat() if run and run.last_slot else "never"
        rows.append(
            {
                "name": name,
                "every": _interval_text(periodic.every),
                "at": periodic.at.strftime("%H:%M"),
                "last_slot": last,
                "next_slot": periodic.next_slot(now).isoformat(),
            }
        )
    return rows


def _interval_text(interval: datetime.timedelta) -> str:
    """``1 day``, ``6 hours``, ``15 minutes``: the largest whole unit."""
    for unit, seconds in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        count, rest = divmod(int(interval.total_seconds()), seconds)
        if count and not rest:
            return f"{count} {unit}" + ("s" if count != 1 else "")
    return f"{int(interval.total_seconds())} seconds"
