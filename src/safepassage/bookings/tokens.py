"""The donor's booking link: booking request id, link version and the link key, signed.

The link key opens the passengers sealed for this one booking request; it exists only in
the e-mailed link (the server never stores it). The signature stops a donor from editing
the id to reach another booking request; the key alone would not open another one anyway
(the envelope is bound to its row).
"""

import base64
import binascii
import uuid
from dataclasses import dataclass, field

from django.core import signing

LINK_SALT = "safepassage.bookings.donor-link"
LINK_MAX_AGE = 30 * 24 * 3600


@dataclass(frozen=True, kw_only=True)
class DonorLink:
    booking_id: uuid.UUID
    version: int
    link_key: bytes = field(repr=False)


def make_donor_token(*, booking_id: uuid.UUID, version: int, link_key: bytes) -> str:
    key = base64.urlsafe_b64encode(link_key).decode().rstrip("=")
    return signing.TimestampSigner(salt=LINK_SALT).sign(f"{booking_id.hex}.{version}.{key}")


def read_donor_token(token: str) -> DonorLink | None:
    try:
        value = signing.TimestampSigner(salt=LINK_SALT).unsign(token, max_age=LINK_MAX_AGE)
        booking_hex, version, key = value.split(".")
        link_key = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
        return DonorLink(
            booking_id=uuid.UUID(hex=booking_hex), version=int(version), link_key=link_key
        )
    except (signing.BadSignature, ValueError, binascii.Error):
        return None
