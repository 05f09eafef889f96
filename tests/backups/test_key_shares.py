"""Trustee shares of the backup private key (SR-36): any K of N rebuild it, fewer than K
are consistent with every key, and a mistyped, mixed, repeated or altered share is refused
with a message that says what is wrong instead of yielding a wrong key."""

import dataclasses
import itertools
import string

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from safepassage.core.backup_archive import BackupPrivateKey, generate_backup_key
from safepassage.core.backup_shares import (
    GROUP_COUNT,
    BackupKeyShare,
    BackupShareError,
    combine_backup_shares,
    parse_backup_share,
    split_backup_key,
)
from safepassage.core.crypto.shamir import combine_shares, gf_inverse, gf_multiply

KEY = generate_backup_key()
OTHER_KEY = generate_backup_key()
keys = st.binary(min_size=32, max_size=32).map(lambda raw: BackupPrivateKey(raw=raw))


@st.composite
def splits(draw: st.DrawFn) -> tuple[int, int]:
    """(threshold, share count) with 2 <= threshold <= share count <= 9."""
    count = draw(st.integers(min_value=2, max_value=9))
    return draw(st.integers(min_value=2, max_value=count)), count


@given(key=keys, split=splits(), data=st.data())
def test_any_threshold_of_the_shares_rebuild_the_key(
    key: BackupPrivateKey, split: tuple[int, int], data: st.DataObject
) -> None:
    # Given a key split K of N, and any K (or more) of its shares, typed back in any order
    threshold, count = split
    shares = split_backup_key(key=key, share_count=count, threshold=threshold)
    chosen = data.draw(
        st.lists(st.sampled_from(shares), min_size=threshold, max_size=count, unique=True)
    )
    typed = [parse_backup_share(share.text()) for share in data.draw(st.permutations(chosen))]

    # When they are combined, Then they rebuild exactly the key
    assert combine_backup_shares(typed).raw == key.raw


def _interpolate(points: list[tuple[int, int]], x: int) -> int:
    """The value at ``x`` of the polynomial through ``points`` (Lagrange over GF(2^8))."""
    result = 0
    for i, (x_i, y_i) in enumerate(points):
        numerator = denominator = 1
        for j, (x_j, _y_j) in enumerate(points):
            if i != j:
                numerator = gf_multiply(numerator, x ^ x_j)
                denominator = gf_multiply(denominator, x_i ^ x_j)
        result ^= gf_multiply(y_i, gf_multiply(numerator, gf_inverse(denominator)))
    return result


@given(key=keys, candidate=keys, split=splits(), data=st.data())
def test_fewer_than_the_threshold_are_consistent_with_every_key(
    key: BackupPrivateKey, candidate: BackupPrivateKey, split: tuple[int, int], data: st.DataObject
) -> None:
    # Given K-1 shares of a key, and any other 32 bytes someone guesses the key might be
    threshold, count = split
    shares = split_backup_key(key=key, share_count=count, threshold=threshold)
    held = data.draw(
        st.lists(
            st.sampled_from(shares), min_size=threshold - 1, max_size=threshold - 1, unique=True
        )
    )
    missing = next(share.number for share in shares if share not in held)

    # When the one missing share is made up so that the polynomial passes through the guess
    made_up = bytes(
        _interpolate(
            [(0, candidate.raw[position])] + [(s.number, s.data[position]) for s in held],
            missing,
        )
        for position in range(32)
    )

    # Then the K-1 real shares and it combine to the guess: they rule out no key at all
    points = [(s.number, s.data) for s in held] + [(missing, made_up)]
    assert combine_shares(points) == candidate.raw


@given(
    share_number=st.integers(min_value=0, max_value=4),
    position=st.integers(min_value=0),
    replacement=st.sampled_from(string.ascii_uppercase + string.digits),
)
def test_any_mistyped_character_is_refused_and_a_body_typo_is_named_by_its_group(
    share_number: int, position: int, replacement: str
) -> None:
    # Given a share, and one of its characters (after the prefix) typed wrong
    shares = split_backup_key(key=KEY, share_count=5, threshold=3)
    text = shares[share_number].text()
    editable = [index for index, character in enumerate(text) if index >= 5 and character != "-"]
    index = editable[position % len(editable)]
    if text[index].upper() == replacement:
        return
    typo = text[:index] + replacement + text[index + 1 :]

    # When it is read, Then it is refused, never read as another share
    with pytest.raises(BackupShareError) as refused:
        parse_backup_share(typo)

    # And a typo in a character group names that group
    body_start = len("-".join(text.split("-")[:4])) + 1
    if index >= body_start:
        group = (index - body_start) // 6 + 1
        assert f"character group {group} (" in str(refused.value)


def test_a_share_reads_back_whatever_the_case_and_with_spaces_for_dashes() -> None:
    share = split_backup_key(key=KEY, share_count=3, threshold=2)[1]

    assert parse_backup_share(share.text().lower().replace("-", "  ")) == share


