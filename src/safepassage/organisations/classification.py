"""SR-01 for the organisations app: every model field is classified, in code (kinds:
``safepassage.core.classification``).

An organisation's name, kind and description are ``public``: they are shown on campaign,
event and transparency pages and to partner organisations. An organisation that must stay
unknown should use a neutral name (``docs/security/seizure.md``).
"""

from collections.abc import Mapping

from safepassage.core.classification import Classification, FieldClass

W, P = FieldClass.WORKFLOW, FieldClass.PUBLIC

FIELD_CLASSES: dict[str, Mapping[str, Classification]] = {
    "Organisation": {
        "id": W,
        "public_id": W,
        "name": P,
        "kind": P,
        "description": P,
        "created_at": W,
    },
    "Partnership": dict.fromkeys(("id", "organisation", "partner", "created_at"), W),
}
