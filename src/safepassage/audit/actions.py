"""The one way to write to the audit trail."""

import uuid
from enum import StrEnum

from django.db import transaction
from django.utils import timezone

from safepassage.audit.lock_objects import lock_audit_head
from safepassage.audit.models import AuditEvent
from safepassage.core.audit_chain import EventContent, hash_entry

SYSTEM_ACTOR = "system"
ANONYMOUS_ACTOR = "anonymous"


class Outcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"


def record_audit_event(
    *,
    actor_ref: str,
    action: str,
    object_type: str,
    object_ref: str,
    outcome: Outcome = Outcome.SUCCESS,
    organisation_ref: str = "",
) -> AuditEvent:
    """Append one event to the chain.

    Call it inside the transaction of the change it records, so the event and the
    change commit or roll back together. ``actor_ref``, ``object_ref`` and
    ``organisation_ref`` are public ids (or ``system`` / ``anonymous``), never names,
    e-mail addresses or other personal values.
    """
    with transaction.atomic():
        head = lock_audit_head()
        content = EventContent(
            event_id=str(uuid.uuid4()),
            occurred_at=timezone.now().isoformat(),
            actor=actor_ref,
            action=action,
            object_type=object_type,
            object_ref=object_ref,
            outcome=str(outcome),
            organisation=organisation_ref,
        )
        entry_hash = hash_entry(previous_hash=head.entry_hash, content=content)
        event = AuditEvent.objects.create(
            position=head.position + 1,
            event_id=content.event_id,
            occurred_at=content.occurred_at,
            actor=content.actor,
            action=content.action,
            object_type=content.object_type,
            object_ref=content.object_ref,
            outcome=content.outcome,
            organisation=content.organisation,
            previous_hash=head.entry_hash,
            entry_hash=entry_hash,
        )
        head.position = event.position
        head.entry_hash = entry_hash
        head.save(update_fields=["position", "entry_hash"])
    return event
