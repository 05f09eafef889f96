"""``safepassage publish-transparency``: publish the public figures due now (operators, cron)."""

import datetime
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safepassage.transparency.actions import check_publish_snapshot, do_publish_snapshot
from safepassage.transparency.errors import TransparencyError


class Command(BaseCommand):
    help = (
        "Publish the transparency figures for every full month old enough to publish "
        "(one month's lag). Idempotent: run it daily from cron; it publishes once a month."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            default=None,
            help="publish as on this past day (YYYY-MM-DD), not after today",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["date"] or timezone.localdate()
        if today > timezone.localdate():
            # A month is published once: figures "published" for a future day would hold
            # today's partial data and block the real publication when that day comes.
            msg = "--date cannot be after today: nothing was published."
            raise CommandError(msg)
        try:
            period_end = check_publish_snapshot(today=today)
            snapshot = do_publish_snapshot(period_end=period_end)
        except TransparencyError as error:
            self.stdout.write(str(error.message))
            return
        figures = snapshot.figures.all()
        published = figures.filter(suppression="").count()
        self.stdout.write(
            f"Published figures up to {period_end.isoformat()}: {published} shown, "
            f"{figures.count() - published} withheld."
        )
