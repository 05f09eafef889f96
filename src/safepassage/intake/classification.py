"""SR-01 for the intake app: every model field is classified, in code.

Same classes as ``cases.classification``: ``workflow`` (clear, non-identifying, or internal
references), ``sensitive`` (sealed; the group says which key opens it, ``None`` for a
MESSAGE envelope opened with the recipients' own private keys) and ``key`` (key material
that opens nothing alone). The lookup id counts as key material: it is an Argon2id output
under a pepper the database does not hold. ``tests/intake/test_classification.py`` fails for
an unclassified field.
"""

from safepassage.cases.classification import FieldClass
from safepassage.core.crypto import SensitiveGroup

W, S, K = FieldClass.WORKFLOW, FieldClass.SENSITIVE, FieldClass.KEY

FIELD_CLASSES: dict[str, dict[str, tuple[FieldClass, SensitiveGroup | None]]] = {
    "Applicant": {
        "id": (W, None),
        "public_id": (W, None),
        "case": (W, None),
        "lookup_id": (K, None),
        "public_key": (K, None),
        "private_key_envelope": (K, None),
    },
    "Message": {
        "id": (W, None),
        "public_id": (W, None),
        "case": (W, None),
        "direction": (W, None),
        "author": (W, None),
        "sent_on": (W, None),
        "applicant_copy": (S, None),
        "case_copy": (S, SensitiveGroup.NARRATIVE),
    },
    "SubmissionReceipt": {
        "id": (W, None),
        # An HMAC of a random form token (nothing about the person): it names the row and
        # opens nothing, so it is a clear reference.
        "token_digest": (W, None),
        # Codename and case code under a key derived from the token the browser holds.
        "response": (S, None),
        "response_until": (W, None),
        "expires_at": (W, None),
    },
}
