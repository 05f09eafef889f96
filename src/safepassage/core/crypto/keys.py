"""X25519 key pairs and the two primitives every other module builds on.

* :func:`seal_key_to` / :func:`open_sealed_key`: a 32-byte secret sealed to one X25519 public
  key with a libsodium sealed box (``KEY_WRAP`` envelope). A sealed box has no associated
  data, so the header and a caller-supplied *purpose* (for example case id, group and version)
  are bound by putting a BLAKE2b digest of them in front of the secret inside the box and
  checking it on opening.
* :func:`aead_encrypt` / :func:`aead_decrypt`: XChaCha20-Poly1305-IETF with a random 24-byte
  nonce; any failure becomes :class:`DecryptionError`.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

from nacl.bindings import (
    crypto_aead_xchacha20poly1305_ietf_decrypt,
    crypto_aead_xchacha20poly1305_ietf_encrypt,
)
from nacl.encoding import RawEncoder
from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.hash import blake2b
from nacl.public import PrivateKey as NaclPrivateKey
from nacl.public import PublicKey as NaclPublicKey
from nacl.public import SealedBox
from nacl.utils import random as random_bytes

from safepassage.core.crypto.envelope import (
    HEADER_LENGTH,
    EnvelopeHeader,
    EnvelopeKind,
    encode_context,
    parse_header,
)
from safepassage.core.crypto.errors import DecryptionError, KeyFormatError

KEY_LENGTH = 32
NONCE_LENGTH = 24
FINGERPRINT_LENGTH = 8
_BINDING_LENGTH = 32
_SEALED_BOX_OVERHEAD = 48


@dataclass(frozen=True, kw_only=True)
class PublicKey:
    """An X25519 public key (32 bytes); safe to store and show."""

    raw: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != KEY_LENGTH:
            msg = "a public key is 32 bytes"
            raise KeyFormatError(msg)

    @property
    def fingerprint(self) -> bytes:
        """Eight bytes identifying this key; used to find a recipient's slot or row."""
        return blake2b(
            self.raw, digest_size=FINGERPRINT_LENGTH, person=b"sp-fingerprint", encoder=RawEncoder
        )


@dataclass(frozen=True, kw_only=True)
class PrivateKey:
    """An X25519 private key (32 bytes). Never stored in clear, never logged (no repr)."""

    raw: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.raw) != KEY_LENGTH:
            msg = "a private key is 32 bytes"
            raise KeyFormatError(msg)

    def public_key(self) -> PublicKey:
        """The matching public key."""
        return PublicKey(raw=bytes(NaclPrivateKey(self.raw).public_key))


@dataclass(frozen=True, kw_only=True)
class KeyPair:
    """A private key with its public key."""

    public_key: PublicKey
    private_key: PrivateKey = field(repr=False)


def generate_key_pair() -> KeyPair:
    """A fresh random X25519 key pair from the operating system's CSPRNG."""
    private = NaclPrivateKey.generate()
    return KeyPair(
        public_key=PublicKey(raw=bytes(private.public_key)),
        private_key=PrivateKey(raw=bytes(private)),
    )


def random_key() -> bytes:
    """32 random bytes from the operating system's CSPRNG."""
    return random_bytes(KEY_LENGTH)


def aead_encrypt(*, key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    """XChaCha20-Poly1305: returns ``nonce || ciphertext+tag`` with a fresh random nonce."""
    nonce = random_bytes(NONCE_LENGTH)
    return nonce + crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext, associated_data, nonce, key
    )


def aead_decrypt(*, key: bytes, sealed: bytes, associated_data: bytes) -> bytes:
    """Open what :func:`aead_encrypt` made; any failure is a :class:`DecryptionError`."""
    if len(sealed) < NONCE_LENGTH + 16 or len(key) != KEY_LENGTH:
        raise DecryptionError
    try:
        return crypto_aead_xchacha20poly1305_ietf_decrypt(
            sealed[NONCE_LENGTH:], associated_data, sealed[:NONCE_LENGTH], key
        )
    except (NaclCryptoError, ValueError, TypeError):
        raise DecryptionError from None


def _binding(*, header: bytes, purpose: tuple[str, ...]) -> bytes:
    return blake2b(
        header + encode_context(*purpose),
        digest_size=_BINDING_LENGTH,
        person=b"sp-keywrap-bind",
        encoder=RawEncoder,
    )


def seal_key_to(
    *, secret: bytes, recipient: PublicKey, purpose: tuple[str, ...], key_version: int
) -> bytes:
    """Seal a 32-byte ``secret`` to ``recipient`` as a ``KEY_WRAP`` envelope bound to ``purpose``.

    Needs no private key: anyone holding the public key can do it (that is what lets intake run
    with no secret on the server).
    """
    if len(secret) != KEY_LENGTH:
        msg = "only 32-byte keys are wrapped"
        raise ValueError(msg)
    header = EnvelopeHeader.for_kind(kind=EnvelopeKind.KEY_WRAP, key_version=key_version).to_bytes()
    payload = _binding(header=header, purpose=purpose) + secret
    return header + SealedBox(NaclPublicKey(recipient.raw)).encrypt(payload)


def open_sealed_key(
    *, envelope: bytes, private_key: PrivateKey, purpose: tuple[str, ...]
) -> tuple[bytes, int]:
    """Open a ``KEY_WRAP`` envelope; returns ``(secret, key_version)``.

    Raises :class:`DecryptionError` for the wrong private key, any changed byte, or a purpose
    other than the one it was sealed for (a wrapped key moved to another case or group).
    """
    header = parse_header(envelope, expected_kind=EnvelopeKind.KEY_WRAP)
    body = envelope[HEADER_LENGTH:]
    if len(body) != _SEALED_BOX_OVERHEAD + _BINDING_LENGTH + KEY_LENGTH:
        raise DecryptionError
    try:
        payload = SealedBox(NaclPrivateKey(private_key.raw)).decrypt(body)
    except (NaclCryptoError, ValueError, TypeError):
        raise DecryptionError from None
    expected = _binding(header=envelope[:HEADER_LENGTH], purpose=purpose)
    if not hmac.compare_digest(payload[:_BINDING_LENGTH], expected):
        raise DecryptionError
    return payload[_BINDING_LENGTH:], header.key_version
