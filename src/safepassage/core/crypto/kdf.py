"""Argon2id key derivation with explicit, injectable parameters (SR-06).

Every Argon2id call in this package takes a :class:`KdfParameters` value. Production code
passes :data:`PRODUCTION_KDF_PARAMETERS`; tests pass a deliberately weak value (as SecureDrop
does) so that the suite stays fast. The parameters used are stored inside every envelope that
depends on them, so raising the defaults later does not break old envelopes.
"""

from __future__ import annotations

from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw

from safepassage.core.crypto.errors import DecryptionError, WeakParametersError

SALT_LENGTH = 16
"""Bytes of random salt per derivation (SR-06)."""

DERIVED_KEY_LENGTH = 32

MINIMUM_MEMORY_KIB = 64 * 1024
"""SR-06: at least 64 MiB."""
MINIMUM_ITERATIONS = 3
"""SR-06: at least three passes."""

# Upper bounds accepted when parameters are read from a stored envelope, so that a tampered
# envelope cannot make the server allocate unbounded memory or spin forever.
MAXIMUM_MEMORY_KIB = 4 * 1024 * 1024
MAXIMUM_ITERATIONS = 64
MAXIMUM_PARALLELISM = 16


@dataclass(frozen=True, kw_only=True)
class KdfParameters:
    """Argon2id cost parameters.

    ``memory_kib`` is in kibibytes, ``iterations`` is Argon2's time cost and ``parallelism``
    its lanes. Construction checks only the library's hard limits and the bounds above; use
    :meth:`meets_production_minimum` or :meth:`require_production_strength` to check SR-06.
    """

    memory_kib: int
    iterations: int
    parallelism: int

    def __post_init__(self) -> None:
        if not 1 <= self.parallelism <= MAXIMUM_PARALLELISM:
            msg = "parallelism out of range"
            raise WeakParametersError(msg)
        if not 8 * self.parallelism <= self.memory_kib <= MAXIMUM_MEMORY_KIB:
            msg = "memory out of range"
            raise WeakParametersError(msg)
        if not 1 <= self.iterations <= MAXIMUM_ITERATIONS:
            msg = "iterations out of range"
            raise WeakParametersError(msg)

    def meets_production_minimum(self) -> bool:
        """Whether these parameters satisfy SR-06 (≥ 64 MiB, ≥ 3 iterations)."""
        return self.memory_kib >= MINIMUM_MEMORY_KIB and self.iterations >= MINIMUM_ITERATIONS

    def require_production_strength(self) -> None:
        """Raise :class:`WeakParametersError` unless :meth:`meets_production_minimum`."""
        if not self.meets_production_minimum():
            msg = "KDF parameters are below SR-06"
            raise WeakParametersError(msg)

    def is_weaker_than(self, other: KdfParameters) -> bool:
        """Whether any cost here is below ``other``'s (then re-wrap at the next login)."""
        return self.memory_kib < other.memory_kib or self.iterations < other.iterations


PRODUCTION_KDF_PARAMETERS = KdfParameters(memory_kib=64 * 1024, iterations=3, parallelism=1)
"""The defaults production uses: 64 MiB, three passes, one lane (the server has two cores)."""


def derive_key(
    *, secret: bytes, salt: bytes, parameters: KdfParameters, length: int = DERIVED_KEY_LENGTH
) -> bytes:
    """Derive ``length`` bytes from ``secret`` and a 16-byte ``salt`` with Argon2id (v1.3)."""
    if len(salt) != SALT_LENGTH:
        msg = "salt must be 16 bytes"
        raise ValueError(msg)
    return hash_secret_raw(
        secret=secret,
        salt=salt,
        time_cost=parameters.iterations,
        memory_cost=parameters.memory_kib,
        parallelism=parameters.parallelism,
        hash_len=length,
        type=Type.ID,
        version=19,
    )


def parameters_from_envelope(
    *, memory_kib: int, iterations: int, parallelism: int
) -> KdfParameters:
    """Rebuild parameters read from a stored envelope; out-of-range values are a DecryptionError."""
    try:
        return KdfParameters(memory_kib=memory_kib, iterations=iterations, parallelism=parallelism)
    except WeakParametersError:
        raise DecryptionError from None
