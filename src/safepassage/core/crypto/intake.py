"""Intake and messages sealed with public keys only (SR-05), and the applicant's key pair.

On arrival an intake submission is sealed with fresh per-group keys for a new case; each group
key is wrapped to the organisation's case-team public key and to its recovery public key. The
server needs no private key for any of this, and keeps none of the fresh keys once the request
ends. A case-team member later unwraps the team private key (wrapped to each member, see
:func:`wrap_team_key_for_member`) and re-wraps the group keys for the assigned caseworkers.

Messages (replies to the applicant, applicant follow-ups) are ``MESSAGE`` envelopes: a random
message key sealed to each recipient's public key, and the body under that key.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from nacl.bindings import sodium_pad, sodium_unpad
from nacl.exceptions import CryptoError as NaclCryptoError

from safepassage.core.crypto.codenames import CodenameSecrets
from safepassage.core.crypto.envelope import (
    HEADER_LENGTH,
    EnvelopeHeader,
    EnvelopeKind,
    Reader,
    encode_context,
    parse_header,
)
from safepassage.core.crypto.errors import DecryptionError
from safepassage.core.crypto.fields import FieldContext, seal_field
from safepassage.core.crypto.group_keys import (
    SensitiveGroup,
    WrappedGroupKey,
    generate_case_keys,
    wrap_group_keys,
)
from safepassage.core.crypto.keys import (
    FINGERPRINT_LENGTH,
    KEY_LENGTH,
    KeyPair,
    PrivateKey,
    PublicKey,
    aead_decrypt,
    aead_encrypt,
    generate_key_pair,
    open_sealed_key,
    random_key,
    seal_key_to,
)
from safepassage.core.crypto.user_keys import (
    unwrap_private_key_with_secret,
    wrap_private_key_with_secret,
)

MESSAGE_PADDING_BLOCK = 256
MAX_MESSAGE_RECIPIENTS = 255
_SLOT_ENVELOPE_LENGTH = HEADER_LENGTH + 48 + 32 + KEY_LENGTH
_APPLICANT_PURPOSE = ("applicant-key",)


@dataclass(frozen=True, kw_only=True)
class IntakeValue:
    """One sensitive value submitted at intake, with its group and where it will be stored."""

    group: SensitiveGroup
    context: FieldContext
    plaintext: bytes = field(repr=False)


@dataclass(frozen=True, kw_only=True)
class SealedIntake:
    """The result of :func:`seal_intake`: field envelopes and wrapped keys, nothing secret."""

    case_id: str
    sealed_fields: Mapping[FieldContext, bytes]
    wrapped_keys: tuple[WrappedGroupKey, ...]


def seal_intake(
    *,
    case_id: str,
    values: Iterable[IntakeValue],
    team_public_key: PublicKey,
    recovery_public_key: PublicKey,
) -> SealedIntake:
    """Seal an intake submission for a new case with public keys only.

    Generates version-1 keys for all seven groups (so staff can add values to any group later),
    seals each value with its group's key, and wraps every group key to the case team and to
    the organisation recovery key.
    """
    keys = generate_case_keys(case_id=case_id)
    sealed: dict[FieldContext, bytes] = {}
    for value in values:
        if value.context in sealed:
            msg = "each field may be given once"
            raise ValueError(msg)
        sealed[value.context] = seal_field(
            key=keys[value.group], context=value.context, plaintext=value.plaintext
        )
    wrapped = wrap_group_keys(
        keys=keys.values(), recipients=[team_public_key], recovery_public_key=recovery_public_key
    )
    return SealedIntake(case_id=case_id, sealed_fields=sealed, wrapped_keys=wrapped)


def _team_purpose(team_id: str) -> tuple[str, ...]:
    return ("team-key", team_id)


def wrap_team_key_for_member(
    *, team_key_pair: KeyPair, team_id: str, member: PublicKey, key_version: int = 1
) -> bytes:
    """Wrap the case team's private key to one team member's public key."""
    return seal_key_to(
        secret=team_key_pair.private_key.raw,
        recipient=member,
        purpose=_team_purpose(team_id),
        key_version=key_version,
    )


def unwrap_team_key(
    *, envelope: bytes, member_private_key: PrivateKey, team_id: str, team_public_key: PublicKey
) -> KeyPair:
    """Open the team key with a member's private key and check it is the expected team key."""
    secret, _version = open_sealed_key(
        envelope=envelope, private_key=member_private_key, purpose=_team_purpose(team_id)
    )
    private_key = PrivateKey(raw=secret)
    if private_key.public_key() != team_public_key:
        raise DecryptionError
    return KeyPair(public_key=team_public_key, private_key=private_key)


