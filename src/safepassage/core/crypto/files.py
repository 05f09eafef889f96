"""Streamed file encryption with a per-file key and padded sizes (SR-09).

A ``FILE`` envelope is::

    header(9) || u32 chunk size || secretstream header(24) || chunk || chunk || …

Every chunk is exactly ``chunk size`` plaintext bytes before encryption: a u32 count of real
bytes, the bytes, then zeros. Full chunks come first, then one tail chunk (possibly empty),
then empty padding chunks so that the number of chunks is rounded up with Padmé (at most
about 12 % overhead, leaking only O(log log n) bits of the size); the last chunk carries
libsodium's FINAL tag, so truncation is detected. Each chunk's associated data is the envelope
prefix plus the storage context (model, field, row), so a file moved to another row fails.

Each file has its own random key (:class:`FileKey`), stored sealed as a FIELD envelope under
the case's documents group key (:func:`seal_file_key`). Shredding the group key shreds every
file key with it.

Streaming decryption yields authenticated chunks as they arrive but only knows the stream is
complete at the FINAL tag: a caller streaming a download must abort the response on
:class:`DecryptionError`; :func:`decrypt_file` returns nothing unless everything verified.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_ABYTES as STREAM_ABYTES,
)
from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_HEADERBYTES as STREAM_HEADERBYTES,
)
from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_init_pull,
    crypto_secretstream_xchacha20poly1305_init_push,
    crypto_secretstream_xchacha20poly1305_pull,
    crypto_secretstream_xchacha20poly1305_push,
    crypto_secretstream_xchacha20poly1305_state,
)
from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_TAG_FINAL as TAG_FINAL,
)
from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE as TAG_MESSAGE,
)
from nacl.exceptions import CryptoError as NaclCryptoError

from safepassage.core.crypto.envelope import (
    HEADER_LENGTH,
    EnvelopeHeader,
    EnvelopeKind,
    encode_context,
    parse_header,
)
from safepassage.core.crypto.errors import DecryptionError
from safepassage.core.crypto.fields import FieldContext, open_field, seal_field
from safepassage.core.crypto.group_keys import GroupKey, SensitiveGroup
from safepassage.core.crypto.keys import KEY_LENGTH, random_key

DEFAULT_CHUNK_SIZE = 64 * 1024
MINIMUM_CHUNK_SIZE = 1024
MAXIMUM_CHUNK_SIZE = 4 * 1024 * 1024
_LENGTH = struct.Struct(">I")
_PREFIX_LENGTH = HEADER_LENGTH + _LENGTH.size + STREAM_HEADERBYTES


@dataclass(frozen=True, kw_only=True)
class FileKey:
    """A random per-file key. Never stored in clear: seal it with :func:`seal_file_key`."""

    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.secret) != KEY_LENGTH:
            msg = "a file key is 32 bytes"
            raise ValueError(msg)


def generate_file_key() -> FileKey:
    """A fresh random file key."""
    return FileKey(secret=random_key())


def _require_documents(group_key: GroupKey) -> None:
    if group_key.group is not SensitiveGroup.DOCUMENTS:
        msg = "file keys are sealed under the documents group key"
        raise ValueError(msg)


def seal_file_key(*, group_key: GroupKey, context: FieldContext, file_key: FileKey) -> bytes:
    """Seal the file key under the case's documents group key, bound to the document row."""
    _require_documents(group_key)
    return seal_field(key=group_key, context=context, plaintext=file_key.secret)


def open_file_key(*, group_key: GroupKey, context: FieldContext, envelope: bytes) -> FileKey:
    """Open a file key sealed with :func:`seal_file_key`."""
    _require_documents(group_key)
    secret = open_field(key=group_key, context=context, envelope=envelope)
    if len(secret) != KEY_LENGTH:
        raise DecryptionError
    return FileKey(secret=secret)


def padme(length: int) -> int:
    """Padmé (Nikitin et al., PETS 2019): round ``length`` up, leaking O(log log) bits."""
    if length < 2:
        return length
    exponent = length.bit_length() - 1
    significant = exponent.bit_length()
    mask = (1 << (exponent - significant)) - 1
    return (length + mask) & ~mask


