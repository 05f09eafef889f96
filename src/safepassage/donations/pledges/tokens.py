"""Signed tokens: the one-time form token, the confirmation link and the management link.

Links carry the pledge's public id signed with ``SECRET_KEY`` under a per-purpose salt,
so a confirmation token cannot be used as a management token and vice versa. They are
bearer tokens: whoever holds the e-mail holds the pledge.
"""

import secrets
import uuid

from django.core import signing

SUBMISSION_SALT = "safepassage.pledges.submission"
CONFIRM_SALT = "safepassage.pledges.confirm"
MANAGE_SALT = "safepassage.pledges.manage"
SUBMISSION_MAX_AGE = 24 * 3600
CONFIRM_MAX_AGE = 7 * 24 * 3600
MANAGE_MAX_AGE = 3 * 365 * 24 * 3600


def new_submission_token() -> str:
    """A signed random token for one rendering of a form (idempotent submission)."""
    return signing.TimestampSigner(salt=SUBMISSION_SALT).sign(secrets.token_urlsafe(24))


def read_submission_token(token: str) -> str | None:
    """The random part of a valid, recent form token, else None."""
    try:
        value = signing.TimestampSigner(salt=SUBMISSION_SALT).unsign(
            token, max_age=SUBMISSION_MAX_AGE
        )
    except signing.BadSignature:
        return None
    return value or None


def _sign(pledge_id: uuid.UUID, salt: str) -> str:
    return signing.TimestampSigner(salt=salt).sign(pledge_id.hex)


def _read(token: str, salt: str, max_age: int) -> uuid.UUID | None:
    try:
        return uuid.UUID(hex=signing.TimestampSigner(salt=salt).unsign(token, max_age=max_age))
    except (signing.BadSignature, ValueError):
        return None


def make_confirm_token(pledge_id: uuid.UUID) -> str:
    return _sign(pledge_id, CONFIRM_SALT)


def read_confirm_token(token: str) -> uuid.UUID | None:
    return _read(token, CONFIRM_SALT, CONFIRM_MAX_AGE)


def make_manage_token(pledge_id: uuid.UUID) -> str:
    return _sign(pledge_id, MANAGE_SALT)


def read_manage_token(token: str) -> uuid.UUID | None:
    return _read(token, MANAGE_SALT, MANAGE_MAX_AGE)
