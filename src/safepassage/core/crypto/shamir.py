"""Shamir secret sharing over GF(2^8), byte by byte (SR-07).

Deliberately small so it can be read in one sitting and tested exhaustively: the field
arithmetic is checked against an independent polynomial-multiplication oracle for all 65,536
pairs, and the sharing for every subset of shares. Field: GF(2^8) with the AES polynomial
x^8 + x^4 + x^3 + x + 1 (0x11B). Multiplication runs a fixed eight rounds with masks rather than
table look-ups, so its timing does not depend on the values (it runs offline on the trustees'
machine anyway). Coefficients come from :mod:`secrets`.

Shamir sharing is information-theoretically secure (fewer than ``threshold`` shares say
nothing about the secret) but not authenticated: a corrupted share reconstructs a wrong secret
silently. The caller therefore checks the result against the known recovery public key (see
:func:`safepassage.core.crypto.recovery.combine_recovery_shares`).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

_REDUCTION = 0x1B
MAX_SHARES = 255


def gf_multiply(a: int, b: int) -> int:
    """Multiply two field elements (0…255) in GF(2^8) mod 0x11B."""
    result = 0
    for _ in range(8):
        result ^= -(b & 1) & a
        carry = -((a >> 7) & 1) & _REDUCTION
        a = ((a << 1) & 0xFF) ^ carry
        b >>= 1
    return result


def gf_inverse(a: int) -> int:
    """Multiplicative inverse of a non-zero element: a^254 (Fermat)."""
    if a == 0:
        msg = "zero has no inverse"
        raise ZeroDivisionError(msg)
    result = 1
    power = a
    exponent = 254
    while exponent:
        if exponent & 1:
            result = gf_multiply(result, power)
        power = gf_multiply(power, power)
        exponent >>= 1
    return result


def evaluate_polynomial(coefficients: Sequence[int], x: int) -> int:
    """Evaluate ``coefficients[0] + coefficients[1]·x + …`` at ``x`` (Horner)."""
    result = 0
    for coefficient in reversed(coefficients):
        result = gf_multiply(result, x) ^ coefficient
    return result


def interpolate_at_zero(points: Sequence[tuple[int, int]]) -> int:
    """Lagrange interpolation at x = 0 through ``points`` with distinct non-zero x."""
    result = 0
    for i, (x_i, y_i) in enumerate(points):
        numerator = 1
        denominator = 1
        for j, (x_j, _y_j) in enumerate(points):
            if i != j:
                numerator = gf_multiply(numerator, x_j)
                denominator = gf_multiply(denominator, x_i ^ x_j)
        result ^= gf_multiply(y_i, gf_multiply(numerator, gf_inverse(denominator)))
    return result


def split_secret(
    *, secret: bytes, threshold: int, share_count: int
) -> tuple[tuple[int, bytes], ...]:
    """Split ``secret`` into ``share_count`` shares, any ``threshold`` of which rebuild it.

    Returns ``(x, share bytes)`` pairs with x = 1…share_count. Needs 2 ≤ threshold ≤
    share_count ≤ 255 (a threshold of one would be copies, not shares).
    """
    if not 2 <= threshold <= share_count <= MAX_SHARES:
        msg = "need 2 <= threshold <= share_count <= 255"
        raise ValueError(msg)
    if not secret:
        msg = "nothing to split"
        raise ValueError(msg)
    outputs = [bytearray() for _ in range(share_count)]
    for byte in secret:
        coefficients = [byte, *(secrets.randbelow(256) for _ in range(threshold - 1))]
        for index, output in enumerate(outputs):
            output.append(evaluate_polynomial(coefficients, index + 1))
    return tuple((index + 1, bytes(output)) for index, output in enumerate(outputs))


def combine_shares(shares: Sequence[tuple[int, bytes]]) -> bytes:
    """Rebuild the secret from at least ``threshold`` shares (the caller checks the count).

    Raises ValueError for no shares, duplicate or out-of-range x, or unequal lengths.
    """
    if not shares:
        msg = "no shares"
        raise ValueError(msg)
    xs = [x for x, _ in shares]
    if len(set(xs)) != len(xs) or not all(1 <= x <= MAX_SHARES for x in xs):
        msg = "share indices must be distinct and in 1..255"
        raise ValueError(msg)
    length = len(shares[0][1])
    if any(len(data) != length for _, data in shares):
        msg = "shares differ in length"
        raise ValueError(msg)
    return bytes(
        interpolate_at_zero([(x, data[position]) for x, data in shares])
        for position in range(length)
    )