@dataclass(frozen=True, kw_only=True)
class ApplicantKeys:
    """An applicant's public key and private key wrapped under their codename key."""

    public_key: PublicKey
    private_key_envelope: bytes


def create_applicant_keys(*, codename_secrets: CodenameSecrets) -> ApplicantKeys:
    """A new applicant key pair whose private key only the codename can unwrap (SR-05)."""
    key_pair = generate_key_pair()
    return ApplicantKeys(
        public_key=key_pair.public_key,
        private_key_envelope=wrap_private_key_with_secret(
            key_pair=key_pair, secret=codename_secrets.key, purpose=_APPLICANT_PURPOSE
        ),
    )


def unwrap_applicant_key_pair(*, envelope: bytes, codename_secrets: CodenameSecrets) -> KeyPair:
    """Open the applicant's private key with the secrets derived from their codename."""
    return unwrap_private_key_with_secret(
        envelope=envelope, secret=codename_secrets.key, purpose=_APPLICANT_PURPOSE
    )


def _slot_purpose(context: FieldContext) -> tuple[str, ...]:
    return ("message-key", context.model, context.field, context.row_id)


def seal_message(
    *, recipients: Sequence[PublicKey], context: FieldContext, plaintext: bytes
) -> bytes:
    """Seal ``plaintext`` so that each recipient's private key alone can open it.

    Layout after the header: ``u8 count``, then per recipient ``fingerprint(8) || KEY_WRAP
    envelope``, then ``nonce || ciphertext``; the associated data is everything before the
    nonce plus the context, so recipients cannot be swapped and the message cannot be moved.
    """
    unique = list(dict.fromkeys(recipients))
    if not 1 <= len(unique) <= MAX_MESSAGE_RECIPIENTS:
        msg = "a message needs between 1 and 255 recipients"
        raise ValueError(msg)
    message_key = random_key()
    prefix = bytearray(EnvelopeHeader.for_kind(kind=EnvelopeKind.MESSAGE, key_version=1).to_bytes())
    prefix += struct.pack(">B", len(unique))
    for recipient in unique:
        prefix += recipient.fingerprint
        prefix += seal_key_to(
            secret=message_key, recipient=recipient, purpose=_slot_purpose(context), key_version=1
        )
    return bytes(prefix) + aead_encrypt(
        key=message_key,
        plaintext=sodium_pad(plaintext, MESSAGE_PADDING_BLOCK),
        associated_data=bytes(prefix) + encode_context("message", *_slot_purpose(context)),
    )


def _read_slots(envelope: bytes) -> tuple[dict[bytes, bytes], Reader]:
    parse_header(envelope, expected_kind=EnvelopeKind.MESSAGE)
    reader = Reader(envelope, offset=HEADER_LENGTH)
    count = reader.take_u8()
    slots: dict[bytes, bytes] = {}
    for _ in range(count):
        fingerprint = reader.take(FINGERPRINT_LENGTH)
        slots[fingerprint] = reader.take(_SLOT_ENVELOPE_LENGTH)
    return slots, reader


def message_recipient_fingerprints(envelope: bytes) -> tuple[bytes, ...]:
    """The fingerprints of the public keys a message was sealed to (public information)."""
    return tuple(_read_slots(envelope)[0])


def open_message(*, envelope: bytes, private_key: PrivateKey, context: FieldContext) -> bytes:
    """Open a MESSAGE envelope with one recipient's private key; anything wrong fails alike."""
    slots, reader = _read_slots(envelope)
    slot = slots.get(private_key.public_key().fingerprint)
    if slot is None:
        raise DecryptionError
    message_key, _version = open_sealed_key(
        envelope=slot, private_key=private_key, purpose=_slot_purpose(context)
    )
    prefix = envelope[: reader.offset]
    padded = aead_decrypt(
        key=message_key,
        sealed=reader.rest(),
        associated_data=prefix + encode_context("message", *_slot_purpose(context)),
    )
    try:
        return sodium_unpad(padded, MESSAGE_PADDING_BLOCK)
    except (NaclCryptoError, ValueError):
        raise DecryptionError from None
