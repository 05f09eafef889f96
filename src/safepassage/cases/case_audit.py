"""The audit event of anything done to or on a case."""

from safepassage.audit.actions import record_audit_event
from safepassage.cases.models import Case


def record_case_event(*, actor_ref: str, action: str, case: Case) -> None:
    """Like every event of a case: who (a public id or a named system actor), the action,
    the case's and its organisation's public ids; never a value."""
    record_audit_event(
        actor_ref=actor_ref,
        action=action,
        object_type="case",
        object_ref=str(case.public_id),
        organisation_ref=str(case.organisation.public_id),
    )
