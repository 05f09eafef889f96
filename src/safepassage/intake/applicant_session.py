"""The applicant's session: one short-lived cookie, separate from the staff session.

After the codename opened the applicant's private key, the key travels back to the
applicant's browser sealed (XChaCha20-Poly1305) under a key derived from ``SECRET_KEY``,
with its applicant id and an expiry inside. Nothing about the visit is stored on the server:
a copy of the database or the session store holds no applicant session, and the cookie alone
opens nothing without the server. The cookie is HttpOnly, SameSite=Strict, has no
``Expires`` (it ends with the browser) and stops working after ``LIFETIME_SECONDS``; each
page the applicant opens renews it. Quick exit and signing out delete it.
"""

import base64
import json
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from nacl.encoding import RawEncoder
from nacl.hash import blake2b

from safepassage.core.crypto import CryptoError, KeyPair, PrivateKey, PublicKey
from safepassage.core.crypto.keys import aead_decrypt, aead_encrypt
from safepassage.intake.models import Applicant

LIFETIME_SECONDS = 15 * 60
_ASSOCIATED_DATA = b"safepassage-applicant-session:1"


def cookie_name() -> str:
    """``__Host-`` prefixed where cookies are Secure (production), plain otherwise."""
    return "__Host-sp-help" if settings.SESSION_COOKIE_SECURE else "sp-help"


def _cookie_key() -> bytes:
    return blake2b(
        str(settings.SECRET_KEY).encode("utf-8"),
        digest_size=32,
        person=b"sp-applicant-ck",
        encoder=RawEncoder,
    )


@dataclass(frozen=True, kw_only=True)
class ApplicantSession:
    applicant: Applicant
    key_pair: KeyPair = field(repr=False)


def start_applicant_session(
    *, response: HttpResponse, applicant: Applicant, key_pair: KeyPair
) -> None:
    """Set (or renew) the applicant cookie on ``response``."""
    payload = json.dumps(
        {
            "a": str(applicant.public_id),
            "k": key_pair.private_key.raw.hex(),
            "e": int(time.time()) + LIFETIME_SECONDS,
        }
    ).encode("ascii")
    sealed = aead_encrypt(key=_cookie_key(), plaintext=payload, associated_data=_ASSOCIATED_DATA)
    response.set_cookie(
        cookie_name(),
        base64.urlsafe_b64encode(sealed).decode("ascii"),
        max_age=None,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


def end_applicant_session(*, response: HttpResponse) -> None:
    response.delete_cookie(cookie_name(), path="/", samesite="Strict")


def load_applicant_session(*, request: HttpRequest) -> ApplicantSession | None:
    """The signed-in applicant and their key pair, or None (no cookie, expired, tampered)."""
    value = request.COOKIES.get(cookie_name())
    if not value:
        return None
    try:
        payload = json.loads(
            aead_decrypt(
                key=_cookie_key(),
                sealed=base64.urlsafe_b64decode(value.encode("ascii")),
                associated_data=_ASSOCIATED_DATA,
            )
        )
        if int(payload["e"]) < time.time():
            return None
        private_key = PrivateKey(raw=bytes.fromhex(payload["k"]))
        applicant = Applicant.objects.select_related("case").filter(public_id=payload["a"]).first()
    except (CryptoError, ValueError, KeyError, TypeError):
        return None
    if applicant is None or private_key.public_key() != PublicKey(raw=bytes(applicant.public_key)):
        return None
    return ApplicantSession(
        applicant=applicant,
        key_pair=KeyPair(public_key=private_key.public_key(), private_key=private_key),
    )
