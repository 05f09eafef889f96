"""SR-07: the small Shamir implementation over GF(2^8), tested exhaustively where possible."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safepassage.core.crypto.shamir import (
    combine_shares,
    evaluate_polynomial,
    gf_inverse,
    gf_multiply,
    split_secret,
)


def _oracle_multiply(a: int, b: int) -> int:
    """Carry-less multiplication then reduction by 0x11B: an independent textbook version."""
    product = 0
    for bit in range(8):
        if (b >> bit) & 1:
            product ^= a << bit
    for bit in range(14, 7, -1):
        if (product >> bit) & 1:
            product ^= 0x11B << (bit - 8)
    return product


def test_multiplication_matches_the_oracle_for_all_pairs():
    for a in range(256):
        for b in range(256):
            assert gf_multiply(a, b) == _oracle_multiply(a, b), (a, b)


def test_known_aes_products():
    # FIPS-197 section 4.2: {57} • {83} = {c1}, {57} • {13} = {fe}
    assert gf_multiply(0x57, 0x83) == 0xC1
    assert gf_multiply(0x57, 0x13) == 0xFE


def test_every_non_zero_element_has_its_inverse():
    for a in range(1, 256):
        assert gf_multiply(a, gf_inverse(a)) == 1
    with pytest.raises(ZeroDivisionError):
        gf_inverse(0)


def test_one_share_below_threshold_two_reveals_nothing():
    # For threshold 2 a share is secret ⊕ a·x with a uniform: for every x and every secret,
    # the 256 possible coefficients give each share value exactly once.
    for x in range(1, 256):
        for secret in (0, 1, 0x5A, 0xFF):
            values = {evaluate_polynomial([secret, a], x) for a in range(256)}
            assert len(values) == 256


def test_two_shares_below_threshold_three_reveal_nothing():
    # Any two shares (x1, x2) are uniform over all 65,536 pairs whatever the secret.
    for secret in (0, 0xA7):
        pairs = {
            (evaluate_polynomial([secret, a, b], 3), evaluate_polynomial([secret, a, b], 200))
            for a in range(256)
            for b in range(256)
        }
        assert len(pairs) == 65536


def test_every_subset_of_threshold_shares_rebuilds_the_secret():
    secret = bytes(range(32))
    shares = split_secret(secret=secret, threshold=3, share_count=5)

    for size in (3, 4, 5):
        for subset in itertools.combinations(shares, size):
            assert combine_shares(list(subset)) == secret


def test_fewer_than_threshold_shares_do_not_rebuild_the_secret():
    secret = bytes(range(32))
    shares = split_secret(secret=secret, threshold=3, share_count=5)

    assert all(
        combine_shares(list(subset)) != secret for subset in itertools.combinations(shares, 2)
    )


@settings(max_examples=50, deadline=None)
@given(
    secret=st.binary(min_size=1, max_size=40),
    threshold=st.integers(min_value=2, max_value=6),
    extra=st.integers(min_value=0, max_value=4),
    data=st.data(),
)
def test_split_then_combine_round_trips(secret, threshold, extra, data):
    shares = split_secret(secret=secret, threshold=threshold, share_count=threshold + extra)
    chosen = data.draw(st.permutations(shares)).__getitem__(slice(threshold))

    assert combine_shares(list(chosen)) == secret


@pytest.mark.parametrize(("threshold", "count"), [(1, 3), (4, 3), (2, 256)])
def test_bad_split_parameters_are_refused(threshold, count):
    with pytest.raises(ValueError, match="threshold"):
        split_secret(secret=b"k", threshold=threshold, share_count=count)


@pytest.mark.parametrize(
    "shares",
    [[], [(1, b"a"), (1, b"b")], [(0, b"a"), (1, b"b")], [(1, b"a"), (2, b"bb")]],
    ids=["none", "duplicate", "zero index", "unequal"],
)
def test_bad_share_sets_are_refused(shares):
    with pytest.raises(ValueError):  # noqa: PT011 - several messages
        combine_shares(shares)
