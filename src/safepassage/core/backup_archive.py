"""The encrypted backup archive (SR-36): a stream sealed to an offline recipient's key.

An archive file is::

    magic b"SPBACKUP" || u32 header length || header (JSON, UTF-8)
    || sealed data key (80 bytes: a libsodium sealed box to the recipient's X25519 key)
    || secretstream header (24 bytes)
    || chunk || chunk || ...        each chunk: u32 length || secretstream ciphertext

The header is in clear so an operator can read what a file is without its key (format
version, creation time, database engine, sizes, the recipient's fingerprint, an id); it
holds no personal value. The payload (a tar stream of the database snapshot and the data
folders) is encrypted with a random data key in XChaCha20-Poly1305 secretstream chunks;
every chunk's associated data is the whole clear prefix, so a changed header byte, a changed,
dropped, repeated or reordered chunk, a cut-off end (the last chunk carries the FINAL tag)
or bytes after the end are refused. Only the holder of the private key (kept offline) can
open the data key. Writing and reading are streamed: memory use is one chunk, whatever the
size of the database.

Framework-free: the Django side (``safepassage.backups``) makes the snapshot and restores it.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_ABYTES as STREAM_ABYTES,
)
from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_HEADERBYTES as STREAM_HEADERBYTES,
)
from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_init_pull,
    crypto_secretstream_xchacha20poly1305_init_push,
    crypto_secretstream_xchacha20poly1305_KEYBYTES,
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
from nacl.public import PrivateKey as NaclPrivateKey
from nacl.public import PublicKey as NaclPublicKey
from nacl.public import SealedBox
from nacl.utils import random as random_bytes

MAGIC = b"SPBACKUP"
FORMAT = "safepassage-backup"
FORMAT_VERSION = 1
CHUNK_SIZE = 1024 * 1024
MAX_HEADER_LENGTH = 64 * 1024
SEALED_KEY_LENGTH = 32 + 48  # X25519 ephemeral public key + XSalsa20-Poly1305 box of 32 bytes
PUBLIC_PREFIX = "SPBACKUP-PUB-"
PRIVATE_PREFIX = "SPBACKUP-KEY-"
_U32 = struct.Struct(">I")
_CHECKSUM_LENGTH = 4


class BackupError(Exception):
    """A backup could not be written or read; the message says why, for the operator."""

    code = "backup_error"


class BackupKeyError(BackupError):
    """A key file that is not a backup key, or whose checksum does not match (a typo)."""

    code = "backup_key_invalid"


class WrongBackupKey(BackupError):
    """The archive was encrypted to another recipient."""

    code = "backup_wrong_key"


class DamagedBackup(BackupError):
    """The archive is not a backup, was changed, or was cut short."""

    code = "backup_damaged"


# --- Keys ------------------------------------------------------------------------------


def _checksum(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=_CHECKSUM_LENGTH, person=b"sp-backup-key").hexdigest()


@dataclass(frozen=True, kw_only=True)
class BackupPublicKey:
    """The recipient's public key: the only half that belongs on the server."""

    raw: bytes

    @property
    def fingerprint(self) -> str:
        return hashlib.blake2b(self.raw, digest_size=8, person=b"sp-backup-fpr").hexdigest()

    def text(self) -> str:
        return f"{PUBLIC_PREFIX}{self.raw.hex()}{_checksum(self.raw)}"


@dataclass(frozen=True, kw_only=True)
class BackupPrivateKey:
    """The recipient's private key: kept offline, given to ``restore`` only."""

    raw: bytes = field(repr=False)

    @property
    def public_key(self) -> BackupPublicKey:
        return BackupPublicKey(raw=bytes(NaclPrivateKey(self.raw).public_key))

    def text(self) -> str:
        return f"{PRIVATE_PREFIX}{self.raw.hex()}{_checksum(self.raw)}"


def generate_backup_key() -> BackupPrivateKey:
    return BackupPrivateKey(raw=bytes(NaclPrivateKey.generate()))


def _parse_key_text(*, text: str, prefix: str, what: str) -> bytes:
    lines = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    candidates = [line for line in lines if line.startswith(prefix)]
    if len(candidates) != 1:
        msg = f"no {what} found: expected one line starting with {prefix}"
        raise BackupKeyError(msg)
    body = candidates[0][len(prefix) :].lower()
    try:
        raw = bytes.fromhex(body[:64])
    except ValueError:
        raw = b""
    if len(raw) != 32 or len(body) != 64 + 2 * _CHECKSUM_LENGTH:
        msg = f"the {what} is not 32 bytes of hex followed by its checksum"
        raise BackupKeyError(msg)
    if body[64:] != _checksum(raw):
        msg = f"the {what}'s checksum does not match: check for a typing error"
        raise BackupKeyError(msg)
    return raw


