"""Writes of the organisations app."""

from django.db import transaction

from safepassage.audit.actions import SYSTEM_ACTOR, record_audit_event
from safepassage.organisations.errors import OrganisationExists
from safepassage.organisations.models import Organisation


def check_create_organisation(*, name: str) -> None:
    if Organisation.objects.filter(name__iexact=name.strip()).exists():
        raise OrganisationExists


def do_create_organisation(*, name: str, kind: str, description: str = "") -> Organisation:
    """Create an organisation (operators only, from the command line)."""
    with transaction.atomic():
        organisation = Organisation.objects.create(
            name=name.strip(), kind=kind, description=description
        )
        record_audit_event(
            actor_ref=SYSTEM_ACTOR,
            action="organisation.created",
            object_type="organisation",
            object_ref=str(organisation.public_id),
            organisation_ref=str(organisation.public_id),
        )
    return organisation
