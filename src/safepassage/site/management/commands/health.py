"""``safepassage health``: is the background worker taking tasks? For operators and
monitoring (exit status 1 when not)."""

import datetime
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safepassage.site.queue_health import QUEUED_AGE_LIMIT, get_queue_health


def _age(since: datetime.datetime | None, now: datetime.datetime) -> str:
    if since is None:
        return "-"
    seconds = max(0, int((now - since).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}h {minutes:02d}m {seconds:02d}s" if hours else f"{minutes}m {seconds:02d}s"


class Command(BaseCommand):
    help = (
        "Report the background work: tasks waiting for the worker and the age of the oldest, "
        "tasks running, the scheduler's last enqueue. Exits 1 when a task has waited longer "
        "than --max-queued-age (no worker is taking tasks: start `safepassage db_worker`)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--max-queued-age",
            type=int,
            default=int(QUEUED_AGE_LIMIT.total_seconds()),
            metavar="SECONDS",
            help="how long a due task may wait before this reports a problem (default 120)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        health = get_queue_health(now=now)
        oldest = health.oldest_waiting_since
        self.stdout.write(
            f"tasks waiting: {health.waiting}; "
            + (f"oldest queued: {_age(oldest, now)} ago" if oldest else "none queued")
        )
        longest = health.oldest_running_since
        self.stdout.write(
            f"tasks running: {health.running}"
            + (f"; longest running: {_age(longest, now)}" if longest else "")
        )
        self.stdout.write(
            "scheduler last enqueued: "
            + (
                f"{_age(health.scheduler_last_enqueued, now)} ago"
                if health.scheduler_last_enqueued
                else "never (is `safepassage scheduler` running?)"
            )
        )
        limit = datetime.timedelta(seconds=options["max_queued_age"])
        if health.worker_missing(limit=limit):
            raise CommandError(
                f"the oldest queued task has waited {_age(health.oldest_waiting_since, now)} "
                f"(limit {_age(now - limit, now)}): no worker is taking tasks; "
                "check `safepassage db_worker`"
            )
        self.stdout.write("ok")
