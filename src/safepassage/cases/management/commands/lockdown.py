"""``safepassage lockdown --yes``: end every session and key cache at once (SR-24)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.cases.key_actions import do_lockdown


class Command(BaseCommand):
    help = (
        "Emergency lockdown: delete every session and renew every user's session epoch, so "
        "no signed-in browser and no copy of a session keeps an unlocked key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--yes", action="store_true", help="confirm: everyone is signed out at once"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            msg = "This signs everyone out. Run again with --yes to confirm."
            raise CommandError(msg)
        sessions, users = do_lockdown()
        self.stdout.write(f"Lockdown: {sessions} sessions ended, {users} users must sign in again.")
