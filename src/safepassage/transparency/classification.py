"""SR-01 for the transparency app: every model field is classified, in code.

Everything here is ``public`` (published figures and campaign titles that are already
public) or ``workflow`` (row ids, the snapshot reference, dates to the day). No field holds
a count under ten: a suppressed cell stores no value and no count (a database constraint).
``tests/transparency/test_classification.py`` fails for an unclassified field.
"""

from safepassage.core.classification import FieldClass

W, P = FieldClass.WORKFLOW, FieldClass.PUBLIC

FIELD_CLASSES: dict[str, dict[str, FieldClass]] = {
    "TransparencySnapshot": {
        "id": W,
        "public_id": W,
        "period_end": P,
        "published_on": P,
        "reporting_currency": P,
    },
    "TransparencyFigure": {
        "id": W,
        "snapshot": W,
        "metric": P,
        "dimension": P,
        "key": P,
        "label": P,
        "value": P,
        "value_high": P,
        "units": W,
        "suppression": P,
    },
    "ShreddedMove": {"id": W, "moved_in": W, "party_size": W},
}
