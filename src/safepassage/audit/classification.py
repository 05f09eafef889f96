"""SR-01 for the audit app: every model field is classified, in code (kinds:
``safepassage.core.classification``).

Audit events hold references only (SR-30): the actor's and the object's public ids, action
names, outcomes and the organisation's public id, with the time; never a name, an address
or a value. The chain hashes are computed over those clear columns, so they reveal nothing
more.
"""

from collections.abc import Mapping

from safepassage.core.classification import Classification, FieldClass

W = FieldClass.WORKFLOW

FIELD_CLASSES: dict[str, Mapping[str, Classification]] = {
    "AuditEvent": dict.fromkeys(
        (
            "id",
            "position",
            "event_id",
            "occurred_at",
            "actor",
            "action",
            "object_type",
            "object_ref",
            "outcome",
            "organisation",
            "previous_hash",
            "entry_hash",
        ),
        W,
    ),
    "AuditHead": dict.fromkeys(("id", "position", "entry_hash"), W),
}
