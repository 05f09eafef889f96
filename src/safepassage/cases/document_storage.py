"""Where encrypted documents live on disk, and the upload handler that encrypts them (SR-09).

:class:`EncryptingUploadHandler` replaces Django's memory and temporary-file handlers for
the document upload view: each received chunk is encrypted with a fresh per-file key
(``core.crypto.FileEncryptor``) and only ciphertext is written, to
``documents/incoming/<id>.part``; Django's own temporary upload files never see the bytes.
The first bytes are kept in memory to detect the type from the content (never from the name
or the browser's claim). The handler needs no group key: the action seals the file key under
the case's documents key and moves the file to ``documents/<id>.sp``.
"""

import contextlib
import os
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest

from safepassage.core.crypto import FieldContext, FileEncryptor, FileKey, generate_file_key

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
"""Largest accepted document (10 MiB): scans and photos of papers, not videos."""

SNIFF_LENGTH = 16
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
"""Accepted types, recognised by their first bytes: (signature, type, extension)."""


def sniff_type(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) from a file's first bytes, or ``None`` if not accepted."""
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def documents_directory() -> Path:
    return Path(settings.DATA_DIR) / "documents"


def document_path(document_id: uuid.UUID | str) -> Path:
    """The encrypted file of a stored document."""
    return documents_directory() / f"{uuid.UUID(str(document_id))}.sp"


def incoming_path(document_id: uuid.UUID | str) -> Path:
    """The encrypted file of an upload not yet stored as a document."""
    return documents_directory() / "incoming" / f"{uuid.UUID(str(document_id))}.part"


def document_context(document_id: uuid.UUID | str) -> FieldContext:
    """The storage context bound into a document's file envelope."""
    return FieldContext(model="cases.CaseDocument", field="file", row_id=str(document_id))


def remove_file(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


class EncryptedUpload(UploadedFile[bytes]):
    """What the handler hands the form: no file object, only the encrypted file's id and key.

    ``problem`` is ``"too_large"`` or ``"type"`` when the upload was refused (its partial
    ciphertext already removed); otherwise ``content_type`` is the detected type.
    """

    def __init__(
        self,
        *,
        document_id: uuid.UUID,
        file_key: FileKey,
        name: str,
        size: int,
        detected: tuple[str, str] | None,
        problem: str | None,
    ) -> None:
        super().__init__(
            file=None,
            name=name,
            content_type=detected[0] if detected else "application/octet-stream",
            size=size,
        )
        self.document_id = document_id
        self.file_key = file_key
        self.extension = detected[1] if detected else ""
        self.problem = problem

    def __repr__(self) -> str:
        return f"<EncryptedUpload {self.document_id}>"

    def discard(self) -> None:
        """Remove the encrypted file of an upload that was not stored."""
        remove_file(incoming_path(self.document_id))


class EncryptingUploadHandler(FileUploadHandler):
    """Encrypt every uploaded file chunk by chunk; write only ciphertext (SR-09)."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self._document_id = uuid.uuid4()
        self._file_key = generate_file_key()
        self._encryptor: FileEncryptor | None = None
        self._out: Any = None
        self._head = b""
        self._size = 0
        self._problem: str | None = None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._document_id = uuid.uuid4()
        self._file_key = generate_file_key()
        self._encryptor = FileEncryptor(
            key=self._file_key, context=document_context(self._document_id)
        )
        self._head, self._size, self._problem = b"", 0, None
        path = incoming_path(self._document_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._out = os.fdopen(descriptor, "wb")
        self._out.write(self._encryptor.start())

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self._problem is not None or self._encryptor is None:
            return
        self._size += len(raw_data)
        if self._size > MAX_DOCUMENT_BYTES:
            self._problem = "too_large"
            return
        if len(self._head) < SNIFF_LENGTH:
            self._head += raw_data[: SNIFF_LENGTH - len(self._head)]
        self._out.write(self._encryptor.update(raw_data))

    def file_complete(self, file_size: int) -> EncryptedUpload | None:
        if self._encryptor is None:
            return None
        detected = sniff_type(self._head)
        if self._problem is None and detected is None:
            self._problem = "type"
        if self._problem is None:
            self._out.write(self._encryptor.finish())
            self._out.flush()
            os.fsync(self._out.fileno())
        self._out.close()
        self._encryptor = None
        upload = EncryptedUpload(
            document_id=self._document_id,
            file_key=self._file_key,
            name=self.file_name or "document",
            size=self._size,
            detected=detected,
            problem=self._problem,
        )
        if self._problem is not None:
            upload.discard()
        return upload

    def upload_interrupted(self) -> None:
        if self._out is not None:
            self._out.close()
            remove_file(incoming_path(self._document_id))


def encrypt_bytes_as_upload(*, name: str, content: bytes) -> EncryptedUpload:
    """Encrypt a document held in memory as the upload handler would (demo data, imports)."""
    handler = EncryptingUploadHandler()
    handler.new_file("document", name, "application/octet-stream", len(content))
    for start in range(0, max(len(content), 1), handler.chunk_size):
        handler.receive_data_chunk(content[start : start + handler.chunk_size], start)
    upload = handler.file_complete(len(content))
    assert upload is not None  # new_file always prepares an encryptor
    return upload
