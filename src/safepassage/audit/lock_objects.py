"""Row locks of the audit app."""

from safepassage.audit.models import AuditHead
from safepassage.core.audit_chain import GENESIS_HASH

HEAD_ID = 1


def lock_audit_head() -> AuditHead:
    """Lock the chain head for appending. Call inside ``transaction.atomic``.

    PostgreSQL takes a row lock; SQLite serialises writers with BEGIN IMMEDIATE.
    """
    head, _created = AuditHead.objects.select_for_update().get_or_create(
        pk=HEAD_ID, defaults={"position": 0, "entry_hash": GENESIS_HASH}
    )
    return head
