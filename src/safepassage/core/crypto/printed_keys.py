"""Text form of keys that people print, write down or type back in.

``PREFIX-XXXX-XXXX-…``: RFC 4648 base32 of the payload plus a four-byte BLAKE2b checksum, in
groups of four. Case, spaces and dashes are ignored when reading, so a key read aloud or typed
from paper still parses; a typo fails the checksum and raises :class:`KeyFormatError` (never a
silent wrong key).
"""

from __future__ import annotations

import base64
import binascii
import hmac

from nacl.encoding import RawEncoder
from nacl.hash import blake2b

from safepassage.core.crypto.errors import KeyFormatError

_CHECKSUM_LENGTH = 4
_GROUP = 4


def _checksum(*, prefix: str, payload: bytes) -> bytes:
    return blake2b(
        prefix.encode("ascii") + payload,
        digest_size=_CHECKSUM_LENGTH,
        person=b"sp-printed-key",
        encoder=RawEncoder,
    )


def encode_printed_key(*, prefix: str, payload: bytes) -> str:
    """Encode ``payload`` for printing under ``prefix`` (upper-case letters and digits)."""
    if not prefix.isalnum() or not prefix.isupper():
        msg = "prefix must be upper-case alphanumeric"
        raise ValueError(msg)
    data = payload + _checksum(prefix=prefix, payload=payload)
    text = base64.b32encode(data).decode("ascii").rstrip("=")
    groups = [text[i : i + _GROUP] for i in range(0, len(text), _GROUP)]
    return "-".join([prefix, *groups])


def decode_printed_key(*, prefix: str, text: str, payload_length: int) -> bytes:
    """Read a key printed by :func:`encode_printed_key`; raise KeyFormatError if mistyped."""
    # Spaces count as dashes, so a key read aloud and typed with spaces still parses.
    compact = "-".join(text.split()).upper()
    if not compact.startswith(prefix + "-"):
        msg = "not a key of the expected kind"
        raise KeyFormatError(msg)
    body = compact[len(prefix) :].replace("-", "")
    try:
        data = base64.b32decode(body + "=" * (-len(body) % 8))
    except (binascii.Error, ValueError):
        msg = "the key contains characters that cannot appear in it"
        raise KeyFormatError(msg) from None
    if len(data) != payload_length + _CHECKSUM_LENGTH:
        msg = "the key has the wrong length"
        raise KeyFormatError(msg)
    payload, checksum = data[:payload_length], data[payload_length:]
    if not hmac.compare_digest(checksum, _checksum(prefix=prefix, payload=payload)):
        msg = "the key does not match its checksum; check for a typo"
        raise KeyFormatError(msg)
    return payload