def parse_backup_public_key(text: str) -> BackupPublicKey:
    return BackupPublicKey(raw=_parse_key_text(text=text, prefix=PUBLIC_PREFIX, what="public key"))


def parse_backup_private_key(text: str) -> BackupPrivateKey:
    if PUBLIC_PREFIX in text and PRIVATE_PREFIX not in text:
        msg = "this is the public key; restoring needs the private key (SPBACKUP-KEY-...)"
        raise BackupKeyError(msg)
    return BackupPrivateKey(
        raw=_parse_key_text(text=text, prefix=PRIVATE_PREFIX, what="private key")
    )


# --- Header ----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class BackupHeader:
    """What an archive says about itself in clear (authenticated, never secret)."""

    backup_id: str
    created: str  # ISO 8601, UTC
    database_engine: str  # "sqlite" or "postgresql"
    database_bytes: int
    file_count: int
    file_bytes: int
    recipient: str = ""  # the recipient key's fingerprint; filled in when writing
    version: int = FORMAT_VERSION

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "format": FORMAT,
                "version": self.version,
                "id": self.backup_id,
                "created": self.created,
                "database": {"engine": self.database_engine, "bytes": self.database_bytes},
                "files": {"count": self.file_count, "bytes": self.file_bytes},
                "recipient": self.recipient,
            },
            sort_keys=True,
        ).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> BackupHeader:
        try:
            data = json.loads(raw.decode())
            if data["format"] != FORMAT:
                raise DamagedBackup("not a SafePassage backup")
            version = int(data["version"])
            if version != FORMAT_VERSION:
                msg = (
                    f"backup format version {version} is not supported by this installation "
                    f"(it reads version {FORMAT_VERSION})"
                )
                raise DamagedBackup(msg)
            return cls(
                backup_id=str(data["id"]),
                created=str(data["created"]),
                database_engine=str(data["database"]["engine"]),
                database_bytes=int(data["database"]["bytes"]),
                file_count=int(data["files"]["count"]),
                file_bytes=int(data["files"]["bytes"]),
                recipient=str(data["recipient"]),
                version=version,
            )
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError):
            raise DamagedBackup("the backup's header is damaged") from None


# --- Writing ---------------------------------------------------------------------------


class ArchiveWriter(io.RawIOBase):
    """A write-only stream that encrypts what is written into ``out``, chunk by chunk.

    ``close()`` writes the final chunk; an archive whose writer was not closed is refused
    on reading (cut short).
    """

    def __init__(
        self,
        *,
        out: BinaryIO,
        recipient: BackupPublicKey,
        header: BackupHeader,
        chunk_size: int = CHUNK_SIZE,
    ) -> None:
        super().__init__()
        self._out = out
        self._chunk_size = chunk_size
        self._buffer = bytearray()
        self.header = BackupHeader(
            backup_id=header.backup_id,
            created=header.created,
            database_engine=header.database_engine,
            database_bytes=header.database_bytes,
            file_count=header.file_count,
            file_bytes=header.file_bytes,
            recipient=recipient.fingerprint,
        )
        data_key = random_bytes(crypto_secretstream_xchacha20poly1305_KEYBYTES)
        sealed_key = SealedBox(NaclPublicKey(recipient.raw)).encrypt(data_key)
        header_json = self.header.to_json()
        self._state = crypto_secretstream_xchacha20poly1305_state()
        stream_header = crypto_secretstream_xchacha20poly1305_init_push(self._state, data_key)
        self._prefix = (
            MAGIC + _U32.pack(len(header_json)) + header_json + sealed_key + stream_header
        )
        out.write(self._prefix)
        self.bytes_written = len(self._prefix)

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]  # RawIOBase types the buffer protocol more widely; bytes-likes are what tarfile writes
        if self.closed:
            raise ValueError("write to a closed archive")
        self._buffer += data
        while len(self._buffer) >= self._chunk_size:
            self._push(bytes(self._buffer[: self._chunk_size]), TAG_MESSAGE)
            del self._buffer[: self._chunk_size]
        return len(data)

    def _push(self, plaintext: bytes, tag: int) -> None:
        ciphertext = crypto_secretstream_xchacha20poly1305_push(
            self._state, plaintext, self._prefix, tag
        )
        self._out.write(_U32.pack(len(ciphertext)) + ciphertext)
        self.bytes_written += _U32.size + len(ciphertext)

    def close(self) -> None:
        if not self.closed:
            self._push(bytes(self._buffer), TAG_FINAL)
            self._buffer.clear()
            self._out.flush()
        super().close()


