"""The organisation recovery key (SR-07): generated offline, optionally split M-of-N.

:func:`generate_organisation_recovery_key` runs on an offline machine at organisation set-up
(the ``safepassage`` CLI calls it). The operator prints the private part once
(:func:`write_recovery_sheet` is the one function in this package that deliberately outputs a
secret) or splits it among trustees (:func:`split_organisation_recovery_key`); only the public
key, in its printed form, is typed into the server. Every group key is also wrapped to that
public key, so the offline holders can restore access when a user loses both password and
personal recovery key, or when an organisation loses all its staff keys.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

from safepassage.core.crypto.errors import KeyFormatError, RecoveryShareError
from safepassage.core.crypto.keys import KEY_LENGTH, PrivateKey, PublicKey, generate_key_pair
from safepassage.core.crypto.printed_keys import decode_printed_key, encode_printed_key
from safepassage.core.crypto.shamir import combine_shares, split_secret

RECOVERY_PRIVATE_PREFIX = "SPO"
RECOVERY_PUBLIC_PREFIX = "SPOPUB"
RECOVERY_SHARE_PREFIX = "SPS"
_KEY_ID_LENGTH = 4
_SHARE_PAYLOAD_LENGTH = 2 + _KEY_ID_LENGTH + KEY_LENGTH


@dataclass(frozen=True, kw_only=True)
class OrganisationRecoveryKey:
    """A new organisation recovery key: public key for the server, private part for paper."""

    public_key: PublicKey
    private_key_text: str = field(repr=False)


def generate_organisation_recovery_key() -> OrganisationRecoveryKey:
    """Generate the recovery key pair; run offline. The server must only ever see the public key."""
    key_pair = generate_key_pair()
    return OrganisationRecoveryKey(
        public_key=key_pair.public_key,
        private_key_text=encode_printed_key(
            prefix=RECOVERY_PRIVATE_PREFIX, payload=key_pair.private_key.raw
        ),
    )


def public_key_to_text(public_key: PublicKey) -> str:
    """Printed form of a recovery public key (with checksum), to type into the server."""
    return encode_printed_key(prefix=RECOVERY_PUBLIC_PREFIX, payload=public_key.raw)


def public_key_from_text(text: str) -> PublicKey:
    """Read a recovery public key typed from paper; a typo raises KeyFormatError."""
    return PublicKey(
        raw=decode_printed_key(prefix=RECOVERY_PUBLIC_PREFIX, text=text, payload_length=KEY_LENGTH)
    )


def parse_organisation_recovery_key(*, text: str, expected_public_key: PublicKey) -> PrivateKey:
    """Read the private recovery key typed from paper and check it matches the public key."""
    private_key = PrivateKey(
        raw=decode_printed_key(prefix=RECOVERY_PRIVATE_PREFIX, text=text, payload_length=KEY_LENGTH)
    )
    if private_key.public_key() != expected_public_key:
        msg = "this is not the recovery key of this organisation"
        raise KeyFormatError(msg)
    return private_key


def write_recovery_sheet(
    *, recovery_key: OrganisationRecoveryKey, organisation_name: str, stream: TextIO
) -> None:
    """Write the recovery sheet (public and PRIVATE key) to ``stream`` for printing, once.

    The one deliberate output of a secret in this package. Call it only on the offline
    machine, with ``stream`` a terminal or printer, never a log.
    """
    stream.write(
        "SafePassage organisation recovery key\n"
        f"Organisation: {organisation_name}\n\n"
        "Public key (type this into the server):\n"
        f"  {public_key_to_text(recovery_key.public_key)}\n\n"
        "PRIVATE recovery key (keep offline; anyone holding it can read every case):\n"
        f"  {recovery_key.private_key_text}\n"
    )


def _key_id(public_key: PublicKey) -> bytes:
    return public_key.fingerprint[:_KEY_ID_LENGTH]


def split_organisation_recovery_key(
    *, private_key_text: str, public_key: PublicKey, threshold: int, share_count: int
) -> tuple[str, ...]:
    """Split the recovery key into printed trustee shares; any ``threshold`` of them rebuild it.

    Each share records the threshold, its index and a four-byte id of the public key, so shares
    of different keys are not mixed by accident.
    """
    private_key = parse_organisation_recovery_key(
        text=private_key_text, expected_public_key=public_key
    )
    shares = split_secret(secret=private_key.raw, threshold=threshold, share_count=share_count)
    return tuple(
        encode_printed_key(
            prefix=RECOVERY_SHARE_PREFIX,
            payload=bytes([threshold, index]) + _key_id(public_key) + data,
        )
        for index, data in shares
    )


def combine_recovery_shares(*, shares: Iterable[str], expected_public_key: PublicKey) -> PrivateKey:
    """Rebuild the recovery private key from trustees' shares and check it against the public key.

    Raises KeyFormatError for a mistyped share and RecoveryShareError for too few, duplicated,
    mixed or corrupted shares.
    """
    parsed: dict[int, bytes] = {}
    thresholds: set[int] = set()
    for text in shares:
        payload = decode_printed_key(
            prefix=RECOVERY_SHARE_PREFIX, text=text, payload_length=_SHARE_PAYLOAD_LENGTH
        )
        threshold, index = payload[0], payload[1]
        if payload[2 : 2 + _KEY_ID_LENGTH] != _key_id(expected_public_key):
            msg = "a share belongs to another recovery key"
            raise RecoveryShareError(msg)
        if index in parsed:
            msg = "the same share was given twice"
            raise RecoveryShareError(msg)
        thresholds.add(threshold)
        parsed[index] = payload[2 + _KEY_ID_LENGTH :]
    if len(thresholds) != 1:
        msg = "no shares, or shares from different splits"
        raise RecoveryShareError(msg)
    (threshold,) = thresholds
    if len(parsed) < threshold:
        msg = f"{threshold} shares are needed"
        raise RecoveryShareError(msg)
    try:
        raw = combine_shares(sorted(parsed.items())[:threshold])
    except ValueError:
        msg = "the shares do not combine"
        raise RecoveryShareError(msg) from None
    private_key = PrivateKey(raw=raw)
    if private_key.public_key() != expected_public_key:
        msg = "the shares do not rebuild this organisation's recovery key"
        raise RecoveryShareError(msg)
    return private_key
