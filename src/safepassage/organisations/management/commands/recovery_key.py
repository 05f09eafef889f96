"""``safepassage recovery-key generate``: make an organisation recovery key, offline (SR-07).

Run it on a machine that is not connected to anything, print the sheet, and type only the
public key (``SPOPUB-…``) into ``safepassage create-organisation --recovery-public-key``.
The private key is written to standard output once and stored nowhere; with ``--shares N
--threshold M`` it is also split into N trustee shares of which any M rebuild it.
"""

import io
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safepassage.core.crypto import (
    RecoveryShareError,
    generate_organisation_recovery_key,
    split_organisation_recovery_key,
    write_recovery_sheet,
)


class Command(BaseCommand):
    help = (
        "generate: print a new organisation recovery key sheet (public and PRIVATE key). Run "
        "offline; the server needs only the public key."
    )
    requires_system_checks: list[str] = []  # Django's attribute, overridden
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["generate"])
        parser.add_argument("--organisation-name", default="")
        parser.add_argument("--shares", type=int, default=0, help="split among N trustees")
        parser.add_argument("--threshold", type=int, default=0, help="M shares rebuild the key")

    def handle(self, *args: Any, **options: Any) -> None:
        recovery = generate_organisation_recovery_key()
        sheet = io.StringIO()
        write_recovery_sheet(
            recovery_key=recovery,
            organisation_name=options["organisation_name"] or "(not named)",
            stream=sheet,
        )
        self.stdout.write(sheet.getvalue(), ending="")
        if not options["shares"]:
            return
        try:
            shares = split_organisation_recovery_key(
                private_key_text=recovery.private_key_text,
                public_key=recovery.public_key,
                threshold=options["threshold"],
                share_count=options["shares"],
            )
        except (RecoveryShareError, ValueError) as error:
            raise CommandError(f"cannot split: {error}") from error
        self.stdout.write(
            f"\nTrustee shares ({options['threshold']} of {options['shares']} rebuild the key):"
        )
        for number, share in enumerate(shares, start=1):
            self.stdout.write(f"  {number}. {share}")
