"""Where encrypted documents live on disk, and the upload handler that encrypts them (SR-09).

:class:`EncryptingUploadHandler` replaces Django's memory and temporary-file handlers for
the document upload view: each received chunk is encrypted with a fresh per-file key
(``core.crypto.FileEncryptor``) and only ciphertext is written, to
``documents/incoming/<id>.part``; Django's own temporary upload files never see the bytes.
The first bytes are kept in memory to detect the type from the content (never from the name
or the browser's claim); images are re-encoded in memory from their pixels first, so no
metadata (EXIF position, camera, author) is stored. The handler needs no group key: the
action seals the file key under the case's documents key and moves the file to
``documents/<id>.sp``.
"""

import contextlib
import io
import os
import uuid
import warnings
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from PIL import Image, ImageOps

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

    ``problem`` is ``"too_large"``, ``"type"`` or ``"image"`` when the upload was refused
    (its partial ciphertext already removed); otherwise ``content_type`` is the detected type.
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


MAX_IMAGE_PIXELS = 40_000_000
"""Largest image accepted, in pixels (a 40-megapixel photo); beyond, decoding is refused."""


def reencode_image(*, data: bytes, content_type: str) -> bytes | None:
    """The image decoded and saved again from its pixels only, upright (SR-09).

    Nothing but pixels survives: EXIF (camera, GPS position, time), XMP, ICC profiles, text
    chunks and comments are dropped, and anything hidden after the image data goes too.
    ``None`` if the bytes are not a readable image of the detected type or too large.
    """
    fmt = "PNG" if content_type == "image/png" else "JPEG"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    return None
                upright = ImageOps.exif_transpose(image)
                modes = ("RGB", "L") if fmt == "JPEG" else ("RGB", "RGBA", "L", "LA")
                if upright.mode not in modes:
                    upright = upright.convert("RGBA" if fmt == "PNG" else "RGB")
                pixels_only = Image.frombytes(upright.mode, upright.size, upright.tobytes())
        out = io.BytesIO()
        if fmt == "JPEG":
            pixels_only.save(out, format=fmt, quality=90)
        else:
            pixels_only.save(out, format=fmt)
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        return None
    return out.getvalue()


class EncryptingUploadHandler(FileUploadHandler):
    """Encrypt the uploaded document as it arrives; write only ciphertext (SR-09).

    Takes the first file of the ``document`` field only (others are skipped unread). A PDF is
    encrypted chunk by chunk; an image is held in memory (at most ``MAX_DOCUMENT_BYTES``),
    re-encoded from its pixels (:func:`reencode_image`) and then encrypted. Plaintext never
    reaches a file.
    """

    FIELD_NAME = "document"

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self._document_id = uuid.uuid4()
        self._file_key = generate_file_key()
        self._encryptor: FileEncryptor | None = None
        self._out: Any = None
        self._head = b""
        self._pending = bytearray()
        self._image: bytearray | None = None
        self._streaming = False
        self._size = 0
        self._problem: str | None = None
        self._accepted = False

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        if self._accepted or field_name != self.FIELD_NAME:
            raise SkipFile
        super().new_file(field_name, *args, **kwargs)
        self._accepted = True
        self._document_id = uuid.uuid4()
        self._file_key = generate_file_key()
        self._encryptor = FileEncryptor(
            key=self._file_key, context=document_context(self._document_id)
        )
        path = incoming_path(self._document_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._out = os.fdopen(descriptor, "wb")
        self._out.write(self._encryptor.start())

    def _route(self, data: bytes) -> None:
        """Send plaintext to the image buffer or the stream, once the type is known."""
        if self._image is not None:
            self._image += data
        elif self._streaming and self._encryptor is not None:
            self._out.write(self._encryptor.update(data))
        else:
            self._pending += data
            detected = sniff_type(self._head) if len(self._head) >= SNIFF_LENGTH else None
            if len(self._head) < SNIFF_LENGTH:
                return
            pending, self._pending = bytes(self._pending), bytearray()
            if detected is not None and detected[0].startswith("image/"):
                self._image = bytearray(pending)
            else:
                self._streaming = True
                self._route(pending)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self._problem is not None or self._encryptor is None:
            return
        self._size += len(raw_data)
        if self._size > MAX_DOCUMENT_BYTES:
            self._problem = "too_large"
            self._image, self._pending = None, bytearray()
            return
        if len(self._head) < SNIFF_LENGTH:
            self._head += raw_data[: SNIFF_LENGTH - len(self._head)]
        self._route(raw_data)

    def _finish_encryption(self, detected: tuple[str, str] | None) -> None:
        assert self._encryptor is not None  # only called while a file is open
        if detected is None:
            self._problem = "type"
            return
        if self._image is not None or detected[0].startswith("image/"):
            cleaned = reencode_image(
                data=bytes(self._image or self._pending), content_type=detected[0]
            )
            self._image, self._pending = None, bytearray()
            if cleaned is None:
                self._problem = "image"
                return
            self._size = len(cleaned)
            self._out.write(self._encryptor.update(cleaned))
        else:
            self._out.write(self._encryptor.update(bytes(self._pending)))
            self._pending = bytearray()
        self._out.write(self._encryptor.finish())
        self._out.flush()
        os.fsync(self._out.fileno())

    def file_complete(self, file_size: int) -> EncryptedUpload | None:
        if self._encryptor is None:
            return None
        detected = sniff_type(self._head)
        if self._problem is None:
            self._finish_encryption(detected)
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
        # Django also calls this when the last file part was skipped; a completed document
        # (encryptor already finished) is kept for the view to store or discard.
        if self._encryptor is not None and self._out is not None:
            self._out.close()
            self._encryptor = None
            remove_file(incoming_path(self._document_id))
        self._image, self._pending = None, bytearray()


def encrypt_bytes_as_upload(*, name: str, content: bytes) -> EncryptedUpload:
    """Encrypt a document held in memory as the upload handler would (demo data, imports)."""
    handler = EncryptingUploadHandler()
    handler.new_file("document", name, "application/octet-stream", len(content))
    for start in range(0, max(len(content), 1), handler.chunk_size):
        handler.receive_data_chunk(content[start : start + handler.chunk_size], start)
    upload = handler.file_complete(len(content))
    assert upload is not None  # new_file always prepares an encryptor
    return upload
