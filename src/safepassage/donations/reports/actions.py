"""Writes of the reports page: only the audit event of an export."""

from django.db import transaction

from safepassage.accounts.models import User
from safepassage.audit.actions import record_audit_event
from safepassage.organisations.models import Organisation

EXPORT_ACTION = "reports.exported_encrypted"


def do_record_report_export(*, user: User, organisation: Organisation) -> None:
    """Audit an encrypted CSV or PDF export of ``organisation``'s reports (who and when,
    never the passphrase)."""
    with transaction.atomic():
        record_audit_event(
            actor_ref=str(user.public_id),
            action=EXPORT_ACTION,
            object_type="organisation",
            object_ref=str(organisation.public_id),
            organisation_ref=str(organisation.public_id),
        )
