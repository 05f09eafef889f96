"""Writes of the staff pledge reports: only the audit event of an export."""

from django.db import transaction

from safepassage.accounts.models import User
from safepassage.audit.actions import record_audit_event
from safepassage.organisations.models import Organisation


def do_record_pledge_export(*, user: User, organisation: Organisation) -> None:
    """Audit an encrypted CSV export of the pledges ``organisation``'s staff see (who and
    when, never the passphrase)."""
    with transaction.atomic():
        record_audit_event(
            actor_ref=str(user.public_id),
            action="pledges.exported_encrypted",
            object_type="organisation",
            object_ref=str(organisation.public_id),
            organisation_ref=str(organisation.public_id),
        )
