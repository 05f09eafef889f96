"""Second-factor secrets at rest (SR-01, decision 0050): what a copy of the database holds of
authenticator seeds, recovery codes and security-key names, and the server key that opens
them.

django-otp keeps the authenticator (TOTP) seed as hex in ``otp_totp_totpdevice.key`` and
unused recovery codes as they are in ``otp_static_statictoken.token``, so a copy of the
database would pass every staff member's second factor. Here:

- **Seeds are sealed** with AES-256-GCM under a key derived from
  ``SAFEPASSAGE_TWO_FACTOR_KEY`` (when unset, from ``SECRET_KEY``), never stored in the
  database, and bound to the owner's public id (a sealed seed copied onto another user's row
  does not open). Verifying a code needs the seed, so it must come back: a one-way hash
  cannot do. The stored text is ``s1:`` and the base64url of nonce, ciphertext and tag (67
  characters, inside django-otp's 80-character column). A seed that does not open (another
  server key) raises :class:`~safepassage.accounts.errors.TwoFactorKeyMismatch`: the code
  is refused, never compared with anything else.
- **Recovery codes are stored as a keyed digest**: HMAC-SHA-256 under a second key from the
  same material, its first 96 bits in base64url (16 characters, django-otp's column). Codes
  are 48 random bits, each works once and guesses are throttled; without the server key a
  copy of the database cannot test a single guess, and a fast HMAC is enough for a random
  value (a slow hash protects low-entropy passwords, not these).
- **Security-key names** (what the owner typed: "blue key", or a name) are sealed in the
  project's FIELD envelope (XChaCha20-Poly1305, with its header) under a third derived key,
  bound to the key's public id; django-otp's own ``name`` column keeps a fixed label.

The running server opens them all: this protects a copy of the database or a backup, not a
compromised server.
"""

import base64
import binascii
import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from safepassage.accounts.errors import TwoFactorKeyMismatch
from safepassage.core.crypto import (
    CryptoError,
    FieldContext,
    GroupKey,
    SensitiveGroup,
    open_text,
    seal_text,
)

TWO_FACTOR_KEY_ENVIRONMENT_VARIABLE = "SAFEPASSAGE_TWO_FACTOR_KEY"
SEALED_SEED_PREFIX = "s1:"
SEED_BYTES = 20  # 160 bits, RFC 4226's recommendation and django-otp's default
RECOVERY_DIGEST_CHARACTERS = 16  # django-otp's StaticToken.token column
_NONCE_BYTES = 12

logger = logging.getLogger(__name__)


def _derived_key(person: bytes) -> bytes:
    material = os.environ.get(TWO_FACTOR_KEY_ENVIRONMENT_VARIABLE) or str(settings.SECRET_KEY)
    return hashlib.blake2b(material.encode("utf-8"), digest_size=32, person=person).digest()


def _seal(*, person: bytes, context: bytes, value: bytes) -> bytes:
    nonce = secrets.token_bytes(_NONCE_BYTES)
    return nonce + AESGCM(_derived_key(person)).encrypt(nonce, value, context)


def _open(*, person: bytes, context: bytes, sealed: bytes) -> bytes:
    """Raises :class:`TwoFactorKeyMismatch` for anything that does not open."""
    try:
        return AESGCM(_derived_key(person)).decrypt(
            sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], context
        )
    except (InvalidTag, ValueError) as error:
        raise TwoFactorKeyMismatch from error


def new_seed() -> bytes:
    return secrets.token_bytes(SEED_BYTES)


def seal_seed(*, user_ref: str, seed: bytes) -> str:
    """The text stored in ``TOTPDevice.key`` for ``seed`` of the user ``user_ref``."""
    sealed = _seal(person=b"sp-totp-seed", context=f"totp-seed\0{user_ref}".encode(), value=seed)
    return SEALED_SEED_PREFIX + base64.urlsafe_b64encode(sealed).decode("ascii").rstrip("=")


def is_sealed_seed(stored: str) -> bool:
    return stored.startswith(SEALED_SEED_PREFIX)


