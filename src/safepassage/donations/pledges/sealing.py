"""Seal a pledge's donor name and e-mail address (SR-32).

Values are sealed with ``core.crypto`` FIELD envelopes under the server-held donor key,
derived from ``SAFEPASSAGE_DONOR_KEY`` (in development, from ``SECRET_KEY``) and never
stored in the database, and bound to the pledge's public id and field: a copy of the
database reveals no donor, and a ciphertext moved to another pledge fails to open. The
running server (and its worker, which sends the e-mails) can open them; see
docs/decisions/0004-pledges-donor-data-and-links.md for what this does and does not
protect.
"""

from safepassage.donations.donor_sealing import (
    donor_lookup_digest,
    open_donor_text,
    seal_donor_text,
)

PLEDGE_MODEL = "donations.pledge"
NAME = "donor_name"
EMAIL = "donor_email"


def seal_pledge_value(*, pledge_id: str, field: str, text: str) -> bytes:
    """Seal ``text`` for ``field`` of the pledge with public id ``pledge_id``."""
    return seal_donor_text(model=PLEDGE_MODEL, row_id=pledge_id, field=field, text=text)


def open_pledge_value(*, pledge_id: str, field: str, envelope: bytes | memoryview | None) -> str:
    """Open a sealed value; ``""`` when absent or unreadable (e.g. the donor key changed)."""
    return open_donor_text(model=PLEDGE_MODEL, row_id=pledge_id, field=field, envelope=envelope)


def email_digest(email: str) -> str:
    """The lookup digest of a donor's address (case and surrounding spaces ignored), kept
    only while a pledge waits for confirmation (``Pledge.donor_email_digest``)."""
    return donor_lookup_digest(purpose="pledge-email", text=email.strip().lower())
