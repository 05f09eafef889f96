"""SR-05: intake and messages sealed to public keys only; applicant keys under the codename."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safepassage.core.crypto import (
    CodenamePeppers,
    DecryptionError,
    FieldContext,
    IntakeValue,
    PublicKey,
    SensitiveGroup,
    create_applicant_keys,
    derive_codename_secrets,
    generate_key_pair,
    generate_organisation_recovery_key,
    message_recipient_fingerprints,
    open_field,
    open_message,
    parse_organisation_recovery_key,
    rewrap_group_key,
    seal_intake,
    seal_message,
    unwrap_applicant_key_pair,
    unwrap_group_key,
    unwrap_team_key,
    wrap_team_key_for_member,
)
from safepassage.core.crypto import keys as keys_module

NAME = FieldContext(model="applicant.Submission", field="full_name", row_id="sub-1")
STORY = FieldContext(model="applicant.Submission", field="story", row_id="sub-1")
PEPPERS = CodenamePeppers(lookup=b"L" * 32, key=b"K" * 32)


class _NoPrivateKeys:
    """Stands in for PyNaCl's PrivateKey: any use during intake fails the test."""

    def __init__(self, *args, **kwargs):
        raise AssertionError("intake must not touch a private key")


def _intake(team: PublicKey, recovery: PublicKey):
    return seal_intake(
        case_id="case-new",
        values=[
            IntakeValue(group=SensitiveGroup.IDENTITY, context=NAME, plaintext=b"Aslan"),
            IntakeValue(group=SensitiveGroup.NARRATIVE, context=STORY, plaintext=b"My story"),
        ],
        team_public_key=team,
        recovery_public_key=recovery,
    )


def test_intake_works_with_no_private_key_present(monkeypatch):
    # Given only public keys, as bytes from the database, and private keys made unusable
    team = generate_key_pair()
    recovery = generate_organisation_recovery_key()
    team_public = PublicKey(raw=bytes(team.public_key.raw))
    recovery_public = PublicKey(raw=bytes(recovery.public_key.raw))
    monkeypatch.setattr(keys_module, "NaclPrivateKey", _NoPrivateKeys)

    # When an intake arrives
    sealed = _intake(team_public, recovery_public)
    monkeypatch.undo()

    # Then nothing stored contains the plaintext, and every group key is wrapped twice
    stored = b"".join(sealed.sealed_fields.values()) + b"".join(
        wrapped.envelope for wrapped in sealed.wrapped_keys
    )
    assert b"Aslan" not in stored
    assert b"My story" not in stored
    assert len(sealed.wrapped_keys) == 2 * len(SensitiveGroup)
    assert {w.recipient_fingerprint for w in sealed.wrapped_keys} == {
        team_public.fingerprint,
        recovery_public.fingerprint,
    }


def test_team_member_and_recovery_holder_can_read_the_intake():
    team = generate_key_pair()
    recovery = generate_organisation_recovery_key()
    member = generate_key_pair()
    team_wrap = wrap_team_key_for_member(
        team_key_pair=team, team_id="team-1", member=member.public_key
    )
    sealed = _intake(team.public_key, recovery.public_key)

    # The member opens the team key, then the identity group key, then the name
    team_pair = unwrap_team_key(
        envelope=team_wrap,
        member_private_key=member.private_key,
        team_id="team-1",
        team_public_key=team.public_key,
    )
    identity_for_team = next(
        w
        for w in sealed.wrapped_keys
        if w.group is SensitiveGroup.IDENTITY
        and w.recipient_fingerprint == team.public_key.fingerprint
    )
    key = unwrap_group_key(
        envelope=identity_for_team.envelope,
        private_key=team_pair.private_key,
        case_id="case-new",
        group=SensitiveGroup.IDENTITY,
    )
    assert open_field(key=key, context=NAME, envelope=sealed.sealed_fields[NAME]) == b"Aslan"

    # The recovery holder reads the story from its own copy
    recovery_private = parse_organisation_recovery_key(
        text=recovery.private_key_text, expected_public_key=recovery.public_key
    )
    narrative_for_recovery = next(
        w
        for w in sealed.wrapped_keys
        if w.group is SensitiveGroup.NARRATIVE
        and w.recipient_fingerprint == recovery.public_key.fingerprint
    )
    story_key = unwrap_group_key(
        envelope=narrative_for_recovery.envelope,
        private_key=recovery_private,
        case_id="case-new",
        group=SensitiveGroup.NARRATIVE,
    )
    assert open_field(key=story_key, context=STORY, envelope=sealed.sealed_fields[STORY]) == (
        b"My story"
    )

    # The member grants a caseworker the identity group only
    caseworker = generate_key_pair()
    granted = rewrap_group_key(
        envelope=identity_for_team.envelope,
        private_key=team_pair.private_key,
        case_id="case-new",
        group=SensitiveGroup.IDENTITY,
        recipient=caseworker.public_key,
    )
    assert (
        unwrap_group_key(
            envelope=granted,
            private_key=caseworker.private_key,
            case_id="case-new",
            group=SensitiveGroup.IDENTITY,
        )
        == key
    )


