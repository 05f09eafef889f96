"""Reads of the audit trail."""

from collections.abc import Iterator

from safepassage.audit.lock_objects import HEAD_ID
from safepassage.audit.models import AuditEvent, AuditHead
from safepassage.core.audit_chain import ChainEntry, ChainHead, EventContent


def iter_chain_entries() -> Iterator[ChainEntry]:
    """Every stored event, in storage order, as core chain entries."""
    for event in AuditEvent.objects.order_by("position").iterator(chunk_size=2000):
        yield ChainEntry(
            position=event.position,
            content=EventContent(
                event_id=str(event.event_id),
                occurred_at=event.occurred_at.isoformat(),
                actor=event.actor,
                action=event.action,
                object_type=event.object_type,
                object_ref=event.object_ref,
                outcome=event.outcome,
                organisation=event.organisation,
            ),
            previous_hash=event.previous_hash,
            entry_hash=event.entry_hash,
        )


def get_chain_head() -> ChainHead | None:
    """The stored head, or None before the first event."""
    head = AuditHead.objects.filter(pk=HEAD_ID).first()
    if head is None:
        return None
    return ChainHead(position=head.position, entry_hash=head.entry_hash)
