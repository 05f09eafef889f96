"""``safepassage create-organisation``: an operator adds an organisation and invites its
first admin; the link is printed (and e-mailed by the worker)."""

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from safepassage.accounts.models import Invitation
from safepassage.accounts.roles import Role
from safepassage.accounts.tokens import make_invitation_token
from safepassage.audit.actions import SYSTEM_ACTOR, record_audit_event
from safepassage.cases.key_actions import do_set_organisation_recovery_key
from safepassage.core.crypto import KeyFormatError, public_key_from_text
from safepassage.organisations.actions import check_create_organisation, do_create_organisation
from safepassage.organisations.errors import OrganisationsError
from safepassage.organisations.models import OrganisationKind


class Command(BaseCommand):
    help = "Create an organisation and print a single-use invitation link for its first admin."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", required=True, choices=OrganisationKind.values)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument(
            "--recovery-public-key",
            default="",
            help="the SPOPUB-… line of a sheet from 'safepassage recovery-key generate' "
            "(required for case organisations: cases cannot be opened without it)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["admin_email"].strip().lower()
        try:
            validate_email(email)
            check_create_organisation(name=options["name"])
            recovery_public_key = (
                public_key_from_text(options["recovery_public_key"])
                if options["recovery_public_key"]
                else None
            )
        except KeyFormatError as error:
            raise CommandError(
                "--recovery-public-key: not a recovery public key (check for typos)"
            ) from error
        except ValidationError as error:
            raise CommandError(f"--admin-email: {error.messages[0]}") from error
        except OrganisationsError as error:
            raise CommandError(str(error.message)) from error
        with transaction.atomic():
            organisation = do_create_organisation(name=options["name"], kind=options["kind"])
            if recovery_public_key is not None:
                do_set_organisation_recovery_key(
                    organisation=organisation, recovery_public_key=recovery_public_key
                )
            invitation = Invitation.objects.create(
                organisation=organisation,
                email=email,
                role=Role.ADMIN,
                invited_by=None,
                expires_at=timezone.now() + timedelta(seconds=settings.INVITATION_MAX_AGE_SECONDS),
            )
            record_audit_event(
                actor_ref=SYSTEM_ACTOR,
                action="invitation.created",
                object_type="invitation",
                object_ref=str(invitation.public_id),
                organisation_ref=str(organisation.public_id),
            )
        link = (
            settings.SITE_BASE_URL.rstrip("/")
            + "/accounts/invitation/"
            + make_invitation_token(invitation.public_id)
            + "/"
        )
        self.stdout.write(
            f"Created {organisation.name}, public id {organisation.public_id} (for rotate-keys "
            "and replace-staff-keys; list-organisations shows it again)."
        )
        self.stdout.write("First admin's invitation (7 days, once):")
        self.stdout.write(link)
