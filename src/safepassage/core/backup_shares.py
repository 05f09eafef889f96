"""Trustee shares of the backup private key (SR-36): any K of N rebuild it, K-1 say nothing.

The 32-byte private key a backup is encrypted to (``SPBACKUP-KEY-…``) is split with Shamir
secret sharing over GF(2^8) (:mod:`safepassage.core.crypto.shamir`, the same arithmetic as
the organisation recovery key's shares). Each share is one line to print or write down::

    SPBS-<key fingerprint>-<threshold>-<share number>-XXXXC-XXXXC-… (14 groups)

The fingerprint (16 hex digits) is the one ``backup-key show`` prints and every backup's
header names, so a trustee can tell which key a share belongs to without any tool. The 14
groups are the base32 share bytes followed by a three-byte checksum over everything the
share says (its fingerprint, threshold, number and bytes); each group's fifth character
checks its four others and the group's position (Luhn mod 36), so a mistyped character is
named by its group, and one in the fingerprint, threshold or number is caught by the
checksum. Reading ignores case and takes spaces for dashes.

A share holds no more than its number's point on a random polynomial: fewer than the
threshold of them are consistent with every possible key. Combining checks the result
against the fingerprint, so shares of two splits of the same key, or a share altered with a
recomputed checksum, never yield a wrong key silently.

Framework-free; ``safepassage backup-key split|combine`` is the command-line side.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from safepassage.core.backup_archive import BackupError, BackupPrivateKey
from safepassage.core.crypto.shamir import MAX_SHARES, combine_shares, split_secret

SHARE_PREFIX = "SPBS"
KEY_LENGTH = 32
FINGERPRINT_LENGTH = 16  # hex digits
_CHECKSUM_LENGTH = 3
_GROUP = 4  # base32 characters per group, before its check character
_BODY_LENGTH = (KEY_LENGTH + _CHECKSUM_LENGTH) * 8 // 5  # 56 base32 characters
GROUP_COUNT = _BODY_LENGTH // _GROUP  # 14
_LUHN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
MAX_SUBSETS = 10_000  # sets of shares tried when more than the threshold are given


class BackupShareError(BackupError):
    """A share that is mistyped, of another key, or a set of shares that cannot rebuild it."""

    code = "backup_share_invalid"


@dataclass(frozen=True, kw_only=True)
class BackupKeyShare:
    """One trustee's share: its point on the polynomial, and what it belongs to."""

    fingerprint: str  # of the key's public half, 16 lower-case hex digits
    threshold: int
    number: int
    data: bytes

    def text(self) -> str:
        """The share as one printable line (see the module's docstring)."""
        body = base64.b32encode(self.data + _checksum(self)).decode("ascii")
        groups = [body[start : start + _GROUP] for start in range(0, len(body), _GROUP)]
        checked = [
            group + _check_character(group, position=index + 1)
            for index, group in enumerate(groups)
        ]
        return "-".join(
            [SHARE_PREFIX, self.fingerprint, str(self.threshold), str(self.number), *checked]
        )


def _checksum(share: BackupKeyShare) -> bytes:
    described = (
        f"{SHARE_PREFIX}|{share.fingerprint}|{share.threshold}|{share.number}|".encode("ascii")
        + share.data
    )
    return hashlib.blake2b(
        described, digest_size=_CHECKSUM_LENGTH, person=b"sp-backup-share"
    ).digest()


def _check_character(group: str, *, position: int) -> str:
    """Luhn mod 36 over the group's position and characters: any one changed character,
    and most swaps of two neighbours, change it."""
    base = len(_LUHN_ALPHABET)
    values = [position % base, *(_LUHN_ALPHABET.index(character) for character in group)]
    total = 0
    factor = 2
    for value in reversed(values):
        addend = factor * value
        total += addend // base + addend % base
        factor = 3 - factor
    return _LUHN_ALPHABET[(base - total % base) % base]


def split_backup_key(
    *, key: BackupPrivateKey, share_count: int, threshold: int
) -> tuple[BackupKeyShare, ...]:
    """Split ``key`` into ``share_count`` shares, any ``threshold`` of which rebuild it."""
    if not 2 <= threshold <= share_count <= MAX_SHARES:
        msg = (
            f"need 2 <= threshold <= shares <= {MAX_SHARES} (got {threshold} of {share_count}); "
            "a threshold of one would hand out copies of the key, not shares"
        )
        raise BackupShareError(msg)
    fingerprint = key.public_key.fingerprint
    return tuple(
        BackupKeyShare(fingerprint=fingerprint, threshold=threshold, number=number, data=data)
        for number, data in split_secret(
            secret=key.raw, threshold=threshold, share_count=share_count
        )
    )