# --- Reading ---------------------------------------------------------------------------


def _read_exactly(source: BinaryIO, length: int) -> bytes:
    data = source.read(length)
    if data is None or len(data) != length:
        raise DamagedBackup("the backup is cut short")
    return data


def read_header(source: BinaryIO) -> tuple[BackupHeader, bytes]:
    """The archive's clear header and the prefix bytes that authenticate it."""
    magic = source.read(len(MAGIC))
    if magic != MAGIC:
        raise DamagedBackup("this file is not a SafePassage backup")
    (length,) = _U32.unpack(_read_exactly(source, _U32.size))
    if length > MAX_HEADER_LENGTH:
        raise DamagedBackup("the backup's header is damaged")
    header_json = _read_exactly(source, length)
    return BackupHeader.from_json(header_json), MAGIC + _U32.pack(length) + header_json


class ArchiveReader(io.RawIOBase):
    """A read-only stream of the decrypted payload.

    Every chunk is authenticated before its bytes are returned, but only the last one proves
    that nothing was cut off: a reader reaching the end without the FINAL tag raises
    :class:`DamagedBackup`, so callers must stage what they read and use it only once the
    stream has ended (``finished``).
    """

    def __init__(self, *, source: BinaryIO, identity: BackupPrivateKey) -> None:
        super().__init__()
        self._source = source
        self.header, prefix = read_header(source)
        if self.header.recipient != identity.public_key.fingerprint:
            msg = (
                "this backup was encrypted to another key "
                f"(fingerprint {self.header.recipient}; this key is "
                f"{identity.public_key.fingerprint})"
            )
            raise WrongBackupKey(msg)
        sealed_key = _read_exactly(source, SEALED_KEY_LENGTH)
        stream_header = _read_exactly(source, STREAM_HEADERBYTES)
        try:
            data_key = SealedBox(NaclPrivateKey(identity.raw)).decrypt(sealed_key)
        except NaclCryptoError:
            raise DamagedBackup(
                "the backup's key block does not open: changed or damaged"
            ) from None
        self._prefix = prefix + sealed_key + stream_header
        self._state = crypto_secretstream_xchacha20poly1305_state()
        try:
            crypto_secretstream_xchacha20poly1305_init_pull(self._state, stream_header, data_key)
        except (NaclCryptoError, ValueError):
            raise DamagedBackup("the backup's stream header is damaged") from None
        self._pending = b""
        self._offset = 0
        self.finished = False

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> None:
        if self.finished:
            return
        length_bytes = self._source.read(_U32.size)
        if not length_bytes or len(length_bytes) != _U32.size:
            raise DamagedBackup("the backup is cut short: its end is missing")
        (length,) = _U32.unpack(length_bytes)
        if length < STREAM_ABYTES or length > CHUNK_SIZE * 16 + STREAM_ABYTES:
            raise DamagedBackup("the backup is damaged: a chunk has an impossible length")
        ciphertext = _read_exactly(self._source, length)
        try:
            plaintext, tag = crypto_secretstream_xchacha20poly1305_pull(
                self._state, ciphertext, self._prefix
            )
        except (NaclCryptoError, ValueError):
            raise DamagedBackup(
                "the backup was changed or damaged: a part of it does not authenticate"
            ) from None
        if tag == TAG_FINAL:
            if self._source.read(1):
                raise DamagedBackup("the backup has extra data after its end")
            self.finished = True
        elif tag != TAG_MESSAGE:
            raise DamagedBackup("the backup is damaged: unexpected chunk tag")
        self._pending = self._pending[self._offset :] + plaintext
        self._offset = 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            parts = [self._take(len(self._pending) - self._offset)]
            while not self.finished:
                self._next_chunk()
                parts.append(self._take(len(self._pending) - self._offset))
            return b"".join(parts)
        while len(self._pending) - self._offset < size and not self.finished:
            self._next_chunk()
        return self._take(size)

    def _take(self, size: int) -> bytes:
        # An offset into the current chunk: slicing the rest off on every small read would
        # copy a megabyte per read of a few kilobytes.
        data = self._pending[self._offset : self._offset + size]
        self._offset += len(data)
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]  # RawIOBase accepts any writable buffer; we are given bytearray or memoryview
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def drain(self, sink: Callable[[bytes], object] | None = None) -> None:
        """Read to the end (verifying every chunk and the FINAL tag)."""
        while True:
            data = self.read(CHUNK_SIZE)
            if not data:
                break
            if sink is not None:
                sink(data)
