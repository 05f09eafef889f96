"""Signed, expiring tokens carried in invitation links."""

import uuid

from django.conf import settings
from django.core import signing

INVITATION_SALT = "safepassage.accounts.invitation"


def make_invitation_token(invitation_id: uuid.UUID) -> str:
    """Sign the invitation's public id; the link is useless without the signature."""
    return signing.TimestampSigner(salt=INVITATION_SALT).sign(invitation_id.hex)


def read_invitation_token(token: str) -> uuid.UUID | None:
    """Return the invitation id of a valid, unexpired token, else None."""
    try:
        value = signing.TimestampSigner(salt=INVITATION_SALT).unsign(
            token, max_age=settings.INVITATION_MAX_AGE_SECONDS
        )
        return uuid.UUID(hex=value)
    except (signing.BadSignature, ValueError):
        return None