def _number(text: str, *, what: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_SHARES:
        msg = f"the share's {what} ({text!r}) is not a number from 1 to {MAX_SHARES}: mistyped?"
        raise BackupShareError(msg)
    return int(text)


def parse_backup_share(text: str) -> BackupKeyShare:
    """Read one share as typed or printed; a mistyped character raises
    :class:`BackupShareError` naming its group where it can."""
    parts = [part for part in "-".join(text.split()).upper().split("-") if part]
    if not parts or parts[0] != SHARE_PREFIX:
        msg = f"not a backup key share: a share starts with {SHARE_PREFIX}-"
        raise BackupShareError(msg)
    if len(parts) != 4 + GROUP_COUNT:
        msg = (
            f"a share has a fingerprint, a threshold, a number and {GROUP_COUNT} groups of 5 "
            f"characters; this one has {len(parts) - 1} parts: a group missing or split?"
        )
        raise BackupShareError(msg)
    fingerprint = parts[1].lower()
    if len(fingerprint) != FINGERPRINT_LENGTH or any(
        c not in "0123456789abcdef" for c in fingerprint
    ):
        msg = f"the share's fingerprint ({parts[1]}) is not {FINGERPRINT_LENGTH} hex digits"
        raise BackupShareError(msg)
    threshold = _number(parts[2], what="threshold")
    number = _number(parts[3], what="number")
    groups = parts[4:]
    wrong = [
        f"{index} ({group})"
        for index, group in enumerate(groups, start=1)
        if len(group) != _GROUP + 1
        or any(character not in _BASE32_ALPHABET for character in group[:_GROUP])
        or group[_GROUP] != _check_character(group[:_GROUP], position=index)
    ]
    if wrong:
        msg = (
            f"character group {', '.join(wrong)} of share {number} is mistyped (counting the "
            "groups after the share number from 1)"
        )
        raise BackupShareError(msg)
    try:
        raw = base64.b32decode("".join(group[:_GROUP] for group in groups))
    except (binascii.Error, ValueError):  # pragma: no cover - every group was checked above
        msg = f"share {number} cannot be decoded"
        raise BackupShareError(msg) from None
    share = BackupKeyShare(
        fingerprint=fingerprint, threshold=threshold, number=number, data=raw[:KEY_LENGTH]
    )
    if not hmac.compare_digest(raw[KEY_LENGTH:], _checksum(share)):
        msg = (
            f"share {number} does not match its checksum: its fingerprint, threshold or number "
            "(the parts before the groups) is mistyped, or two groups were swapped"
        )
        raise BackupShareError(msg)
    return share


def combine_backup_shares(shares: Iterable[BackupKeyShare]) -> BackupPrivateKey:
    """Rebuild the backup private key from at least ``threshold`` shares of one split.

    Refuses shares of different keys or thresholds, a share given twice, too few shares,
    and any result whose public half does not have the shares' fingerprint.
    """
    given = list(shares)
    if not given:
        raise BackupShareError("no shares given")
    fingerprints = sorted({share.fingerprint for share in given})
    if len(fingerprints) > 1:
        msg = (
            f"these shares belong to different keys ({', '.join(fingerprints)}): give only "
            "shares of the key the backup was encrypted to"
        )
        raise BackupShareError(msg)
    thresholds = sorted({share.threshold for share in given})
    if len(thresholds) > 1:
        msg = (
            f"these shares come from different splits (thresholds "
            f"{', '.join(map(str, thresholds))}): give shares of one split only"
        )
        raise BackupShareError(msg)
    by_number: dict[int, BackupKeyShare] = {}
    for share in given:
        if share.number in by_number:
            same = by_number[share.number].data == share.data
            msg = (
                f"share {share.number} was given twice"
                if same
                else f"two different shares are numbered {share.number}: they come from "
                "different splits of this key; give shares of one split only"
            )
            raise BackupShareError(msg)
        by_number[share.number] = share
    (threshold,) = thresholds
    if len(by_number) < threshold:
        msg = (
            f"{threshold} shares are needed to rebuild key {fingerprints[0]}; "
            f"{len(by_number)} given"
        )
        raise BackupShareError(msg)
    chosen = [(number, by_number[number].data) for number in sorted(by_number)]
    # With spare shares, a wrong one (altered, or of another split) is outvoted: any
    # ``threshold`` of the others that rebuild the fingerprint's key are enough.
    for subset in itertools.islice(itertools.combinations(chosen, threshold), MAX_SUBSETS):
        key = BackupPrivateKey(raw=combine_shares(subset))
        if key.public_key.fingerprint == fingerprints[0]:
            return key
    msg = (
        f"the shares do not rebuild key {fingerprints[0]}: they mix two splits of it, or "
        "one was altered"
    )
    raise BackupShareError(msg)
