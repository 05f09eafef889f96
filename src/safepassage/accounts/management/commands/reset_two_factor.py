"""``safepassage reset-two-factor --email ADDRESS``: reset a staff member's second factor.

For when no other admin can do it on the organisation page: the last admin of an
organisation lost their authenticator and recovery codes, or the member also works for an
organisation whose admin cannot reset them. Their authenticator and recovery codes are
deleted and every session of theirs ends; the one-time enrolment code is printed once (it
expires in 72 hours): hand it over in person or through a trusted channel. The command takes
no secret: the code is only printed.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.accounts.models import User
from safepassage.accounts.two_factor_reset_actions import do_reset_two_factor_as_operator
from safepassage.audit.actions import SYSTEM_ACTOR


class Command(BaseCommand):
    help = (
        "Reset a staff member's lost second factor: their authenticator and recovery codes "
        "are deleted, sessions end, and a one-time enrolment code is printed once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="the staff member's e-mail address")

    def handle(self, *args: Any, **options: Any) -> None:
        member = User.objects.filter(email__iexact=options["email"].strip()).first()
        if member is None:
            msg = "No staff account has this address."
            raise CommandError(msg)
        result = do_reset_two_factor_as_operator(member=member, actor_ref=SYSTEM_ACTOR)
        self.stdout.write(
            f"Two-factor sign-in of {member.public_id} reset; every session ended. They were "
            "told by e-mail. One-time enrolment code (shown once, expires in 72 hours; give it "
            "to them in person or through a trusted channel, never by e-mail):"
        )
        self.stdout.write(result.enrolment_code)
