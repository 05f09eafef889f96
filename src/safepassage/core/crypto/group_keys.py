"""Per-case group keys and their wrapped copies (SR-04, SR-12).

Each case has one random 256-bit key per sensitive group (identity, contact, location,
narrative, documents, travel-passenger, donor). A group key exists at rest only as
``KEY_WRAP`` envelopes: one sealed to each authorised user's public key and one to the
organisation recovery public key (and, for intake, one to the case team's public key). Each
wrapped copy is bound to case id, group and key version, so it cannot be moved to another case
or group. Removing a user from a case means deleting their wrapped copies; shredding a case
means deleting every wrapped copy (and the ciphertext).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from safepassage.core.crypto.envelope import MAX_KEY_VERSION, parse_header
from safepassage.core.crypto.errors import DecryptionError
from safepassage.core.crypto.keys import (
    KEY_LENGTH,
    PrivateKey,
    PublicKey,
    open_sealed_key,
    random_key,
    seal_key_to,
)


class SensitiveGroup(enum.StrEnum):
    """The sensitive field groups of SR-01; each has its own key per case."""

    IDENTITY = "identity"
    CONTACT = "contact"
    LOCATION = "location"
    NARRATIVE = "narrative"
    DOCUMENTS = "documents"
    TRAVEL_PASSENGER = "travel-passenger"
    DONOR = "donor"


@dataclass(frozen=True, kw_only=True)
class GroupKey:
    """One group's data key for one case, at one version. The secret has no repr."""

    case_id: str
    group: SensitiveGroup
    version: int
    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.secret) != KEY_LENGTH:
            msg = "a group key is 32 bytes"
            raise ValueError(msg)
        if not 1 <= self.version <= MAX_KEY_VERSION:
            msg = "key version out of range"
            raise ValueError(msg)
        if not self.case_id:
            msg = "case id must not be empty"
            raise ValueError(msg)


def generate_group_key(*, case_id: str, group: SensitiveGroup, version: int = 1) -> GroupKey:
    """A fresh random key for one group of one case."""
    return GroupKey(case_id=case_id, group=group, version=version, secret=random_key())


def generate_case_keys(
    *, case_id: str, groups: Iterable[SensitiveGroup] = tuple(SensitiveGroup)
) -> Mapping[SensitiveGroup, GroupKey]:
    """Fresh version-1 keys for the given groups (default: all seven) of a new case."""
    return {group: generate_group_key(case_id=case_id, group=group) for group in groups}


def rotate_group_key(*, key: GroupKey) -> GroupKey:
    """A new random key for the same case and group with the next version (SR-11).

    After rotating, re-seal the group's fields (``reseal_field``), wrap the new key for
    everyone still authorised, and delete the old wrapped copies.
    """
    return generate_group_key(case_id=key.case_id, group=key.group, version=key.version + 1)


def _purpose(*, case_id: str, group: SensitiveGroup) -> tuple[str, ...]:
    return ("group-key", case_id, group.value)


def wrap_group_key(*, key: GroupKey, recipient: PublicKey) -> bytes:
    """Seal ``key`` to ``recipient`` (a user, the case team or the recovery public key).

    Needs no private key. Store the result with the recipient's fingerprint
    (``recipient.fingerprint``), case, group and version so it can be found and deleted.
    """
    return seal_key_to(
        secret=key.secret,
        recipient=recipient,
        purpose=_purpose(case_id=key.case_id, group=key.group),
        key_version=key.version,
    )


@dataclass(frozen=True, kw_only=True)
class WrappedGroupKey:
    """One wrapped copy of a group key, ready to be stored as a row.

    Store all four fields: ``recipient_fingerprint`` finds a user's copies (to open them, or
    delete them when the user leaves the case), ``group`` and ``version`` pick the key.
    """

    group: SensitiveGroup
    version: int
    recipient_fingerprint: bytes
    envelope: bytes


def wrap_group_keys(
    *,
    keys: Iterable[GroupKey],
    recipients: Iterable[PublicKey],
    recovery_public_key: PublicKey,
) -> tuple[WrappedGroupKey, ...]:
    """Wrap each key for each recipient and, always, for the organisation recovery key.

    The recovery copy is not optional: a key wrapped only to users is lost when they leave.
    """
    everyone = list(dict.fromkeys([*recipients, recovery_public_key]))
    return tuple(
        WrappedGroupKey(
            group=key.group,
            version=key.version,
            recipient_fingerprint=recipient.fingerprint,
            envelope=wrap_group_key(key=key, recipient=recipient),
        )
        for key in keys
        for recipient in everyone
    )


def unwrap_group_key(
    *, envelope: bytes, private_key: PrivateKey, case_id: str, group: SensitiveGroup
) -> GroupKey:
    """Open a wrapped group key with the holder's private key.

    ``case_id`` and ``group`` come from the row the envelope was stored in; if the envelope was
    made for another case or group, or for someone else, this raises :class:`DecryptionError`.
    """
    secret, version = open_sealed_key(
        envelope=envelope, private_key=private_key, purpose=_purpose(case_id=case_id, group=group)
    )
    if version < 1:
        raise DecryptionError
    return GroupKey(case_id=case_id, group=group, version=version, secret=secret)


def rewrap_group_key(
    *,
    envelope: bytes,
    private_key: PrivateKey,
    case_id: str,
    group: SensitiveGroup,
    recipient: PublicKey,
) -> bytes:
    """Open a wrapped group key and wrap it for ``recipient`` (granting access to a case).

    Used by a caseworker assigning a colleague, by a case team member taking an intake, and by
    an organisation recovery holder re-granting a user who lost both password and personal
    recovery key (the user gets a new key pair; this re-wraps from the recovery copy).
    """
    key = unwrap_group_key(envelope=envelope, private_key=private_key, case_id=case_id, group=group)
    return wrap_group_key(key=key, recipient=recipient)


def wrapped_key_version(envelope: bytes) -> int:
    """The key version recorded in a wrapped key's header (public, needs no secret)."""
    return parse_header(envelope).key_version
