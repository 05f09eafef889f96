"""SR-01 for the events app: every model field is classified, in code (kinds:
``safepassage.core.classification``).

Events are published pages: title, venue, times, description, how to join remotely and
the programme are ``public`` (the form says so: "shown publicly, so no private links").
Unpublished drafts hold the same kind of text.
"""

from collections.abc import Mapping

from safepassage.core.classification import Classification, FieldClass

W, P = FieldClass.WORKFLOW, FieldClass.PUBLIC

FIELD_CLASSES: dict[str, Mapping[str, Classification]] = {
    "Event": {
        "id": W,
        "public_id": W,
        "slug": P,
        "title": P,
        "organiser": W,
        "campaign": W,
        "venue": P,
        "time_zone": P,
        "starts_at": P,
        "ends_at": P,
        "description": P,
        "remote_session": P,
        "is_published": W,
        "created_at": W,
    },
    "Event_beneficiaries": dict.fromkeys(("id", "event", "organisation"), W),
    "ProgrammeItem": {
        "id": W,
        "public_id": W,
        "event": W,
        "starts_at": P,
        "title": P,
        "kind": P,
    },
}
