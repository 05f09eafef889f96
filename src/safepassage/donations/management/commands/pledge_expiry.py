"""``safepassage pledge_expiry``: post due expiries, queue reminders and forget the donors of
pledges never confirmed (run it daily)."""

import datetime
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from safepassage.donations.pledges.actions import (
    do_forget_unconfirmed_donors,
    do_post_expiries,
    do_send_expiry_reminders,
)


class Command(BaseCommand):
    help = (
        "Post the expiry of pledged miles whose date has passed and queue reminders for "
        "pledges expiring within 30 days; erase the donor of pledges never confirmed whose "
        "link has expired. Idempotent: run it daily (e.g. from cron)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, default=None, help="today (YYYY-MM-DD)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["date"] or timezone.localdate()
        expired = do_post_expiries(today=today)
        reminded = do_send_expiry_reminders(today=today)
        forgotten = do_forget_unconfirmed_donors(today=today)
        self.stdout.write(
            f"Expiries posted: {expired}. Reminders queued: {reminded}. "
            f"Unconfirmed donors forgotten: {forgotten}."
        )
