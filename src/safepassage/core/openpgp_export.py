"""Passphrase-encrypted OpenPGP messages for staff exports (SR-29), written as a stream.

A message is what ``gpg --symmetric --cipher-algo AES256`` writes, and opens with the
tools human-rights organisations already use (``gpg --decrypt``, Kleopatra of Gpg4win,
GPG Suite on macOS)::

    SKESK v4 packet (tag 3)        AES-256, iterated and salted S2K over SHA-256
                                   (random 8-byte salt, the highest count: 65,011,712
                                   bytes hashed), no encrypted session key: the S2K output
                                   is the key (RFC 4880 5.3, RFC 9580 5.3)
    SEIPD v1 packet (tag 18)       AES-256 in OpenPGP CFB (zero IV, no resync) of
        random prefix (16 bytes) || its last two bytes
        literal data packet (tag 11, binary, the file name, the date, the data)
        MDC packet (tag 19)        SHA-1 of everything before it in the plaintext,
                                   including its own two header bytes

The literal data and the encrypted packet both use partial body lengths (RFC 4880
4.2.2.4) in chunks of 64 KiB, so an export of any size goes out as it is produced: memory
use is one chunk. A changed byte anywhere makes the MDC check fail (gpg reports the
integrity failure and exits non-zero); a wrong passphrase gives a wrong key, which the
quick check of the two repeated prefix bytes (and at the latest the MDC) detects.

Framework-free: ``cryptography`` and the standard library only. The passphrase is used and
dropped; nothing here keeps or logs it.
"""

from __future__ import annotations

import hashlib
import os
import struct
import time
from collections.abc import Iterable, Iterator

from cryptography.hazmat.decrepit.ciphers.modes import CFB
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

TAG_SKESK = 3
TAG_LITERAL = 11
TAG_SEIPD = 18
TAG_MDC = 19
CIPHER_AES256 = 9
HASH_SHA256 = 8
S2K_ITERATED_SALTED = 3
MAXIMUM_S2K_COUNT_BYTE = 0xFF
"""Coded count 255: 65,011,712 bytes hashed per guess (RFC 4880 3.7.1.3)."""
KEY_BYTES = 32
BLOCK_BYTES = 16
SALT_BYTES = 8
CHUNK_POWER = 16
CHUNK_BYTES = 1 << CHUNK_POWER
"""Partial body length of every chunk but the last (a power of two, at least 512)."""
MDC_HEADER = bytes((0xC0 | TAG_MDC, 20))
FILE_EXTENSION = ".gpg"
CONTENT_TYPE = "application/pgp-encrypted"


def s2k_count(coded: int) -> int:
    """The number of bytes an iterated and salted S2K hashes for a coded count byte."""
    if not 0 <= coded <= MAXIMUM_S2K_COUNT_BYTE:
        raise ValueError("the coded count is one byte")
    return (16 + (coded & 15)) << ((coded >> 4) + 6)


