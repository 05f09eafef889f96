"""SR-01 for the ledger app: every model field is classified, in code (kinds:
``safepassage.core.classification``).

Everything is ``workflow``: owners are public ids of pledges, funds and campaigns,
references and idempotency keys hold ids, and amounts are whole miles or minor units of a
currency. No field names a donor or a traveller.
"""

from collections.abc import Mapping

from safepassage.core.classification import Classification, FieldClass

W = FieldClass.WORKFLOW

FIELD_CLASSES: dict[str, Mapping[str, Classification]] = {
    "LedgerOwner": dict.fromkeys(("id", "owner_kind", "owner_id"), W),
    "LedgerTransaction": dict.fromkeys(
        ("id", "public_id", "kind", "idempotency_key", "reference", "corrects", "created_at"), W
    ),
    "Posting": dict.fromkeys(
        ("id", "transaction", "owner_kind", "owner_id", "bucket", "unit", "amount"), W
    ),
    "Balance": dict.fromkeys(("id", "owner_kind", "owner_id", "bucket", "unit", "balance"), W),
}
