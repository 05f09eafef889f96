"""The versioned, self-describing envelope format shared by everything this package seals.

Every envelope starts with the same nine-byte header (SR-11)::

    offset  size  field
    0       2     magic b"SP"
    2       1     format version (currently 1)
    3       1     kind (:class:`EnvelopeKind`)
    4       1     algorithm (:class:`Algorithm`)
    5       4     key version, unsigned big-endian

followed by a body whose layout depends on the kind (see ``docs/security/encryption.md``).
The header is always part of the authenticated data, so changing any header byte makes the
envelope fail to open. Envelopes are bytes (for a binary column) and have a text form
``sp1.<base64url>`` (for a text column).
"""

from __future__ import annotations

import base64
import binascii
import enum
import struct
from dataclasses import dataclass

from safepassage.core.crypto.errors import DecryptionError, UnsupportedEnvelopeError

MAGIC = b"SP"
FORMAT_VERSION = 1
HEADER_LENGTH = 9
MAX_KEY_VERSION = 2**32 - 1
TEXT_PREFIX = "sp1."

_HEADER = struct.Struct(">2sBBBI")


class EnvelopeKind(enum.IntEnum):
    """What an envelope holds; decides the body layout."""

    FIELD = 1
    """A field value sealed with a group key, bound to model, field and row."""
    KEY_WRAP = 2
    """A secret key sealed to one X25519 public key, bound to its purpose."""
    PASSWORD_WRAP = 3
    """A private key sealed under a key derived from a password with Argon2id."""
    SECRET_WRAP = 4
    """A private key sealed under a high-entropy secret (recovery key, codename key)."""
    MESSAGE = 5
    """A message sealed to several public keys at once (intake replies, applicant messages)."""
    FILE = 6
    """A file sealed as a stream with a per-file key."""


class Algorithm(enum.IntEnum):
    """The algorithm (suite) an envelope was made with."""

    XCHACHA20_POLY1305 = 1
    """XChaCha20-Poly1305-IETF AEAD, 24-byte random nonce (libsodium)."""
    X25519_SEALED_BOX = 2
    """libsodium sealed box: ephemeral X25519 + XSalsa20-Poly1305."""
    ARGON2ID_XCHACHA20_POLY1305 = 3
    """Argon2id key derivation, then XChaCha20-Poly1305-IETF."""
    SEALED_BOX_XCHACHA20_POLY1305 = 4
    """A random message key sealed per recipient with a sealed box; body in XChaCha20-Poly1305."""
    SECRETSTREAM_XCHACHA20_POLY1305 = 5
    """libsodium secretstream (XChaCha20-Poly1305), fixed-size padded chunks."""


# The one algorithm each kind may use in format version 1.
_ALGORITHM_OF_KIND: dict[EnvelopeKind, Algorithm] = {
    EnvelopeKind.FIELD: Algorithm.XCHACHA20_POLY1305,
    EnvelopeKind.KEY_WRAP: Algorithm.X25519_SEALED_BOX,
    EnvelopeKind.PASSWORD_WRAP: Algorithm.ARGON2ID_XCHACHA20_POLY1305,
    EnvelopeKind.SECRET_WRAP: Algorithm.XCHACHA20_POLY1305,
    EnvelopeKind.MESSAGE: Algorithm.SEALED_BOX_XCHACHA20_POLY1305,
    EnvelopeKind.FILE: Algorithm.SECRETSTREAM_XCHACHA20_POLY1305,
}


@dataclass(frozen=True, kw_only=True)
class EnvelopeHeader:
    """The public, authenticated header at the start of every envelope."""

    kind: EnvelopeKind
    algorithm: Algorithm
    key_version: int
    format_version: int = FORMAT_VERSION

    def __post_init__(self) -> None:
        if not 0 <= self.key_version <= MAX_KEY_VERSION:
            msg = "key version out of range"
            raise ValueError(msg)

    @classmethod
    def for_kind(cls, *, kind: EnvelopeKind, key_version: int) -> EnvelopeHeader:
        """Build the current-format header for ``kind`` with its one allowed algorithm."""
        return cls(kind=kind, algorithm=_ALGORITHM_OF_KIND[kind], key_version=key_version)

    def to_bytes(self) -> bytes:
        """Serialise to the nine header bytes."""
        return _HEADER.pack(
            MAGIC, self.format_version, int(self.kind), int(self.algorithm), self.key_version
        )


def parse_header(envelope: bytes, *, expected_kind: EnvelopeKind | None = None) -> EnvelopeHeader:
    """Read and check the header of ``envelope``.

    Raises :class:`UnsupportedEnvelopeError` for an unknown format version, kind or algorithm
    (or a kind/algorithm pair this version does not allow) and :class:`DecryptionError` for
    anything too short, without the magic, or of another kind than ``expected_kind``.
    """
    if len(envelope) < HEADER_LENGTH:
        raise DecryptionError
    magic, format_version, kind_value, algorithm_value, key_version = _HEADER.unpack_from(envelope)
    if magic != MAGIC:
        raise DecryptionError
    if format_version != FORMAT_VERSION:
        raise UnsupportedEnvelopeError
    try:
        kind = EnvelopeKind(kind_value)
        algorithm = Algorithm(algorithm_value)
    except ValueError:
        raise UnsupportedEnvelopeError from None
    if _ALGORITHM_OF_KIND[kind] is not algorithm:
        raise UnsupportedEnvelopeError
    if expected_kind is not None and kind is not expected_kind:
        raise DecryptionError
    return EnvelopeHeader(kind=kind, algorithm=algorithm, key_version=key_version)


def envelope_to_text(envelope: bytes) -> str:
    """Encode envelope bytes for a text column: ``sp1.`` then unpadded base64url."""
    return TEXT_PREFIX + base64.urlsafe_b64encode(envelope).rstrip(b"=").decode("ascii")


def envelope_from_text(text: str) -> bytes:
    """Decode the text form of :func:`envelope_to_text`; malformed text is a DecryptionError."""
    if not text.startswith(TEXT_PREFIX):
        raise DecryptionError
    body = text[len(TEXT_PREFIX) :]
    try:
        raw = body.encode("ascii")
        return base64.b64decode(raw + b"=" * (-len(raw) % 4), altchars=b"-_", validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError):
        raise DecryptionError from None


def encode_context(*parts: str) -> bytes:
    """Encode strings unambiguously for associated data: each as u32 length + UTF-8 bytes."""
    out = bytearray()
    for part in parts:
        data = part.encode("utf-8")
        out += struct.pack(">I", len(data))
        out += data
    return bytes(out)


class Reader:
    """Bounds-checked reading of an envelope body; running short raises DecryptionError."""

    def __init__(self, data: bytes, *, offset: int = 0) -> None:
        """Start reading ``data`` at ``offset``."""
        self._data = data
        self._offset = offset

    @property
    def offset(self) -> int:
        """How many bytes have been consumed."""
        return self._offset

    def take(self, length: int) -> bytes:
        """Return the next ``length`` bytes."""
        end = self._offset + length
        if length < 0 or end > len(self._data):
            raise DecryptionError
        chunk = self._data[self._offset : end]
        self._offset = end
        return chunk

    def take_u8(self) -> int:
        """Return the next byte as an unsigned integer."""
        return self.take(1)[0]

    def take_u32(self) -> int:
        """Return the next four bytes as an unsigned big-endian integer."""
        value: int = struct.unpack(">I", self.take(4))[0]
        return value

    def rest(self) -> bytes:
        """Return everything not yet consumed."""
        chunk = self._data[self._offset :]
        self._offset = len(self._data)
        return chunk
