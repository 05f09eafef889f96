"""Shared fixtures for the crypto core tests: weak, fast KDF parameters (as SecureDrop does)."""

import pytest

from safepassage.core.crypto import (
    FieldContext,
    GroupKey,
    KdfParameters,
    SensitiveGroup,
    generate_group_key,
)

# Far below SR-06 on purpose: tests must be fast. Production uses PRODUCTION_KDF_PARAMETERS.
FAST_KDF = KdfParameters(memory_kib=8, iterations=1, parallelism=1)


def mistype(text: str) -> str:
    """Change one data character in the middle of a printed key (never a dash)."""
    index = len(text) // 2
    if text[index] == "-":
        index += 1
    replacement = "A" if text[index] != "A" else "B"
    return text[:index] + replacement + text[index + 1 :]


@pytest.fixture
def fast_kdf() -> KdfParameters:
    return FAST_KDF


@pytest.fixture
def identity_key() -> GroupKey:
    return generate_group_key(case_id="case-a", group=SensitiveGroup.IDENTITY)


@pytest.fixture
def name_context() -> FieldContext:
    return FieldContext(model="cases.Person", field="full_name", row_id="row-1")
