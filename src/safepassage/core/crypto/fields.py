"""Sealing field values with a group key, bound to where they are stored (SR-04).

A ``FIELD`` envelope is ``header || nonce(24) || XChaCha20-Poly1305 ciphertext``. The
associated data is the header (kind, algorithm, key version) followed by case id, group, model,
field and row id, so a ciphertext copied to another row, field, model, case or group fails to
open. Plaintext is padded (ISO/IEC 7816-4, libsodium ``sodium_pad``) to a multiple of 32 bytes
so lengths leak only coarsely.
"""

from __future__ import annotations

from dataclasses import dataclass

from nacl.bindings import sodium_pad, sodium_unpad
from nacl.exceptions import CryptoError as NaclCryptoError

from safepassage.core.crypto.envelope import (
    HEADER_LENGTH,
    EnvelopeHeader,
    EnvelopeKind,
    encode_context,
    parse_header,
)
from safepassage.core.crypto.errors import DecryptionError
from safepassage.core.crypto.group_keys import GroupKey
from safepassage.core.crypto.keys import aead_decrypt, aead_encrypt

FIELD_PADDING_BLOCK = 32


@dataclass(frozen=True, kw_only=True)
class FieldContext:
    """Where a sealed value lives: model label, field name and the row's (random) id.

    The row id must exist before sealing: the Django layer assigns UUID primary keys in Python.
    """

    model: str
    field: str
    row_id: str

    def __post_init__(self) -> None:
        if not (self.model and self.field and self.row_id):
            msg = "model, field and row id must all be given"
            raise ValueError(msg)


def _associated_data(*, header: bytes, key: GroupKey, context: FieldContext) -> bytes:
    return header + encode_context(
        "field", key.case_id, key.group.value, context.model, context.field, context.row_id
    )


def seal_field(*, key: GroupKey, context: FieldContext, plaintext: bytes) -> bytes:
    """Seal one field value; returns FIELD envelope bytes."""
    header = EnvelopeHeader.for_kind(kind=EnvelopeKind.FIELD, key_version=key.version).to_bytes()
    return header + aead_encrypt(
        key=key.secret,
        plaintext=sodium_pad(plaintext, FIELD_PADDING_BLOCK),
        associated_data=_associated_data(header=header, key=key, context=context),
    )


def open_field(*, key: GroupKey, context: FieldContext, envelope: bytes) -> bytes:
    """Open a FIELD envelope; wrong key, key version, row, field or a changed byte all fail.

    Raises :class:`DecryptionError` and never returns partial plaintext.
    """
    header = parse_header(envelope, expected_kind=EnvelopeKind.FIELD)
    if header.key_version != key.version:
        raise DecryptionError
    padded = aead_decrypt(
        key=key.secret,
        sealed=envelope[HEADER_LENGTH:],
        associated_data=_associated_data(header=envelope[:HEADER_LENGTH], key=key, context=context),
    )
    try:
        return sodium_unpad(padded, FIELD_PADDING_BLOCK)
    except (NaclCryptoError, ValueError):
        raise DecryptionError from None


def seal_text(*, key: GroupKey, context: FieldContext, text: str) -> bytes:
    """:func:`seal_field` for a ``str`` (UTF-8)."""
    return seal_field(key=key, context=context, plaintext=text.encode("utf-8"))


def open_text(*, key: GroupKey, context: FieldContext, envelope: bytes) -> str:
    """:func:`open_field` for a value sealed with :func:`seal_text`."""
    plaintext = open_field(key=key, context=context, envelope=envelope)
    try:
        return plaintext.decode("utf-8")
    except UnicodeDecodeError:
        raise DecryptionError from None


def field_key_version(envelope: bytes) -> int:
    """Which group key version sealed this field (public header; pick the key with it)."""
    return parse_header(envelope, expected_kind=EnvelopeKind.FIELD).key_version


def reseal_field(
    *, old_key: GroupKey, new_key: GroupKey, context: FieldContext, envelope: bytes
) -> bytes:
    """Open under ``old_key`` and seal under ``new_key`` (key rotation, SR-11)."""
    if (old_key.case_id, old_key.group) != (new_key.case_id, new_key.group):
        msg = "rotation keeps case and group"
        raise ValueError(msg)
    return seal_field(
        key=new_key,
        context=context,
        plaintext=open_field(key=old_key, context=context, envelope=envelope),
    )
