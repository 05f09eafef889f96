"""Seal a pledge's donor name and e-mail address (SR-32).

Values are sealed with ``core.crypto`` FIELD envelopes under the server-held donor key,
derived from ``SAFEPASSAGE_DONOR_KEY`` (in development, from ``SECRET_KEY``) and never
stored in the database, and bound to the pledge's public id and field: a copy of the
database reveals no donor, and a ciphertext moved to another pledge fails to open. The
running server (and its worker, which sends the e-mails) can open them; see
docs/decisions/0004-pledges-donor-data-and-links.md for what this does and does not
protect.
"""

import hashlib
import os

from django.conf import settings

from safepassage.core.crypto import (
    DecryptionError,
    FieldContext,
    GroupKey,
    SensitiveGroup,
    open_text,
    seal_text,
)

DONOR_KEY_ENVIRONMENT_VARIABLE = "SAFEPASSAGE_DONOR_KEY"
_KEY_SCOPE = "donations"
_MODEL = "donations.pledge"
NAME = "donor_name"
EMAIL = "donor_email"


def _donor_key() -> GroupKey:
    # Same derivation as the gifts' donor sealing: one donor key for the whole app.
    material = os.environ.get(DONOR_KEY_ENVIRONMENT_VARIABLE) or str(settings.SECRET_KEY)
    secret = hashlib.blake2b(
        material.encode("utf-8"), digest_size=32, person=b"sp-donor-seal"
    ).digest()
    return GroupKey(case_id=_KEY_SCOPE, group=SensitiveGroup.DONOR, version=1, secret=secret)


def seal_pledge_value(*, pledge_id: str, field: str, text: str) -> bytes:
    """Seal ``text`` for ``field`` of the pledge with public id ``pledge_id``."""
    return seal_text(
        key=_donor_key(),
        context=FieldContext(model=_MODEL, field=field, row_id=pledge_id),
        text=text,
    )


def open_pledge_value(*, pledge_id: str, field: str, envelope: bytes | memoryview | None) -> str:
    """Open a sealed value; ``""`` when absent or unreadable (e.g. the donor key changed)."""
    if envelope is None:
        return ""
    try:
        return open_text(
            key=_donor_key(),
            context=FieldContext(model=_MODEL, field=field, row_id=pledge_id),
            envelope=bytes(envelope),
        )
    except DecryptionError:
        return ""
