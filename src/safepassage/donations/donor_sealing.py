"""Seal the donor details a gift needs (name for the receipt, address to send it to), SR-32.

The values are sealed with ``core.crypto``'s FIELD envelopes under one server-held key of
the ``donor`` group, bound to the gift's public id and field, so a copy of the database
alone reveals no donor name or address and a ciphertext moved to another gift fails to
open. The key is derived from ``SAFEPASSAGE_DONOR_KEY`` (or, in development, from
``SECRET_KEY``) and never stored in the database. The worker must open the address to
send the receipt, so this protects data at rest, not against a compromised running
server; the address is erased once the receipt has been sent. See
docs/decisions/0003-gifts-webhooks-and-donor-details.md.
"""

import hashlib
import hmac
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
GIFT_MODEL = "donations.gift"


def _donor_key() -> GroupKey:
    """The one donor key of the app (gifts and pledges), never stored in the database."""
    material = os.environ.get(DONOR_KEY_ENVIRONMENT_VARIABLE) or str(settings.SECRET_KEY)
    secret = hashlib.blake2b(
        material.encode("utf-8"), digest_size=32, person=b"sp-donor-seal"
    ).digest()
    return GroupKey(case_id=_KEY_SCOPE, group=SensitiveGroup.DONOR, version=1, secret=secret)


def donor_lookup_digest(*, purpose: str, text: str) -> str:
    """A keyed digest of ``text`` to find a row by a donor value without storing it (for
    example a pledge waiting for confirmation, by its e-mail address). The key comes from
    the same material as the donor key but is a different key, never stored; a copy of the
    database alone cannot test candidate values against the digests."""
    material = os.environ.get(DONOR_KEY_ENVIRONMENT_VARIABLE) or str(settings.SECRET_KEY)
    key = hashlib.blake2b(
        material.encode("utf-8"), digest_size=32, person=b"sp-donor-lookup"
    ).digest()
    return hmac.new(key, f"{purpose}\0{text}".encode(), hashlib.sha256).hexdigest()


def seal_donor_text(*, model: str, row_id: str, field: str, text: str) -> bytes:
    """Seal ``text`` for ``field`` of the ``model`` row with public id ``row_id``."""
    context = FieldContext(model=model, field=field, row_id=row_id)
    return seal_text(key=_donor_key(), context=context, text=text)


def open_donor_text(
    *, model: str, row_id: str, field: str, envelope: bytes | memoryview | None
) -> str:
    """Open a value sealed by :func:`seal_donor_text`; ``""`` when absent or unreadable
    (for example after the donor key was changed)."""
    if envelope is None:
        return ""
    try:
        return open_text(
            key=_donor_key(),
            context=FieldContext(model=model, field=field, row_id=row_id),
            envelope=bytes(envelope),
        )
    except DecryptionError:
        return ""


def seal_donor_value(*, gift_id: str, field: str, text: str) -> bytes:
    """Seal ``text`` for ``field`` of the gift with public id ``gift_id``."""
    return seal_donor_text(model=GIFT_MODEL, row_id=gift_id, field=field, text=text)


def open_donor_value(*, gift_id: str, field: str, envelope: bytes | memoryview | None) -> str:
    """Open a gift's value sealed by :func:`seal_donor_value` (``""`` when unreadable)."""
    return open_donor_text(model=GIFT_MODEL, row_id=gift_id, field=field, envelope=envelope)
