"""The signed-in user's private key, kept for the session without the server holding it (SR-08).

At the password step the private key is unwrapped with the password. It is then sealed
(XChaCha20-Poly1305) under a random 256-bit secret that travels only in its own cookie
(HttpOnly, SameSite=Strict, ``__Host-`` and Secure in production, no expiry: it dies with the
browser). The session record holds only the sealed box, bound to the user's public id and
session epoch, so:

- a copy of the session store decrypts nothing (the secret is not in it);
- a stolen cookie without the session record decrypts nothing;
- "log out everywhere" rotates the epoch, so every other session's box stops opening;
- logging out flushes the session and deletes the cookie.
"""

import base64
import binascii

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from nacl.bindings import (
    crypto_aead_xchacha20poly1305_ietf_decrypt,
    crypto_aead_xchacha20poly1305_ietf_encrypt,
)
from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.utils import random as random_bytes

from safepassage.accounts.models import User
from safepassage.core.crypto import KeyFormatError, KeyPair, PrivateKey

SESSION_KEY = "safepassage_key_box"
SECRET_LENGTH = 32
NONCE_LENGTH = 24


def cookie_name() -> str:
    """``__Host-`` prefixed where cookies are Secure (production), plain otherwise."""
    return "__Host-sp-key" if settings.SESSION_COOKIE_SECURE else "sp-key"


def _associated_data(user: User) -> bytes:
    return f"safepassage-session-key:{user.public_id}:{user.session_epoch}".encode("ascii")


def seal_private_key_into_session(*, session: SessionBase, user: User, key_pair: KeyPair) -> str:
    """Put the sealed key in ``session``; return the cookie secret (base64).

    Callers set the cookie with :func:`set_key_cookie`; tests set it on their client.
    """
    secret = random_bytes(SECRET_LENGTH)
    nonce = random_bytes(NONCE_LENGTH)
    box = nonce + crypto_aead_xchacha20poly1305_ietf_encrypt(
        key_pair.private_key.raw, _associated_data(user), nonce, secret
    )
    session[SESSION_KEY] = base64.b64encode(box).decode("ascii")
    return base64.urlsafe_b64encode(secret).decode("ascii")


def set_key_cookie(*, response: HttpResponse, secret: str) -> None:
    response.set_cookie(
        cookie_name(),
        secret,
        max_age=None,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


def remember_private_key(
    *, request: HttpRequest, response: HttpResponse, user: User, key_pair: KeyPair
) -> None:
    """Seal the key into the session and hand its secret to the browser."""
    secret = seal_private_key_into_session(session=request.session, user=user, key_pair=key_pair)
    set_key_cookie(response=response, secret=secret)


def load_private_key(*, request: HttpRequest, user: User) -> KeyPair | None:
    """The signed-in user's key pair, or None when the session or cookie lacks it or it fails."""
    stored = request.session.get(SESSION_KEY)
    cookie = request.COOKIES.get(cookie_name())
    if not isinstance(stored, str) or not cookie:
        return None
    try:
        box = base64.b64decode(stored, validate=True)
        secret = base64.urlsafe_b64decode(cookie)
        if len(secret) != SECRET_LENGTH or len(box) <= NONCE_LENGTH:
            return None
        raw = crypto_aead_xchacha20poly1305_ietf_decrypt(
            box[NONCE_LENGTH:], _associated_data(user), box[:NONCE_LENGTH], secret
        )
        private_key = PrivateKey(raw=raw)
    except (binascii.Error, ValueError, NaclCryptoError, KeyFormatError):
        return None
    return KeyPair(public_key=private_key.public_key(), private_key=private_key)


def forget_private_key(*, request: HttpRequest, response: HttpResponse) -> None:
    """Drop the sealed key from the session (if any is left) and delete the cookie."""
    if hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)
    response.delete_cookie(cookie_name(), path="/", samesite="Strict")