def open_seed(*, user_ref: str, stored: str) -> bytes:
    """The seed sealed by :func:`seal_seed`; :class:`TwoFactorKeyMismatch` when it does not
    open (another server key, another user's row, a clear or damaged value)."""
    try:
        if not is_sealed_seed(stored):
            raise TwoFactorKeyMismatch
        text = stored.removeprefix(SEALED_SEED_PREFIX)
        try:
            sealed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError) as error:
            raise TwoFactorKeyMismatch from error
        context = f"totp-seed\0{user_ref}".encode()
        return _open(person=b"sp-totp-seed", context=context, sealed=sealed)
    except TwoFactorKeyMismatch:
        # No user, no value: the operator needs to know the key is wrong, not whose seed.
        logger.error(
            "An authenticator seed did not open: %s (or SECRET_KEY) is not the key it was "
            "sealed under; codes are refused until it is restored.",
            TWO_FACTOR_KEY_ENVIRONMENT_VARIABLE,
        )
        raise


def recovery_code_digest(code: str) -> str:
    """What ``StaticToken.token`` stores for the recovery code ``code`` (as typed, lower
    case): 96 bits of its HMAC-SHA-256 under the server's recovery-code key."""
    mac = hmac.new(_derived_key(b"sp-recovery-code"), code.encode("utf-8"), hashlib.sha256)
    encoded = base64.urlsafe_b64encode(mac.digest()).decode("ascii")
    return encoded[:RECOVERY_DIGEST_CHARACTERS]


def _server_key(person: bytes) -> GroupKey:
    # The project's FIELD envelope (header with algorithm and key version, SR-11) under a
    # server key derived from the two-factor key material; the group only labels the key:
    # it is a server key of the accounts app, no case's group key (decisions 0050, 0052).
    return GroupKey(
        case_id="accounts", group=SensitiveGroup.IDENTITY, version=1, secret=_derived_key(person)
    )


@dataclass(frozen=True, slots=True)
class _SealedText:
    """A text column sealed under its own server key, bound to its row's public id."""

    person: bytes
    model: str
    field: str

    def seal(self, *, row_ref: str, text: str) -> bytes:
        context = FieldContext(model=self.model, field=self.field, row_id=row_ref)
        return seal_text(key=_server_key(self.person), context=context, text=text)

    def open(self, *, row_ref: str, sealed: bytes | memoryview | None) -> str | None:
        """The text; ``""`` when nothing is sealed, None when it does not open."""
        if not sealed:
            return ""
        context = FieldContext(model=self.model, field=self.field, row_id=row_ref)
        try:
            return open_text(key=_server_key(self.person), context=context, envelope=bytes(sealed))
        except CryptoError:
            return None


_KEY_NAMES = _SealedText(person=b"sp-key-name", model="accounts.SecurityKey", field="sealed_name")
_DISPLAY_NAMES = _SealedText(
    person=b"sp-display-name", model="accounts.User", field="sealed_display_name"
)


def seal_key_name(*, key_ref: str, name: str) -> bytes:
    """The sealed name of the security key with public id ``key_ref`` (a FIELD envelope)."""
    return _KEY_NAMES.seal(row_ref=key_ref, text=name)


def open_key_name(*, key_ref: str, sealed: bytes | memoryview | None) -> str:
    """The name sealed by :func:`seal_key_name`; ``""`` when there is none or it does not
    open (the page then shows the key without a name)."""
    return _KEY_NAMES.open(row_ref=key_ref, sealed=sealed) or ""


def seal_display_name(*, user_ref: str, name: str) -> bytes:
    """The sealed display name of the staff member with public id ``user_ref`` (a FIELD
    envelope bound to that id: copied onto another user's row, it does not open)."""
    return _DISPLAY_NAMES.seal(row_ref=user_ref, text=name)


def open_display_name(*, user_ref: str, sealed: bytes | memoryview | None) -> str:
    """The name sealed by :func:`seal_display_name`; ``""`` when there is none. One that does
    not open (another server key, another user's row) also gives ``""``: pages then show the
    member's public id, never a guess, and the operator is told which key is wrong."""
    name = _DISPLAY_NAMES.open(row_ref=user_ref, sealed=sealed)
    if name is None:
        # No user, no value: the operator needs to know the key is wrong, not whose name.
        logger.error(
            "A staff display name did not open: %s (or SECRET_KEY) is not the key it was "
            "sealed under; names are shown as public ids until it is restored.",
            TWO_FACTOR_KEY_ENVIRONMENT_VARIABLE,
        )
        return ""
    return name
