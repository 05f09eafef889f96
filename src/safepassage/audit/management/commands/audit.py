"""``safepassage audit verify``: check the audit chain and name every broken event."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safepassage.audit.selectors import get_chain_head, iter_chain_entries
from safepassage.core.audit_chain import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. 'verify' re-computes the hash chain and reports every break."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("subcommand", choices=["verify"], help="what to do")

    def handle(self, *args: Any, **options: Any) -> None:
        entries = list(iter_chain_entries())
        problems = verify_chain(entries, head=get_chain_head())
        if not problems:
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {len(entries)} events."))
            return
        for problem in problems:
            self.stderr.write(f"{problem.kind}: {problem.message}")
        raise CommandError(
            f"Audit chain broken: {len(problems)} problem(s) in {len(entries)} events."
        )
