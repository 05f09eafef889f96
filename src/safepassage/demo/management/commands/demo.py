"""``safepassage demo``: seed the demo network and print its credentials once."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from safepassage.accounts.models import Authenticator
from safepassage.demo.seed import DEMO_DOMAIN, demo_exists, seed_demo


class Command(BaseCommand):
    help = (
        "Seed the demo network (fictional organisations, one staff user per role) and print "
        "the demo credentials once. --code EMAIL prints a demo user's current authenticator code."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--code",
            metavar="EMAIL",
            help="print the current two-factor code of a demo user (demo users only)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo data is for development machines only.")
        if options["code"]:
            self._print_code(options["code"])
            return
        if demo_exists():
            self.stdout.write(
                "The demo network exists already; its credentials were printed when it was "
                "made. Delete the database (var/safepassage.sqlite3) to start again."
            )
            return
        credentials = seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo network created. Credentials (shown once):"))
        for credential in credentials:
            self.stdout.write(
                f"  {credential.role:<22} {credential.email:<42} password {credential.password}"
                f"\n  {'':<22} {credential.organisation:<42} TOTP secret {credential.totp_secret}"
            )
        self.stdout.write(
            "Add a TOTP secret to an authenticator app, or print a current code with "
            "'safepassage demo --code EMAIL'."
        )

    def _print_code(self, email: str) -> None:
        if not email.lower().endswith("@" + DEMO_DOMAIN):
            raise CommandError("--code works for demo users only.")
        device = Authenticator.objects.filter(user__email=email.lower(), confirmed=True).first()
        if device is None:
            raise CommandError("No demo user with that e-mail address.")
        self.stdout.write(f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}")
