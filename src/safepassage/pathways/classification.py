"""SR-01 for the pathways app: every model field is classified, in code.

- ``workflow``: clear and non-identifying (country code, stance, quota numbers, visa type
  names and processing days, dates to the day) or internal references (row ids, foreign
  keys, public ids);
- ``sensitive``: a FIELD envelope sealed under the server-held pathway key of the named
  group (``pathways.sealing``).

``tests/pathways/test_classification.py`` fails for an unclassified field or a sensitive
field that is not a binary envelope column.
"""

from safepassage.cases.classification import FieldClass
from safepassage.core.crypto import SensitiveGroup

W, S = FieldClass.WORKFLOW, FieldClass.SENSITIVE

FIELD_CLASSES: dict[str, dict[str, tuple[FieldClass, SensitiveGroup | None]]] = {
    "Pathway": {
        "id": (W, None),
        "public_id": (W, None),
        "organisation": (W, None),
        "country": (W, None),
        "stance": (W, None),
        "stance_changed_on": (W, None),
        "notes": (S, SensitiveGroup.NARRATIVE),
    },
    "PathwayQuota": {
        "id": (W, None),
        "pathway": (W, None),
        "year": (W, None),
        "total": (W, None),
        "used": (W, None),
    },
    "VisaType": {
        "id": (W, None),
        "public_id": (W, None),
        "pathway": (W, None),
        "name": (W, None),
        "typical_processing_days": (W, None),
        "notes": (S, SensitiveGroup.NARRATIVE),
    },
    "PathwayContact": {
        "id": (W, None),
        "public_id": (W, None),
        "pathway": (W, None),
        "kind": (W, None),
        "added_on": (W, None),
        "details": (S, SensitiveGroup.CONTACT),
    },
    "CasePathway": {
        "id": (W, None),
        "case": (W, None),
        "pathway": (W, None),
        "linked_on": (W, None),
    },
}
