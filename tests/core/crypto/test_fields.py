"""SR-04: field values sealed per group with associated data binding model, field, row, version."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safepassage.core.crypto import (
    DecryptionError,
    FieldContext,
    SensitiveGroup,
    field_key_version,
    generate_case_keys,
    generate_group_key,
    open_field,
    open_text,
    reseal_field,
    rotate_group_key,
    seal_field,
    seal_text,
)

KEY = generate_group_key(case_id="case-h", group=SensitiveGroup.IDENTITY)
CONTEXT = FieldContext(model="cases.Person", field="full_name", row_id="row-h")


@given(st.binary(max_size=2048))
def test_any_bytes_round_trip(plaintext):
    envelope = seal_field(key=KEY, context=CONTEXT, plaintext=plaintext)

    assert open_field(key=KEY, context=CONTEXT, envelope=envelope) == plaintext


@given(st.text(max_size=300))
def test_any_text_round_trips(text):
    envelope = seal_text(key=KEY, context=CONTEXT, text=text)

    assert open_text(key=KEY, context=CONTEXT, envelope=envelope) == text


def test_sealing_twice_gives_different_ciphertexts(identity_key, name_context):
    first = seal_field(key=identity_key, context=name_context, plaintext=b"Aslan")
    second = seal_field(key=identity_key, context=name_context, plaintext=b"Aslan")

    assert first != second
    assert b"Aslan" not in first


def test_every_flipped_byte_fails_cleanly(identity_key, name_context):
    envelope = seal_field(key=identity_key, context=name_context, plaintext=b"Aslan Dudayev")

    for position in range(len(envelope)):
        for bit in (0x01, 0x80):
            tampered = bytearray(envelope)
            tampered[position] ^= bit
            with pytest.raises(DecryptionError) as caught:
                open_field(key=identity_key, context=name_context, envelope=bytes(tampered))
            assert str(caught.value) == "decryption failed"


@pytest.mark.parametrize("cut", [0, 1, 9, 33, 40])
def test_truncated_envelope_fails(identity_key, name_context, cut):
    envelope = seal_field(key=identity_key, context=name_context, plaintext=b"Aslan")

    with pytest.raises(DecryptionError):
        open_field(key=identity_key, context=name_context, envelope=envelope[:cut])


@pytest.mark.parametrize(
    "moved_to",
    [
        FieldContext(model="cases.Person", field="full_name", row_id="row-2"),
        FieldContext(model="cases.Person", field="birth_name", row_id="row-1"),
        FieldContext(model="cases.HouseholdMember", field="full_name", row_id="row-1"),
    ],
    ids=["other row", "other field", "other model"],
)
def test_ciphertext_transplanted_elsewhere_fails(identity_key, name_context, moved_to):
    envelope = seal_field(key=identity_key, context=name_context, plaintext=b"Aslan")

    with pytest.raises(DecryptionError):
        open_field(key=identity_key, context=moved_to, envelope=envelope)


def test_ciphertext_moved_to_another_case_fails_even_with_a_key_of_that_case(name_context):
    key_a = generate_group_key(case_id="case-a", group=SensitiveGroup.IDENTITY)
    key_b = generate_group_key(case_id="case-b", group=SensitiveGroup.IDENTITY)
    envelope = seal_field(key=key_a, context=name_context, plaintext=b"Aslan")

    with pytest.raises(DecryptionError):
        open_field(key=key_b, context=name_context, envelope=envelope)


def test_a_role_holding_only_the_travel_key_cannot_read_identity(name_context):
    keys = generate_case_keys(case_id="case-a")
    name = seal_field(key=keys[SensitiveGroup.IDENTITY], context=name_context, plaintext=b"Aslan")
    flight_context = FieldContext(model="travel.Passenger", field="flight", row_id="row-9")
    flight = seal_field(
        key=keys[SensitiveGroup.TRAVEL_PASSENGER], context=flight_context, plaintext=b"SU 1234"
    )
    travel_only = keys[SensitiveGroup.TRAVEL_PASSENGER]

    assert open_field(key=travel_only, context=flight_context, envelope=flight) == b"SU 1234"
    with pytest.raises(DecryptionError):
        open_field(key=travel_only, context=name_context, envelope=name)


def test_every_group_gets_its_own_key():
    keys = generate_case_keys(case_id="case-a")

    assert set(keys) == set(SensitiveGroup)
    assert len({key.secret for key in keys.values()}) == len(SensitiveGroup)


def test_wrong_key_version_fails_and_rotation_reseals(identity_key, name_context):
    envelope = seal_field(key=identity_key, context=name_context, plaintext=b"Aslan")
    new_key = rotate_group_key(key=identity_key)

    with pytest.raises(DecryptionError):
        open_field(key=new_key, context=name_context, envelope=envelope)
    resealed = reseal_field(
        old_key=identity_key, new_key=new_key, context=name_context, envelope=envelope
    )

    assert new_key.version == identity_key.version + 1
    assert field_key_version(resealed) == new_key.version
    assert open_field(key=new_key, context=name_context, envelope=resealed) == b"Aslan"
    with pytest.raises(DecryptionError):
        open_field(key=identity_key, context=name_context, envelope=resealed)


def test_lengths_are_padded_to_32_bytes(identity_key, name_context):
    lengths = {
        len(seal_field(key=identity_key, context=name_context, plaintext=b"x" * size))
        for size in range(31)
    }

    assert len(lengths) == 1


def test_keys_and_contexts_do_not_show_secrets_in_repr(identity_key):
    assert identity_key.secret.hex() not in repr(identity_key)
    assert "secret" not in repr(identity_key)


def test_empty_context_parts_are_refused():
    with pytest.raises(ValueError, match="row id"):
        FieldContext(model="cases.Person", field="full_name", row_id="")
