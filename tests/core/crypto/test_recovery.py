"""SR-07: the organisation recovery key, its printed forms and M-of-N shares."""

import io
import itertools

import pytest

from safepassage.core.crypto import (
    KeyFormatError,
    RecoveryShareError,
    combine_recovery_shares,
    generate_organisation_recovery_key,
    parse_organisation_recovery_key,
    public_key_from_text,
    public_key_to_text,
    split_organisation_recovery_key,
    write_recovery_sheet,
)
from safepassage.core.crypto.printed_keys import decode_printed_key, encode_printed_key
from safepassage.core.crypto.recovery import RECOVERY_SHARE_PREFIX
from tests.core.crypto.conftest import mistype

RECOVERY = generate_organisation_recovery_key()


def test_private_part_is_not_in_the_repr():
    assert RECOVERY.private_key_text not in repr(RECOVERY)


def test_the_sheet_shows_both_keys_once():
    stream = io.StringIO()

    write_recovery_sheet(recovery_key=RECOVERY, organisation_name="Rainbow Road", stream=stream)

    sheet = stream.getvalue()
    assert sheet.count(RECOVERY.private_key_text) == 1
    assert public_key_to_text(RECOVERY.public_key) in sheet


def test_public_key_text_round_trips_and_catches_typos():
    text = public_key_to_text(RECOVERY.public_key)

    assert public_key_from_text(text.lower()) == RECOVERY.public_key
    typo = mistype(text)
    with pytest.raises(KeyFormatError):
        public_key_from_text(typo)


def test_private_key_must_match_the_public_key():
    other = generate_organisation_recovery_key()

    with pytest.raises(KeyFormatError):
        parse_organisation_recovery_key(
            text=other.private_key_text, expected_public_key=RECOVERY.public_key
        )


@pytest.mark.parametrize("text", ["", "SPO-", "SPU-AAAA", "SPO-1111-0000", "not a key"])
def test_garbage_is_a_format_error(text):
    with pytest.raises(KeyFormatError):
        parse_organisation_recovery_key(text=text, expected_public_key=RECOVERY.public_key)


def test_any_three_of_five_shares_rebuild_the_key():
    shares = split_organisation_recovery_key(
        private_key_text=RECOVERY.private_key_text,
        public_key=RECOVERY.public_key,
        threshold=3,
        share_count=5,
    )
    expected = parse_organisation_recovery_key(
        text=RECOVERY.private_key_text, expected_public_key=RECOVERY.public_key
    )

    assert len(set(shares)) == 5
    for subset in itertools.combinations(shares, 3):
        assert combine_recovery_shares(shares=subset, expected_public_key=RECOVERY.public_key) == (
            expected
        )


def _shares():
    return split_organisation_recovery_key(
        private_key_text=RECOVERY.private_key_text,
        public_key=RECOVERY.public_key,
        threshold=3,
        share_count=5,
    )


def test_two_of_five_are_refused():
    with pytest.raises(RecoveryShareError, match="3 shares"):
        combine_recovery_shares(shares=_shares()[:2], expected_public_key=RECOVERY.public_key)


def test_the_same_share_twice_is_refused():
    shares = _shares()
    with pytest.raises(RecoveryShareError, match="twice"):
        combine_recovery_shares(
            shares=[shares[0], shares[0], shares[1]], expected_public_key=RECOVERY.public_key
        )


def test_shares_of_another_key_are_refused():
    other = generate_organisation_recovery_key()
    foreign = split_organisation_recovery_key(
        private_key_text=other.private_key_text,
        public_key=other.public_key,
        threshold=3,
        share_count=5,
    )
    with pytest.raises(RecoveryShareError, match="another"):
        combine_recovery_shares(
            shares=[*_shares()[:2], foreign[2]], expected_public_key=RECOVERY.public_key
        )


def test_a_corrupted_share_with_a_valid_checksum_is_caught_by_the_public_key():
    shares = list(_shares())
    payload = bytearray(
        decode_printed_key(prefix=RECOVERY_SHARE_PREFIX, text=shares[0], payload_length=38)
    )
    payload[-1] ^= 0x01
    shares[0] = encode_printed_key(prefix=RECOVERY_SHARE_PREFIX, payload=bytes(payload))

    with pytest.raises(RecoveryShareError, match="do not rebuild"):
        combine_recovery_shares(shares=shares[:3], expected_public_key=RECOVERY.public_key)


def test_a_mistyped_share_is_a_format_error():
    shares = _shares()

    with pytest.raises(KeyFormatError):
        combine_recovery_shares(
            shares=[mistype(shares[0]), *shares[1:3]], expected_public_key=RECOVERY.public_key
        )


def test_a_public_key_is_not_taken_for_a_private_key():
    with pytest.raises(KeyFormatError, match="expected kind"):
        parse_organisation_recovery_key(
            text=public_key_to_text(RECOVERY.public_key), expected_public_key=RECOVERY.public_key
        )