def test_two_groups_swapped_or_a_group_left_out_are_refused() -> None:
    # Given a share
    parts = split_backup_key(key=KEY, share_count=3, threshold=2)[0].text().split("-")

    # When two groups are swapped, or one is left out, Then it is refused
    swapped = [*parts[:4], parts[5], parts[4], *parts[6:]]
    with pytest.raises(BackupShareError, match=r"character group 1 .*, 2 "):
        parse_backup_share("-".join(swapped))
    with pytest.raises(BackupShareError, match=f"{GROUP_COUNT} groups"):
        parse_backup_share("-".join(parts[:-1]))


@pytest.mark.parametrize(
    ("part", "value"), [(1, "0000000000000000"), (2, "4"), (3, "3")], ids=["key", "k", "number"]
)
def test_a_mistyped_fingerprint_threshold_or_number_fails_the_checksum(
    part: int, value: str
) -> None:
    parts = split_backup_key(key=KEY, share_count=5, threshold=3)[1].text().split("-")
    parts[part] = value

    with pytest.raises(BackupShareError, match="does not match its checksum"):
        parse_backup_share("-".join(parts))


def test_shares_of_different_keys_are_refused() -> None:
    mine = split_backup_key(key=KEY, share_count=3, threshold=2)
    theirs = split_backup_key(key=OTHER_KEY, share_count=3, threshold=2)

    with pytest.raises(BackupShareError, match="belong to different keys"):
        combine_backup_shares([mine[0], theirs[1]])


def test_a_share_given_twice_does_not_count_twice() -> None:
    shares = split_backup_key(key=KEY, share_count=5, threshold=3)

    with pytest.raises(BackupShareError, match="share 2 was given twice"):
        combine_backup_shares([shares[0], shares[1], shares[1]])


def test_too_few_shares_say_how_many_are_needed() -> None:
    shares = split_backup_key(key=KEY, share_count=5, threshold=3)

    with pytest.raises(BackupShareError, match=r"3 shares are needed .* 2 given"):
        combine_backup_shares(shares[:2])


def test_shares_of_two_splits_of_the_same_key_never_make_a_wrong_key() -> None:
    # Given two 2-of-3 splits and one 3-of-5 split of the same key
    first = split_backup_key(key=KEY, share_count=3, threshold=2)
    second = split_backup_key(key=KEY, share_count=3, threshold=2)
    wider = split_backup_key(key=KEY, share_count=5, threshold=3)

    # When their shares are mixed, Then they are refused
    with pytest.raises(BackupShareError, match="mix two splits"):
        combine_backup_shares([first[0], second[1]])
    with pytest.raises(BackupShareError, match="two different shares are numbered 1"):
        combine_backup_shares([first[0], second[0], first[1]])
    with pytest.raises(BackupShareError, match="different splits"):
        combine_backup_shares([first[0], first[1], wider[2]])


def test_an_altered_share_is_refused_and_a_spare_share_outvotes_it() -> None:
    # Given a 2-of-4 split, one of whose shares was altered with a fresh checksum
    shares = split_backup_key(key=KEY, share_count=4, threshold=2)
    altered = dataclasses.replace(shares[0], data=bytes(32))
    assert parse_backup_share(altered.text()) == altered

    # When it is combined with one good share, Then it is refused
    with pytest.raises(BackupShareError, match="do not rebuild key"):
        combine_backup_shares([altered, shares[1]])

    # And with two good ones the key is rebuilt all the same
    assert combine_backup_shares([altered, shares[1], shares[2]]).raw == KEY.raw


@pytest.mark.parametrize(("threshold", "count"), [(1, 3), (4, 3), (2, 256), (0, 0)])
def test_impossible_splits_are_refused(threshold: int, count: int) -> None:
    with pytest.raises(BackupShareError, match="need 2 <= threshold"):
        split_backup_key(key=KEY, share_count=count, threshold=threshold)


def test_every_pair_of_a_2_of_5_split_rebuilds_the_key_and_no_single_share_does() -> None:
    shares = split_backup_key(key=KEY, share_count=5, threshold=2)

    for pair in itertools.combinations(shares, 2):
        assert combine_backup_shares(pair).raw == KEY.raw
    for share in shares:
        with pytest.raises(BackupShareError, match="2 shares are needed"):
            combine_backup_shares([share])


def test_a_share_names_its_key_number_and_threshold_in_clear() -> None:
    share: BackupKeyShare = split_backup_key(key=KEY, share_count=5, threshold=3)[3]

    assert share.text().startswith(f"SPBS-{KEY.public_key.fingerprint}-3-4-")


@example(position=22, replacement="²", garbage="")  # the threshold: a digit int() refuses
@given(
    position=st.integers(min_value=0),
    replacement=st.text(min_size=1, max_size=3),
    garbage=st.text(max_size=200),
)
def test_any_text_is_read_as_a_share_or_refused_with_a_message_never_a_crash(
    position: int, replacement: str, garbage: str
) -> None:
    # Given a share with any characters put in at any place (other alphabets, digits such
    # as '²', controls), and text that is no share at all
    text = split_backup_key(key=KEY, share_count=3, threshold=2)[0].text()
    index = position % len(text)
    edited = text[:index] + replacement + text[index + 1 :]

    # When they are read, Then each is a share of this key or refused as a BackupShareError
    for candidate in (edited, garbage, f"SPBS-{garbage}"):
        try:
            share = parse_backup_share(candidate)
        except BackupShareError:
            continue
        assert share.fingerprint == KEY.public_key.fingerprint
