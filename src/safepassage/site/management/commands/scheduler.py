"""``safepassage scheduler``: enqueue periodic tasks at their times (run next to db_worker)."""

import signal
import threading
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from safepassage.site.scheduler import Scheduler, describe, discover


class Command(BaseCommand):
    help = (
        "Enqueue every registered periodic task (each app's schedule.py) when its time "
        "comes; the worker (db_worker) runs them. Safe to restart and to run twice."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="enqueue what is due now, then exit (for cron)"
        )
        parser.add_argument(
            "--list", action="store_true", help="show each periodic task and its slots, then exit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        registry = discover()
        if options["list"]:
            for row in describe(registry=registry, now=timezone.now()):
                self.stdout.write(
                    f"{row['name']}: every {row['every']} from {row['at']} UTC; "
                    f"last {row['last_slot']}; next {row['next_slot']}"
                )
            return
        scheduler = Scheduler(registry=registry)
        if options["once"]:
            enqueued = scheduler.tick()
            self.stdout.write(f"Enqueued {len(enqueued)} periodic task(s).")
            return
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        self.stdout.write(f"Scheduling {len(registry.tasks)} periodic task(s); Ctrl-C stops.")
        scheduler.run(stop=stop)