def padded_chunk_count(data_length: int, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> int:
    """How many chunks a file of ``data_length`` bytes becomes (for storage estimates/tests)."""
    payload = chunk_size - _LENGTH.size
    return padme(data_length // payload + 1)


def _associated_data(prefix: bytes, context: FieldContext) -> bytes:
    return prefix + encode_context("file", context.model, context.field, context.row_id)


class FileEncryptor:
    """Incremental encryption for an upload handler: ``start()``, ``update()``…, ``finish()``.

    Concatenating the outputs gives one FILE envelope. Plaintext is held only in a buffer
    smaller than one chunk.
    """

    def __init__(
        self, *, key: FileKey, context: FieldContext, chunk_size: int = DEFAULT_CHUNK_SIZE
    ) -> None:
        """Prepare to encrypt with ``key`` for the document stored at ``context``."""
        if not MINIMUM_CHUNK_SIZE <= chunk_size <= MAXIMUM_CHUNK_SIZE:
            msg = "chunk size out of range"
            raise ValueError(msg)
        self._key = key
        self._context = context
        self._chunk_size = chunk_size
        self._payload = chunk_size - _LENGTH.size
        self._state = crypto_secretstream_xchacha20poly1305_state()
        self._buffer = bytearray()
        self._chunks = 0
        self._associated_data = b""
        self._stage = "new"

    def start(self) -> bytes:
        """Return the envelope prefix; call once, first."""
        if self._stage != "new":
            msg = "start() was already called"
            raise RuntimeError(msg)
        stream_header = crypto_secretstream_xchacha20poly1305_init_push(
            self._state, self._key.secret
        )
        prefix = (
            EnvelopeHeader.for_kind(kind=EnvelopeKind.FILE, key_version=1).to_bytes()
            + _LENGTH.pack(self._chunk_size)
            + stream_header
        )
        self._associated_data = _associated_data(prefix, self._context)
        self._stage = "open"
        return prefix

    def _push(self, data: bytes, *, tag: int) -> bytes:
        plaintext = _LENGTH.pack(len(data)) + data + bytes(self._payload - len(data))
        self._chunks += 1
        return crypto_secretstream_xchacha20poly1305_push(
            self._state, plaintext, self._associated_data, tag
        )

    def update(self, data: bytes) -> bytes:
        """Encrypt more plaintext; returns zero or more whole encrypted chunks."""
        if self._stage != "open":
            msg = "call start() first, and not after finish()"
            raise RuntimeError(msg)
        self._buffer += data
        out = bytearray()
        while len(self._buffer) >= self._payload:
            out += self._push(bytes(self._buffer[: self._payload]), tag=TAG_MESSAGE)
            del self._buffer[: self._payload]
        return bytes(out)

    def finish(self) -> bytes:
        """Encrypt the tail and the padding chunks; the last one carries the FINAL tag."""
        if self._stage != "open":
            msg = "call start() first, and finish() once"
            raise RuntimeError(msg)
        self._stage = "done"
        total = padme(self._chunks + 1)
        tail = bytes(self._buffer)
        self._buffer.clear()
        out = bytearray()
        remaining = total - self._chunks
        for position in range(remaining):
            is_last = position == remaining - 1
            out += self._push(
                tail if position == 0 else b"", tag=TAG_FINAL if is_last else TAG_MESSAGE
            )
        return bytes(out)


def encrypt_file_stream(
    *,
    key: FileKey,
    context: FieldContext,
    chunks: Iterable[bytes],
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Iterator[bytes]:
    """Encrypt an iterable of plaintext pieces; yields pieces of one FILE envelope."""
    encryptor = FileEncryptor(key=key, context=context, chunk_size=chunk_size)
    yield encryptor.start()
    for piece in chunks:
        out = encryptor.update(piece)
        if out:
            yield out
    yield encryptor.finish()


def decrypt_file_stream(
    *, key: FileKey, context: FieldContext, chunks: Iterable[bytes]
) -> Iterator[bytes]:
    """Decrypt pieces of a FILE envelope, yielding verified plaintext as it goes.

    Raises :class:`DecryptionError` on any tampering, wrong key or context, truncation, or
    bytes after the FINAL chunk. Pieces may be split anywhere.
    """
    buffer = bytearray()
    iterator = iter(chunks)
    for piece in iterator:
        buffer += piece
        if len(buffer) >= _PREFIX_LENGTH:
            break
    if len(buffer) < _PREFIX_LENGTH:
        raise DecryptionError
    parse_header(bytes(buffer[:HEADER_LENGTH]), expected_kind=EnvelopeKind.FILE)
    (chunk_size,) = _LENGTH.unpack_from(buffer, HEADER_LENGTH)
    if not MINIMUM_CHUNK_SIZE <= chunk_size <= MAXIMUM_CHUNK_SIZE:
        raise DecryptionError
    prefix = bytes(buffer[:_PREFIX_LENGTH])
    del buffer[:_PREFIX_LENGTH]
    state = crypto_secretstream_xchacha20poly1305_state()
    try:
        crypto_secretstream_xchacha20poly1305_init_pull(
            state, prefix[HEADER_LENGTH + _LENGTH.size :], key.secret
        )
    except (NaclCryptoError, ValueError, TypeError):
        raise DecryptionError from None
    associated_data = _associated_data(prefix, context)
    sealed_chunk = chunk_size + STREAM_ABYTES
    finished = False
    exhausted = False
    while not exhausted:
        try:
            buffer += next(iterator)
        except StopIteration:
            exhausted = True
        while len(buffer) >= sealed_chunk:
            if finished:
                raise DecryptionError
            sealed = bytes(buffer[:sealed_chunk])
            del buffer[:sealed_chunk]
            try:
                plaintext, tag = crypto_secretstream_xchacha20poly1305_pull(
                    state, sealed, associated_data
                )
            except (NaclCryptoError, ValueError, TypeError):
                raise DecryptionError from None
            (length,) = _LENGTH.unpack_from(plaintext)
            if length > chunk_size - _LENGTH.size:
                raise DecryptionError
            finished = tag == TAG_FINAL
            if length:
                yield plaintext[_LENGTH.size : _LENGTH.size + length]
    if buffer or not finished:
        raise DecryptionError


def encrypt_file(
    *, key: FileKey, context: FieldContext, plaintext: bytes, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> bytes:
    """Encrypt a whole file held in memory (small files, tests)."""
    return b"".join(
        encrypt_file_stream(key=key, context=context, chunks=[plaintext], chunk_size=chunk_size)
    )


def decrypt_file(*, key: FileKey, context: FieldContext, envelope: bytes) -> bytes:
    """Decrypt a whole FILE envelope; returns nothing unless every chunk and the end verified."""
    return b"".join(decrypt_file_stream(key=key, context=context, chunks=[envelope]))
