"""``safepassage catalogue-maintainers grant|revoke|list``: who may edit the travel catalogue.

The catalogue (who can book what, award charts, taxes and surcharges) is shared by every
organisation on the instance, so no organisation role may edit it (decision 0017). The
operator names the people who may: ``grant --email`` adds an active staff member who holds a
role somewhere to the "Catalogue maintainers" group, ``revoke --email`` takes it away, ``list``
prints them. Grants and revocations are audit events (public ids only).
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safepassage.travel.actions import (
    check_grant_catalogue_maintainer,
    do_grant_catalogue_maintainer,
    do_revoke_catalogue_maintainer,
)
from safepassage.travel.errors import MaintainerNotFound
from safepassage.travel.selectors import find_user_by_email, list_catalogue_maintainers


class Command(BaseCommand):
    help = (
        "Grant, revoke or list who may edit the network-wide travel catalogue (who can book "
        "what, award charts, taxes and surcharges)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("operation", choices=["grant", "revoke", "list"])
        parser.add_argument("--email", default="", help="the staff member's e-mail address")

    def handle(self, *args: Any, **options: Any) -> None:
        operation: str = options["operation"]
        email: str = options["email"]
        if operation == "list":
            for user in list_catalogue_maintainers():
                self.stdout.write(f"{user.public_id} {user.email}")
            return
        if not email:
            raise CommandError(f"{operation} needs --email")
        if operation == "grant":
            try:
                user = check_grant_catalogue_maintainer(email=email)
            except MaintainerNotFound as error:
                raise CommandError(str(error.message)) from None
            changed = do_grant_catalogue_maintainer(user=user)
            self.stdout.write(
                f"{user.public_id} may now maintain the catalogue"
                if changed
                else f"{user.public_id} already maintains the catalogue"
            )
            return
        found = find_user_by_email(email=email)
        if found is None:
            raise CommandError("no user with this e-mail address")
        changed = do_revoke_catalogue_maintainer(user=found)
        self.stdout.write(
            f"{found.public_id} no longer maintains the catalogue"
            if changed
            else f"{found.public_id} did not maintain the catalogue"
        )
