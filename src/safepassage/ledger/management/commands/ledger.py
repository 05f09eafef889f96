"""``safepassage ledger verify``: re-derive every balance and name every problem."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from safepassage.ledger.selectors import verify_ledger


class Command(BaseCommand):
    help = (
        "Ledger tools. 'verify' re-derives every balance from the postings, checks that "
        "every transaction balances and that no account was ever overdrawn."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("subcommand", choices=["verify"], help="what to do")

    def handle(self, *args: Any, **options: Any) -> None:
        own_snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
        with transaction.atomic():
            if own_snapshot:
                # One snapshot for the postings and the balance cache, so a posting
                # committed mid-run is not reported as a mismatch.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            report = verify_ledger()
        lines = report.lines
        if not lines:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Ledger consistent: {report.transaction_count} transactions, "
                    "every balance re-derived."
                )
            )
            return
        for line in lines:
            self.stderr.write(line)
        raise CommandError(
            f"Ledger inconsistent: {len(lines)} problem(s) in "
            f"{report.transaction_count} transactions."
        )
