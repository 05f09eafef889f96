"""The intake form's one-time submission token and what is derived from it (decision 0026).

A token is 32 random bytes made when the form is rendered, signed with ``SECRET_KEY`` and
its issue time (``TimestampSigner``) so that a forged or altered token is recognised. It is
tied to nothing about the applicant: no address, user agent, cookie or session.

From the random part come two unrelated values: the ``digest`` that names the stored
receipt and the ``key`` that encrypts it. Neither can be computed from the other, so the
stored row opens only with the token the applicant's browser sends again.
"""

import base64
import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from django.core import signing

SALT = "safepassage.intake.submission"
MAX_AGE = datetime.timedelta(hours=12)
"""How long a rendered form may be sent; an older token is asked to send again."""
RANDOM_BYTES = 32
_DIGEST_LABEL = b"safepassage.intake.submission.digest"
_KEY_LABEL = b"safepassage.intake.submission.key"


@dataclass(frozen=True, kw_only=True)
class SubmissionToken:
    """A valid token: its digest (stored), its key (never stored) and when it was issued."""

    digest: str
    key: bytes = field(repr=False)
    issued_at: datetime.datetime


def new_submission_token() -> str:
    """A signed random token for one rendering of the intake form."""
    random_part = base64.urlsafe_b64encode(secrets.token_bytes(RANDOM_BYTES)).decode("ascii")
    return signing.TimestampSigner(salt=SALT).sign(random_part.rstrip("="))


def read_submission_token(
    token: str, *, max_age: datetime.timedelta | None = MAX_AGE
) -> SubmissionToken | None:
    """The token's digest and key if it is well-formed and signed (and, with ``max_age``,
    recent enough), else None."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        random_part = signer.unsign(token[:200], max_age=max_age)
        issued = signing.b62_decode(token.rsplit(signer.sep, 2)[1])
    except signing.BadSignature:
        return None
    try:
        raw = base64.urlsafe_b64decode(random_part + "=" * (-len(random_part) % 4))
    except ValueError:
        return None
    if len(raw) != RANDOM_BYTES:
        return None
    return SubmissionToken(
        digest=hmac.new(_DIGEST_LABEL, raw, hashlib.sha256).hexdigest(),
        key=hmac.new(_KEY_LABEL, raw, hashlib.sha256).digest(),
        issued_at=datetime.datetime.fromtimestamp(issued, tz=datetime.UTC),
    )
