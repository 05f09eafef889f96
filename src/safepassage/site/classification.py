"""SR-01 for the site app: every model field is classified, in code (kinds:
``safepassage.core.classification``).

Rate-limit counters hold an HMAC of the client address (SR-16), of an applicant's case
(an hour after they write) or of the staff member and the case they opened (SR-29), under
keys that are never in the database, and are deleted when their window has passed
(``docs/security/seizure.md``); the scheduler's slots hold task names and times only.
"""

from collections.abc import Mapping

from safepassage.core.classification import Classification, FieldClass

W, D = FieldClass.WORKFLOW, FieldClass.DIGEST

FIELD_CLASSES: dict[str, Mapping[str, Classification]] = {
    "RateLimitCounter": {
        "id": W,
        "scope": W,
        "client_digest": D,
        "window_start": W,
        "expires_at": W,
        "hits": W,
    },
    "ScheduledTaskRun": dict.fromkeys(
        ("id", "name", "last_slot", "last_enqueued_at", "last_result_id"), W
    ),
}
