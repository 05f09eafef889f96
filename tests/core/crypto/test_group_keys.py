"""SR-04, SR-12: group keys wrapped per user and to the recovery key; removal; shredding."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safepassage.core.crypto import (
    DecryptionError,
    FieldContext,
    SensitiveGroup,
    generate_group_key,
    generate_key_pair,
    generate_organisation_recovery_key,
    open_field,
    parse_organisation_recovery_key,
    rewrap_group_key,
    seal_field,
    unwrap_group_key,
    wrap_group_key,
    wrap_group_keys,
    wrapped_key_version,
)

CONTEXT = FieldContext(model="cases.Person", field="full_name", row_id="row-1")


def test_each_authorised_user_and_the_recovery_key_unwrap_the_same_key(identity_key):
    alice, bob = generate_key_pair(), generate_key_pair()
    recovery = generate_organisation_recovery_key()
    recovery_private = parse_organisation_recovery_key(
        text=recovery.private_key_text, expected_public_key=recovery.public_key
    )

    wrapped = wrap_group_keys(
        keys=[identity_key],
        recipients=[alice.public_key, bob.public_key, alice.public_key],
        recovery_public_key=recovery.public_key,
    )

    assert len(wrapped) == 3  # Alice once, Bob, and always the recovery key
    holders = {
        alice.public_key.fingerprint: alice.private_key,
        bob.public_key.fingerprint: bob.private_key,
        recovery.public_key.fingerprint: recovery_private,
    }
    for row in wrapped:
        assert (row.group, row.version) == (SensitiveGroup.IDENTITY, 1)
        key = unwrap_group_key(
            envelope=row.envelope,
            private_key=holders[row.recipient_fingerprint],
            case_id="case-a",
            group=SensitiveGroup.IDENTITY,
        )
        assert key == identity_key


@settings(max_examples=25, deadline=None)
@given(
    case_id=st.text(min_size=1, max_size=40),
    group=st.sampled_from(SensitiveGroup),
    version=st.integers(min_value=1, max_value=2**32 - 1),
)
def test_wrap_unwrap_round_trips(case_id, group, version):
    holder = generate_key_pair()
    key = generate_group_key(case_id=case_id, group=group, version=version)

    envelope = wrap_group_key(key=key, recipient=holder.public_key)

    assert (
        unwrap_group_key(
            envelope=envelope, private_key=holder.private_key, case_id=case_id, group=group
        )
        == key
    )


def test_someone_else_cannot_unwrap(identity_key):
    alice, mallory = generate_key_pair(), generate_key_pair()
    envelope = wrap_group_key(key=identity_key, recipient=alice.public_key)

    with pytest.raises(DecryptionError):
        unwrap_group_key(
            envelope=envelope,
            private_key=mallory.private_key,
            case_id="case-a",
            group=SensitiveGroup.IDENTITY,
        )


@pytest.mark.parametrize(
    ("case_id", "group"),
    [("case-b", SensitiveGroup.IDENTITY), ("case-a", SensitiveGroup.TRAVEL_PASSENGER)],
    ids=["other case", "other group"],
)
def test_a_wrapped_key_moved_to_another_case_or_group_fails(identity_key, case_id, group):
    alice = generate_key_pair()
    envelope = wrap_group_key(key=identity_key, recipient=alice.public_key)

    with pytest.raises(DecryptionError):
        unwrap_group_key(
            envelope=envelope, private_key=alice.private_key, case_id=case_id, group=group
        )


def test_every_flipped_byte_of_a_wrapped_key_fails(identity_key):
    alice = generate_key_pair()
    envelope = wrap_group_key(key=identity_key, recipient=alice.public_key)

    for position in range(len(envelope)):
        tampered = bytearray(envelope)
        tampered[position] ^= 0x01
        with pytest.raises(DecryptionError):
            unwrap_group_key(
                envelope=bytes(tampered),
                private_key=alice.private_key,
                case_id="case-a",
                group=SensitiveGroup.IDENTITY,
            )


def test_wrapped_key_records_its_version():
    key = generate_group_key(case_id="case-a", group=SensitiveGroup.DONOR, version=5)
    envelope = wrap_group_key(key=key, recipient=generate_key_pair().public_key)

    assert wrapped_key_version(envelope) == 5


def test_removing_a_users_wrapped_key_removes_their_access(identity_key):
    # Given a case readable by Alice and Bob, stored as rows keyed by fingerprint
    alice, bob = generate_key_pair(), generate_key_pair()
    recovery = generate_organisation_recovery_key()
    rows = {
        row.recipient_fingerprint: row.envelope
        for row in wrap_group_keys(
            keys=[identity_key],
            recipients=[alice.public_key, bob.public_key],
            recovery_public_key=recovery.public_key,
        )
    }
    sealed = seal_field(key=identity_key, context=CONTEXT, plaintext=b"Aslan")

    # When Bob is removed from the case
    del rows[bob.public_key.fingerprint]

    # Then Bob has nothing to open and Alice still reads the case
    assert bob.public_key.fingerprint not in rows
    for envelope in rows.values():
        with pytest.raises(DecryptionError):
            unwrap_group_key(
                envelope=envelope,
                private_key=bob.private_key,
                case_id="case-a",
                group=SensitiveGroup.IDENTITY,
            )
    alice_key = unwrap_group_key(
        envelope=rows[alice.public_key.fingerprint],
        private_key=alice.private_key,
        case_id="case-a",
        group=SensitiveGroup.IDENTITY,
    )
    assert open_field(key=alice_key, context=CONTEXT, envelope=sealed) == b"Aslan"


def test_recovery_holder_regrants_a_user_who_lost_everything(identity_key):
    # Given a case wrapped for the user and the organisation recovery key
    recovery = generate_organisation_recovery_key()
    user_old = generate_key_pair()
    recovery_copy = wrap_group_key(key=identity_key, recipient=recovery.public_key)
    sealed = seal_field(key=identity_key, context=CONTEXT, plaintext=b"Aslan")

    # When the user (having lost password and personal recovery key) gets a new key pair
    user_new = generate_key_pair()
    recovery_private = parse_organisation_recovery_key(
        text=recovery.private_key_text, expected_public_key=recovery.public_key
    )
    new_copy = rewrap_group_key(
        envelope=recovery_copy,
        private_key=recovery_private,
        case_id="case-a",
        group=SensitiveGroup.IDENTITY,
        recipient=user_new.public_key,
    )

    # Then the new key pair reads the case and the old one is irrelevant
    key = unwrap_group_key(
        envelope=new_copy,
        private_key=user_new.private_key,
        case_id="case-a",
        group=SensitiveGroup.IDENTITY,
    )
    assert open_field(key=key, context=CONTEXT, envelope=sealed) == b"Aslan"
    with pytest.raises(DecryptionError):
        unwrap_group_key(
            envelope=new_copy,
            private_key=user_old.private_key,
            case_id="case-a",
            group=SensitiveGroup.IDENTITY,
        )


def test_shredding_every_wrapped_copy_leaves_nothing_that_opens(identity_key):
    # Given ciphertext, a user's copy and the recovery copy
    user = generate_key_pair()
    recovery = generate_organisation_recovery_key()
    recovery_private = parse_organisation_recovery_key(
        text=recovery.private_key_text, expected_public_key=recovery.public_key
    )
    sealed = seal_field(key=identity_key, context=CONTEXT, plaintext=b"Aslan")
    store = {
        "user": wrap_group_key(key=identity_key, recipient=user.public_key),
        "recovery": wrap_group_key(key=identity_key, recipient=recovery.public_key),
    }

    # When the case is shredded: the group key is forgotten and every wrapped copy deleted
    store.clear()
    del identity_key

    # Then even every private key together cannot open the ciphertext left in a backup:
    # the only keys that remain are unrelated random keys.
    for holder in (user.private_key, recovery_private):
        assert holder.raw not in sealed
    for _ in range(20):
        guess = generate_group_key(case_id="case-a", group=SensitiveGroup.IDENTITY)
        with pytest.raises(DecryptionError):
            open_field(key=guess, context=CONTEXT, envelope=sealed)
    assert not store