def test_team_key_for_another_team_or_member_fails():
    team, member, other = generate_key_pair(), generate_key_pair(), generate_key_pair()
    envelope = wrap_team_key_for_member(
        team_key_pair=team, team_id="team-1", member=member.public_key
    )

    with pytest.raises(DecryptionError):
        unwrap_team_key(
            envelope=envelope,
            member_private_key=member.private_key,
            team_id="team-2",
            team_public_key=team.public_key,
        )
    with pytest.raises(DecryptionError):
        unwrap_team_key(
            envelope=envelope,
            member_private_key=other.private_key,
            team_id="team-1",
            team_public_key=team.public_key,
        )


def test_the_same_field_twice_is_refused():
    team = generate_key_pair()
    with pytest.raises(ValueError, match="once"):
        seal_intake(
            case_id="case-new",
            values=[
                IntakeValue(group=SensitiveGroup.IDENTITY, context=NAME, plaintext=b"a"),
                IntakeValue(group=SensitiveGroup.IDENTITY, context=NAME, plaintext=b"b"),
            ],
            team_public_key=team.public_key,
            recovery_public_key=team.public_key,
        )


def test_replies_are_readable_only_with_the_applicants_codename(fast_kdf):
    # Given an applicant whose key pair is wrapped under their codename
    codename = "alpha bravo charlie delta echo foxtrot golf"
    secrets_at_intake = derive_codename_secrets(
        codename=codename, peppers=PEPPERS, parameters=fast_kdf
    )
    applicant = create_applicant_keys(codename_secrets=secrets_at_intake)
    team = generate_key_pair()
    reply_context = FieldContext(model="applicant.Message", field="body", row_id="msg-1")

    # When staff reply (sealed to the applicant and the team)
    reply = seal_message(
        recipients=[applicant.public_key, team.public_key],
        context=reply_context,
        plaintext=b"We found a flight",
    )

    # Then the applicant reads it after re-deriving from the typed codename
    typed = derive_codename_secrets(
        codename="  Alpha BRAVO charlie delta echo foxtrot golf ",
        peppers=PEPPERS,
        parameters=fast_kdf,
    )
    key_pair = unwrap_applicant_key_pair(
        envelope=applicant.private_key_envelope, codename_secrets=typed
    )
    assert open_message(
        envelope=reply, private_key=key_pair.private_key, context=reply_context
    ) == (b"We found a flight")
    assert set(message_recipient_fingerprints(reply)) == {
        applicant.public_key.fingerprint,
        team.public_key.fingerprint,
    }
    # and a wrong codename opens nothing
    wrong = derive_codename_secrets(
        codename="alpha bravo charlie delta echo foxtrot hotel",
        peppers=PEPPERS,
        parameters=fast_kdf,
    )
    with pytest.raises(DecryptionError):
        unwrap_applicant_key_pair(envelope=applicant.private_key_envelope, codename_secrets=wrong)


def test_messages_fail_for_non_recipients_moved_or_tampered():
    alice, mallory = generate_key_pair(), generate_key_pair()
    context = FieldContext(model="applicant.Message", field="body", row_id="msg-1")
    envelope = seal_message(recipients=[alice.public_key], context=context, plaintext=b"hello")

    with pytest.raises(DecryptionError):
        open_message(envelope=envelope, private_key=mallory.private_key, context=context)
    moved = FieldContext(model="applicant.Message", field="body", row_id="msg-2")
    with pytest.raises(DecryptionError):
        open_message(envelope=envelope, private_key=alice.private_key, context=moved)
    for position in range(len(envelope)):
        tampered = bytearray(envelope)
        tampered[position] ^= 0x01
        with pytest.raises(DecryptionError):
            open_message(envelope=bytes(tampered), private_key=alice.private_key, context=context)


def test_a_message_needs_a_recipient():
    context = FieldContext(model="applicant.Message", field="body", row_id="msg-1")
    with pytest.raises(ValueError, match="recipients"):
        seal_message(recipients=[], context=context, plaintext=b"x")


@settings(max_examples=20, deadline=None)
@given(
    plaintext=st.binary(max_size=1000),
    recipient_count=st.integers(min_value=1, max_value=5),
    reader=st.integers(min_value=0, max_value=4),
)
def test_messages_round_trip_for_every_recipient(plaintext, recipient_count, reader):
    holders = [generate_key_pair() for _ in range(recipient_count)]
    context = FieldContext(model="applicant.Message", field="body", row_id="msg-1")

    envelope = seal_message(
        recipients=[holder.public_key for holder in holders], context=context, plaintext=plaintext
    )

    chosen = holders[reader % recipient_count]
    assert open_message(envelope=envelope, private_key=chosen.private_key, context=context) == (
        plaintext
    )
