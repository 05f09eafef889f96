"""SR-06: staff private keys wrapped under Argon2id(password) and a personal recovery key."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safepassage.core.crypto import (
    PRODUCTION_KDF_PARAMETERS,
    DecryptionError,
    KdfParameters,
    KeyFormatError,
    WeakParametersError,
    change_password,
    enrol_user_keys,
    generate_key_pair,
    password_envelope_needs_rewrap,
    read_password_envelope,
    reset_password_with_recovery_key,
    unwrap_private_key_with_password,
    unwrap_private_key_with_recovery_key,
    wrap_private_key_with_password,
)
from safepassage.core.crypto.kdf import MINIMUM_MEMORY_KIB, SALT_LENGTH
from tests.core.crypto.conftest import FAST_KDF, mistype

PASSWORD = "correct horse battery staple 42"


def test_production_defaults_meet_sr06_without_running_them():
    assert PRODUCTION_KDF_PARAMETERS.memory_kib >= 64 * 1024 == MINIMUM_MEMORY_KIB
    assert PRODUCTION_KDF_PARAMETERS.iterations >= 3
    assert SALT_LENGTH == 16
    assert PRODUCTION_KDF_PARAMETERS.meets_production_minimum()
    PRODUCTION_KDF_PARAMETERS.require_production_strength()


def test_weak_parameters_are_recognised_as_weak():
    assert not FAST_KDF.meets_production_minimum()
    with pytest.raises(WeakParametersError):
        FAST_KDF.require_production_strength()


@pytest.mark.parametrize(
    "values",
    [
        {"memory_kib": 4, "iterations": 1, "parallelism": 1},
        {"memory_kib": 8, "iterations": 0, "parallelism": 1},
        {"memory_kib": 8, "iterations": 1, "parallelism": 0},
        {"memory_kib": 2**40, "iterations": 1, "parallelism": 1},
    ],
)
def test_out_of_range_parameters_are_refused(values):
    with pytest.raises(WeakParametersError):
        KdfParameters(**values)


def test_enrolment_wraps_one_key_pair_two_ways(fast_kdf):
    enrolment = enrol_user_keys(password=PASSWORD, parameters=fast_kdf)

    by_password = unwrap_private_key_with_password(
        envelope=enrolment.password_envelope, password=PASSWORD
    )
    by_recovery = unwrap_private_key_with_recovery_key(
        envelope=enrolment.recovery_envelope,
        personal_recovery_key=enrolment.personal_recovery_key,
    )

    assert by_password == by_recovery
    assert by_password.public_key == enrolment.public_key
    assert enrolment.personal_recovery_key.startswith("SPU-")
    assert enrolment.personal_recovery_key not in repr(enrolment)
    assert by_password.private_key.raw not in enrolment.password_envelope


def test_envelope_stores_parameters_salt_and_public_key(fast_kdf):
    key_pair = generate_key_pair()
    envelope = wrap_private_key_with_password(
        key_pair=key_pair, password=PASSWORD, parameters=fast_kdf, key_version=3
    )

    info = read_password_envelope(envelope)

    assert info.parameters == fast_kdf
    assert info.public_key == key_pair.public_key
    assert info.key_version == 3


def test_wrong_password_fails(fast_kdf):
    enrolment = enrol_user_keys(password=PASSWORD, parameters=fast_kdf)

    with pytest.raises(DecryptionError):
        unwrap_private_key_with_password(envelope=enrolment.password_envelope, password="guess")


def test_every_flipped_byte_of_the_password_envelope_fails(fast_kdf):
    envelope = enrol_user_keys(password=PASSWORD, parameters=fast_kdf).password_envelope

    for position in range(len(envelope)):
        tampered = bytearray(envelope)
        tampered[position] ^= 0x01
        with pytest.raises(DecryptionError):
            unwrap_private_key_with_password(envelope=bytes(tampered), password=PASSWORD)


def test_absurd_parameters_in_a_tampered_envelope_are_refused_before_running(fast_kdf):
    envelope = bytearray(enrol_user_keys(password=PASSWORD, parameters=fast_kdf).password_envelope)
    envelope[9:13] = (2**31).to_bytes(4, "big")  # memory: 2 TiB

    with pytest.raises(DecryptionError):
        unwrap_private_key_with_password(envelope=bytes(envelope), password=PASSWORD)


def test_password_change_rewraps_the_same_key_pair(fast_kdf):
    enrolment = enrol_user_keys(password=PASSWORD, parameters=fast_kdf)

    new_envelope = change_password(
        envelope=enrolment.password_envelope,
        old_password=PASSWORD,
        new_password="a new and longer passphrase",
        parameters=fast_kdf,
    )

    key_pair = unwrap_private_key_with_password(
        envelope=new_envelope, password="a new and longer passphrase"
    )
    assert key_pair.public_key == enrolment.public_key
    with pytest.raises(DecryptionError):
        unwrap_private_key_with_password(envelope=new_envelope, password=PASSWORD)


def test_password_change_needs_the_old_password(fast_kdf):
    enrolment = enrol_user_keys(password=PASSWORD, parameters=fast_kdf)

    with pytest.raises(DecryptionError):
        change_password(
            envelope=enrolment.password_envelope,
            old_password="not it",
            new_password="whatever else",
            parameters=fast_kdf,
        )


def test_reset_without_old_password_uses_the_personal_recovery_key(fast_kdf):
    enrolment = enrol_user_keys(password=PASSWORD, parameters=fast_kdf)

    new_envelope = reset_password_with_recovery_key(
        recovery_envelope=enrolment.recovery_envelope,
        personal_recovery_key=enrolment.personal_recovery_key.lower().replace("-", " "),
        new_password="after the reset",
        parameters=fast_kdf,
    )

    key_pair = unwrap_private_key_with_password(envelope=new_envelope, password="after the reset")
    assert key_pair.public_key == enrolment.public_key


def test_reset_with_another_users_recovery_key_fails(fast_kdf):
    alice = enrol_user_keys(password=PASSWORD, parameters=fast_kdf)
    bob = enrol_user_keys(password=PASSWORD, parameters=fast_kdf)

    with pytest.raises(DecryptionError):
        reset_password_with_recovery_key(
            recovery_envelope=alice.recovery_envelope,
            personal_recovery_key=bob.personal_recovery_key,
            new_password="x",
            parameters=fast_kdf,
        )


def test_a_mistyped_recovery_key_is_a_format_error(fast_kdf):
    enrolment = enrol_user_keys(password=PASSWORD, parameters=fast_kdf)
    typo = mistype(enrolment.personal_recovery_key)

    with pytest.raises(KeyFormatError):
        unwrap_private_key_with_recovery_key(
            envelope=enrolment.recovery_envelope, personal_recovery_key=typo
        )


def test_weaker_envelopes_are_flagged_for_rewrap(fast_kdf):
    envelope = enrol_user_keys(password=PASSWORD, parameters=fast_kdf).password_envelope

    assert password_envelope_needs_rewrap(envelope=envelope, parameters=PRODUCTION_KDF_PARAMETERS)
    assert not password_envelope_needs_rewrap(envelope=envelope, parameters=fast_kdf)


def test_composed_and_decomposed_passwords_are_the_same(fast_kdf):
    composed = "\u0439\u043e\u0434"  # Russian "iodine", with й as one code point
    decomposed = "\u0438\u0306\u043e\u0434"  # the same, with й as и + combining breve
    enrolment = enrol_user_keys(password=composed, parameters=fast_kdf)

    key_pair = unwrap_private_key_with_password(
        envelope=enrolment.password_envelope, password=decomposed
    )

    assert key_pair.public_key == enrolment.public_key


@settings(max_examples=15, deadline=None)
@given(password=st.text(min_size=1, max_size=64), version=st.integers(1, 2**32 - 1))
def test_password_wrap_round_trips(password, version):
    key_pair = generate_key_pair()

    envelope = wrap_private_key_with_password(
        key_pair=key_pair, password=password, parameters=FAST_KDF, key_version=version
    )

    assert unwrap_private_key_with_password(envelope=envelope, password=password) == key_pair
    assert read_password_envelope(envelope).key_version == version
