"""``safepassage replace-staff-keys --organisation ID --email ADDRESS``: replace a staff
member's key pair with the organisation recovery key (SR-06, SR-11).

For when the web pages cannot do it: the member has no session with their keys and no
admin of every organisation they work for holds the keys of their cases (or there is no
other admin). The recovery key opens every case of the organisation the member holds keys
of: each is rotated, the member gets the new versions, the old key pair and every copy made
for it are destroyed, every session of the member ends and their password stops working.

The new personal recovery key is printed once: hand it to the member in person; they set a
new password with it and their authenticator ("Forgot your password?"), then replace their
key pair themselves on the Security page, so that only they know its recovery key. Cases of
other organisations the member holds keys of cannot be opened with this recovery key: the
member loses those keys and the cases wait for that organisation's ``rotate-keys``.

``--team-key`` instead of ``--email`` replaces only the organisation's case-team key pair
(its cases with team copies are rotated, the new team key is wrapped for every team member):
after replacing the key pair of someone who also held this organisation's team key, with
another organisation's recovery key (the command says so).

The recovery key is read as by ``rotate-keys``: ``--recovery-key-fd``, standard input, or a
prompt that does not echo.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.accounts.models import Membership, User
from safepassage.audit.actions import SYSTEM_ACTOR
from safepassage.cases.key_replacement_actions import (
    do_replace_key_pair_with_recovery_key,
    do_replace_team_key_pair_with_recovery_key,
)
from safepassage.cases.management.commands.rotate_keys import (
    add_recovery_key_argument,
    organisation_from_option,
    recovery_key_from_options,
)
from safepassage.cases.models import OrganisationKeyring, StaffKeyPair
from safepassage.cases.rotation_actions import truncate_write_ahead_log, zero_freed_pages
from safepassage.core.crypto import PublicKey
from safepassage.organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Replace a staff member's key pair with the organisation recovery key (a lost "
        "device): their cases get new keys, the old key pair is destroyed, sessions end."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organisation", required=True, help="the organisation's public id (a UUID)"
        )
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--email", help="the staff member's e-mail address")
        who.add_argument(
            "--team-key",
            action="store_true",
            help="replace only the organisation's case-team key pair",
        )
        add_recovery_key_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = organisation_from_option(options["organisation"])
        member = (
            None
            if options["team_key"]
            else self._member(organisation=organisation, email=options["email"])
        )
        keyring = OrganisationKeyring.objects.filter(organisation=organisation).first()
        if keyring is None:
            msg = "This organisation has no recovery key."
            raise CommandError(msg)
        opener = recovery_key_from_options(
            options, expected=PublicKey(raw=bytes(keyring.recovery_public_key))
        )
        zero_freed_pages()
        try:
            if member is None:
                counts = do_replace_team_key_pair_with_recovery_key(
                    organisation=organisation, opener=opener, actor_ref=SYSTEM_ACTOR
                )
                self.stdout.write(
                    f"{counts.team_keys_replaced} case-team key pairs replaced, "
                    f"{counts.groups_rotated} group keys rotated."
                )
                return
            result = do_replace_key_pair_with_recovery_key(
                member=member, opener=opener, actor_ref=SYSTEM_ACTOR
            )
        finally:
            truncate_write_ahead_log()
        self.stdout.write(
            f"Key pair of {member.public_id} replaced: {result.cases_rotated} cases, "
            f"{result.groups_rotated} group keys rotated; every session ended."
        )
        if result.groups_taken:
            self.stdout.write(
                self.style.WARNING(
                    f"{result.cases_waiting} cases hold keys this recovery key does not open "
                    "(another organisation's): the member lost them, and they wait for that "
                    "organisation's 'safepassage rotate-keys'."
                )
            )
        if result.team_keys_left:
            self.stdout.write(
                self.style.WARNING(
                    f"{result.team_keys_left} case-team keys of other organisations were opened "
                    "by the old key pair and could not be replaced with this recovery key: run "
                    "'safepassage replace-staff-keys --organisation <id> --team-key' for each "
                    "of those organisations with its recovery key."
                )
            )
        self.stdout.write(
            "New personal recovery key (shown once; give it to the member in person, who "
            "sets a new password with it, then replaces the key pair on the Security page):"
        )
        self.stdout.write(result.personal_recovery_key)

    def _member(self, *, organisation: Organisation, email: str) -> User:
        member = User.objects.filter(
            email__iexact=email.strip(),
            pk__in=Membership.objects.filter(organisation=organisation).values("user_id"),
        ).first()
        if member is None or not StaffKeyPair.objects.filter(user=member).exists():
            msg = "This organisation has no member with this address and a key pair."
            raise CommandError(msg)
        return member
