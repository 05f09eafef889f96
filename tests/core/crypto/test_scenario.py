"""The whole life of a case through the crypto core, as the Django layer will drive it.

A walkthrough for the session writing models and views: each step names the call to make
and what to store. Variables named like columns (``wrapped``, ``fields``, ``team_public``)
stand for what the database stores; everything else is gone when the request ends.
"""

import io

from safepassage.core.crypto import (
    CodenamePeppers,
    FieldContext,
    IntakeValue,
    SensitiveGroup,
    combine_recovery_shares,
    create_applicant_keys,
    derive_codename_secrets,
    enrol_user_keys,
    generate_key_pair,
    generate_organisation_recovery_key,
    open_message,
    open_text,
    public_key_from_text,
    public_key_to_text,
    rewrap_group_key,
    seal_intake,
    seal_message,
    split_organisation_recovery_key,
    unwrap_applicant_key_pair,
    unwrap_group_key,
    unwrap_private_key_with_password,
    unwrap_team_key,
    wrap_team_key_for_member,
    write_recovery_sheet,
)
from tests.core.crypto.conftest import FAST_KDF

CASE = "c-7f3a"
NAME = FieldContext(model="cases.Person", field="full_name", row_id="p-1")
PEPPERS = CodenamePeppers(lookup=b"\x01" * 32, key=b"\x02" * 32)


def test_a_case_from_set_up_to_shredding():
    wrapped: dict[tuple[SensitiveGroup, bytes], bytes] = {}

    # Organisation set-up, offline: the recovery key is printed and split 2 of 3;
    # only the public key's printed form reaches the server.
    recovery = generate_organisation_recovery_key()
    write_recovery_sheet(recovery_key=recovery, organisation_name="Org", stream=io.StringIO())
    shares = split_organisation_recovery_key(
        private_key_text=recovery.private_key_text,
        public_key=recovery.public_key,
        threshold=2,
        share_count=3,
    )
    recovery_public = public_key_from_text(public_key_to_text(recovery.public_key))

    # Staff enrol; the team key pair is wrapped to the first team member.
    zara = enrol_user_keys(password="zara's long passphrase", parameters=FAST_KDF)
    team = generate_key_pair()
    team_public = team.public_key
    team_key_for_zara = wrap_team_key_for_member(
        team_key_pair=team, team_id="team-1", member=zara.public_key
    )
    del team  # the server keeps no team private key

    # An applicant arrives: codename shown once, intake sealed to public keys only.
    codename = "one two three four five six seven"
    applicant_secrets = derive_codename_secrets(
        codename=codename, peppers=PEPPERS, parameters=FAST_KDF
    )
    applicant = create_applicant_keys(codename_secrets=applicant_secrets)
    stored_lookup_id = applicant_secrets.lookup_id
    intake = seal_intake(
        case_id=CASE,
        values=[IntakeValue(group=SensitiveGroup.IDENTITY, context=NAME, plaintext=b"Aslan")],
        team_public_key=team_public,
        recovery_public_key=recovery_public,
    )
    fields = dict(intake.sealed_fields)
    wrapped.update({(w.group, w.recipient_fingerprint): w.envelope for w in intake.wrapped_keys})
    del applicant_secrets

    # Zara logs in, opens the team key, triages and assigns Malik the identity group.
    zara_keys = unwrap_private_key_with_password(
        envelope=zara.password_envelope, password="zara's long passphrase"
    )
    team_keys = unwrap_team_key(
        envelope=team_key_for_zara,
        member_private_key=zara_keys.private_key,
        team_id="team-1",
        team_public_key=team_public,
    )
    malik = enrol_user_keys(password="malik's long passphrase", parameters=FAST_KDF)
    wrapped[(SensitiveGroup.IDENTITY, malik.public_key.fingerprint)] = rewrap_group_key(
        envelope=wrapped[(SensitiveGroup.IDENTITY, team_keys.public_key.fingerprint)],
        private_key=team_keys.private_key,
        case_id=CASE,
        group=SensitiveGroup.IDENTITY,
        recipient=malik.public_key,
    )

    # Malik reads the name and replies to the applicant.
    malik_keys = unwrap_private_key_with_password(
        envelope=malik.password_envelope, password="malik's long passphrase"
    )
    identity = unwrap_group_key(
        envelope=wrapped[(SensitiveGroup.IDENTITY, malik.public_key.fingerprint)],
        private_key=malik_keys.private_key,
        case_id=CASE,
        group=SensitiveGroup.IDENTITY,
    )
    assert open_text(key=identity, context=NAME, envelope=fields[NAME]) == "Aslan"
    reply_context = FieldContext(model="applicant.Message", field="body", row_id="m-1")
    reply = seal_message(
        recipients=[applicant.public_key, team_public],
        context=reply_context,
        plaintext=b"Flight on Friday",
    )

    # The applicant comes back with the codename and reads the reply.
    again = derive_codename_secrets(codename=codename, peppers=PEPPERS, parameters=FAST_KDF)
    assert again.lookup_id == stored_lookup_id
    applicant_keys = unwrap_applicant_key_pair(
        envelope=applicant.private_key_envelope, codename_secrets=again
    )
    assert open_message(
        envelope=reply, private_key=applicant_keys.private_key, context=reply_context
    ) == (b"Flight on Friday")

    # Malik leaves the case: his wrapped copy is deleted.
    del wrapped[(SensitiveGroup.IDENTITY, malik.public_key.fingerprint)]
    assert all(fingerprint != malik.public_key.fingerprint for _, fingerprint in wrapped)

    # Two trustees rebuild the recovery key and read the case without any staff key.
    recovery_private = combine_recovery_shares(
        shares=[shares[2], shares[0]], expected_public_key=recovery_public
    )
    via_recovery = unwrap_group_key(
        envelope=wrapped[(SensitiveGroup.IDENTITY, recovery.public_key.fingerprint)],
        private_key=recovery_private,
        case_id=CASE,
        group=SensitiveGroup.IDENTITY,
    )
    assert open_text(key=via_recovery, context=NAME, envelope=fields[NAME]) == "Aslan"

    # Shredding: every wrapped copy of every group key goes (users, team, recovery).
    # A backup taken before the shred still holds wrapped copies and would undo it, which
    # is why SR-12 caps backup age and re-applies the shred list after a restore.
    backup_of_wrapped = dict(wrapped)
    wrapped.clear()
    assert not any(group is SensitiveGroup.IDENTITY for group, _ in wrapped)
    restored = unwrap_group_key(
        envelope=backup_of_wrapped[(SensitiveGroup.IDENTITY, recovery.public_key.fingerprint)],
        private_key=recovery_private,
        case_id=CASE,
        group=SensitiveGroup.IDENTITY,
    )
    assert open_text(key=restored, context=NAME, envelope=fields[NAME]) == "Aslan"