def derive_key(*, passphrase: bytes, salt: bytes, coded_count: int) -> bytes:
    """The AES-256 key of an iterated and salted S2K with SHA-256 (RFC 4880 3.7.1.3)."""
    if len(salt) != SALT_BYTES:
        raise ValueError("the S2K salt is 8 bytes")
    unit = salt + passphrase
    count = max(s2k_count(coded_count), len(unit))
    digest = hashlib.sha256()
    repeated = unit * max(1, CHUNK_BYTES // len(unit))
    whole, rest = divmod(count, len(repeated))
    for _ in range(whole):
        digest.update(repeated)
    digest.update(repeated[:rest])
    return digest.digest()


def _new_length(length: int) -> bytes:
    """A new-format packet length (RFC 4880 4.2.2.1-3) for a whole body."""
    if length < 192:
        return bytes((length,))
    if length < 8384:
        length -= 192
        return bytes(((length >> 8) + 192, length & 0xFF))
    return b"\xff" + struct.pack(">I", length)


def _packet(tag: int, body: bytes) -> bytes:
    return bytes((0xC0 | tag,)) + _new_length(len(body)) + body


class _PartialBody:
    """Cuts a packet body into partial body lengths as it grows; the end has a whole length."""

    def __init__(self, tag: int) -> None:
        self._header = bytes((0xC0 | tag,))
        self._pending = bytearray()

    def feed(self, data: bytes) -> Iterator[bytes]:
        self._pending += data
        start = 0
        # Only while strictly more than one chunk is pending: the final (whole-length)
        # part, written by ``close``, is never left empty unless the body is.
        while len(self._pending) - start > CHUNK_BYTES:
            chunk = bytes(self._pending[start : start + CHUNK_BYTES])
            start += CHUNK_BYTES
            yield self._header + bytes((0xE0 | CHUNK_POWER,)) + chunk
            self._header = b""
        if start:
            del self._pending[:start]

    def close(self) -> bytes:
        last = bytes(self._pending)
        self._pending.clear()
        return self._header + _new_length(len(last)) + last


def _skesk(*, salt: bytes, coded_count: int) -> bytes:
    body = bytes((4, CIPHER_AES256, S2K_ITERATED_SALTED, HASH_SHA256)) + salt
    return _packet(TAG_SKESK, body + bytes((coded_count,)))


def _literal_header(*, filename: str, modified: int) -> bytes:
    name = filename.encode("utf-8")[:255]
    return b"b" + bytes((len(name),)) + name + struct.pack(">I", modified & 0xFFFFFFFF)


def encrypt_stream(
    chunks: Iterable[bytes | str],
    *,
    passphrase: str,
    filename: str,
    coded_count: int = MAXIMUM_S2K_COUNT_BYTE,
    modified: int | None = None,
) -> Iterator[bytes]:
    """Encrypt ``chunks`` (``str`` pieces are UTF-8) for ``passphrase`` as they come.

    The key is derived here, before anything is returned, so the passphrase is not kept
    by the stream. ``filename`` is the name inside the message (``gpg
    --use-embedded-filename``); ``modified`` its date (seconds, default now).
    """
    salt = os.urandom(SALT_BYTES)
    key = derive_key(passphrase=passphrase.encode("utf-8"), salt=salt, coded_count=coded_count)
    stamp = int(time.time()) if modified is None else modified
    header = _skesk(salt=salt, coded_count=coded_count)
    literal = _literal_header(filename=filename, modified=stamp)
    return _stream(chunks, key=key, header=header, literal=literal)


def _stream(
    chunks: Iterable[bytes | str], *, key: bytes, header: bytes, literal: bytes
) -> Iterator[bytes]:
    encryptor = Cipher(algorithms.AES(key), CFB(bytes(BLOCK_BYTES))).encryptor()
    mdc = hashlib.sha1()  # noqa: S324  # SHA-1 is what the MDC of a SEIPD v1 packet is
    outer = _PartialBody(TAG_SEIPD)
    inner = _PartialBody(TAG_LITERAL)

    def seal(plain: bytes) -> Iterator[bytes]:
        mdc.update(plain)
        yield from outer.feed(encryptor.update(plain))

    prefix = os.urandom(BLOCK_BYTES)
    yield header
    yield from outer.feed(b"\x01")
    yield from seal(prefix + prefix[-2:])
    yield from seal(b"".join(inner.feed(literal)))
    for chunk in chunks:
        data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
        if data:
            yield from seal(b"".join(inner.feed(data)))
    # The MDC covers everything before it, its own two header bytes included.
    yield from seal(inner.close() + MDC_HEADER)
    yield from outer.feed(encryptor.update(mdc.digest()) + encryptor.finalize())
    yield outer.close()


def encrypt_bytes(
    data: bytes,
    *,
    passphrase: str,
    filename: str,
    coded_count: int = MAXIMUM_S2K_COUNT_BYTE,
    modified: int | None = None,
) -> bytes:
    """Encrypt one whole file (a PDF) the way :func:`encrypt_stream` does."""
    return b"".join(
        encrypt_stream(
            [data],
            passphrase=passphrase,
            filename=filename,
            coded_count=coded_count,
            modified=modified,
        )
    )
