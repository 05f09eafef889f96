"""``safepassage audit verify [--expect-head POSITION:HASH]``: check the audit chain and name
every broken event.

On success the last line is ``head POSITION:HASH``: keep it off the server. Whoever controls
the database can rewrite the whole chain and its stored head together; the next run with
``--expect-head`` set to the line kept from an earlier run fails if the event at that
position no longer has that hash, or no longer exists.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safepassage.audit.selectors import get_chain_head, iter_chain_entries
from safepassage.core.audit_chain import ChainEntry, verify_chain


def _parse_expected_head(value: str) -> tuple[int, str]:
    text = value.strip().removeprefix("head").strip()
    position, _sep, entry_hash = text.partition(":")
    if not position.isdigit() or not entry_hash:
        msg = "--expect-head takes POSITION:HASH, as the last line of an earlier verify printed"
        raise CommandError(msg)
    return int(position), entry_hash.strip().lower()


def _expected_head_problem(entries: list[ChainEntry], position: int, entry_hash: str) -> str:
    kept = next((entry for entry in entries if entry.position == position), None)
    if kept is None:
        return (
            f"the event at position {position} you kept is gone: the chain was cut back or "
            "rewritten"
        )
    if kept.entry_hash.lower() != entry_hash:
        return (
            f"the event at position {position} no longer has the hash you kept: the chain was "
            "rewritten"
        )
    return ""


class Command(BaseCommand):
    help = "Audit trail tools. 'verify' re-computes the hash chain and reports every break."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("subcommand", choices=["verify"], help="what to do")
        parser.add_argument(
            "--expect-head",
            help="POSITION:HASH kept off the server from an earlier run; fail if it changed",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        expected = options["expect_head"]
        expected_head = _parse_expected_head(expected) if expected else None
        entries = list(iter_chain_entries())
        head = get_chain_head()
        problems = [
            f"{problem.kind}: {problem.message}" for problem in verify_chain(entries, head=head)
        ]
        if expected_head is not None:
            mismatch = _expected_head_problem(entries, *expected_head)
            if mismatch:
                problems.append(f"head: {mismatch}")
        if not problems:
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {len(entries)} events."))
            if head is not None:
                self.stdout.write(f"head {head.position}:{head.entry_hash}")
            return
        for problem in problems:
            self.stderr.write(problem)
        raise CommandError(
            f"Audit chain broken: {len(problems)} problem(s) in {len(entries)} events."
        )
