"""Group-key rotation (SR-11): ``safepassage rotate-keys`` and rotation on removal."""

import logging
import os
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.cases import rotation_actions
from safepassage.cases.actions import (
    do_add_case_member,
    do_remove_case_member,
    do_transition_case,
)
from safepassage.cases.case_key_rotation import sealed_columns
from safepassage.cases.models import (
    Case,
    CaseGroupKey,
    CaseNote,
    CaseReferral,
    HolderKind,
    KeyRotation,
    KeyRotationCase,
)
from safepassage.cases.referral_actions import Consent, do_accept_referral, do_refer_case
from safepassage.cases.sealing import case_key_id, unwrap_user_group_keys
from safepassage.cases.selectors import read_case_contents
from safepassage.core.crypto import (
    CryptoError,
    FieldContext,
    GroupKey,
    OrganisationRecoveryKey,
    PrivateKey,
    SensitiveGroup,
    field_key_version,
    open_field,
    open_message,
    seal_text,
    split_organisation_recovery_key,
    unwrap_group_key,
)
from safepassage.intake.actions import do_read_case_messages, do_send_applicant_message
from safepassage.intake.models import Applicant, Message
from safepassage.organisations.models import Organisation, Partnership
from tests.cases.factories import (
    KeyedStaff,
    keyed_organisation,
    make_case,
    make_full_case,
    make_keyed_staff,
    recovery_private_key,
    sign_in_with_keys,
)
from tests.intake.factories import intake_world, submit, take

PDF = b"%PDF-1.4\nrotation-document-marker\n%%EOF\n"
MARKERS = ("Rotation Person Marker", "rotation story marker", "rotation note marker")


@pytest.fixture(autouse=True)
def data_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def _full_case(owner: KeyedStaff, colleague: KeyedStaff) -> Case:
    """A case with a value in every sealed column of the cases app and a colleague on it."""
    case = make_full_case(
        owner=owner,
        colleague=colleague,
        document=PDF,
        full_name=MARKERS[0],
        story=MARKERS[1],
        contact="rotation contact",
        current_location="rotation place",
        note=MARKERS[2],
        relative="Rotation relative",
        task="rotation task",
    )
    do_transition_case(
        actor=owner.user, key_pair=owner.key_pair, case=case, target="triaged", reason="why"
    )
    return Case.objects.get(pk=case.pk)


@dataclass(frozen=True)
class _Referral:
    sender_organisation: Organisation
    recovery: OrganisationRecoveryKey
    receiver_recovery: OrganisationRecoveryKey
    sender: KeyedStaff
    receiver: KeyedStaff
    case: Case
    referral: CaseReferral


def _accepted_referral(*, full_name: str) -> _Referral:
    """A case referred (identity only, the sender keeps access) between two partner
    organisations with keys, accepted by the receiving caseworker."""
    sender_organisation, recovery = keyed_organisation()
    receiver_organisation, receiver_recovery = keyed_organisation()
    Partnership.objects.create(organisation=sender_organisation, partner=receiver_organisation)
    Partnership.objects.create(organisation=receiver_organisation, partner=sender_organisation)
    sender = make_keyed_staff(Role.CASEWORKER, sender_organisation)
    receiver = make_keyed_staff(Role.CASEWORKER, receiver_organisation)
    case = make_case(actor=sender, full_name=full_name)
    referral = do_refer_case(
        actor=sender.user,
        key_pair=sender.key_pair,
        case=case,
        to_organisation=receiver_organisation,
        groups=[SensitiveGroup.IDENTITY],
        consent=Consent(given_by="x", given_on=timezone.localdate(), how_obtained="y"),
        sender_keeps_access=True,
        expires_on=None,
    )
    do_accept_referral(actor=receiver.user, key_pair=receiver.key_pair, referral=referral)
    return _Referral(
        sender_organisation=sender_organisation,
        recovery=recovery,
        receiver_recovery=receiver_recovery,
        sender=sender,
        receiver=receiver,
        case=case,
        referral=referral,
    )


def _fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def _sealed_values(case: Case) -> list[tuple[str, SensitiveGroup, FieldContext, bytes]]:
    """(column name, group, context, envelope) of every registered sealed value of ``case``."""
    values = []
    for column in sealed_columns():
        for row in column.rows(case):
            envelope = bytes(getattr(row, column.column) or b"")
            if envelope:
                values.append((column.name, column.group_of(row), column.context(row), envelope))
    return values


def _recovery_keys(case: Case, private_key: PrivateKey) -> dict[SensitiveGroup, GroupKey]:
    fingerprint = private_key.public_key().fingerprint
    keys = {}
    for copy in CaseGroupKey.objects.filter(case=case, recipient_fingerprint=fingerprint):
        keys[SensitiveGroup(copy.group)] = unwrap_group_key(
            envelope=bytes(copy.envelope),
            private_key=private_key,
            case_id=case_key_id(case),
            group=SensitiveGroup(copy.group),
        )
    return keys


def _opens(key: GroupKey, context: FieldContext, envelope: bytes) -> bool:
    try:
        open_field(key=key, context=context, envelope=envelope)
    except CryptoError:
        return False
    return True


def _rotate(organisation: Organisation, recovery: OrganisationRecoveryKey, *args: str) -> str:
    out = StringIO()
    call_command(
        "rotate_keys",
        "--organisation",
        str(organisation.public_id),
        *args,
        stdin=StringIO(recovery.private_key_text + "\n"),
        stdout=out,
    )
    return out.getvalue()


@pytest.mark.django_db
def test_rotation_reseals_every_value_so_the_old_version_opens_nothing_and_the_new_one_all() -> (
    None
):
    # Given a case with every kind of sealed value, two people on it, and the keys of today
    organisation, recovery = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    colleague = make_keyed_staff(Role.ADMIN, organisation)
    case = _full_case(owner, colleague)
    private = recovery_private_key(recovery)
    old_keys = _recovery_keys(case, private)
    before = _sealed_values(case)
    assert {name for name, *_ in before} >= {
        "cases.Case.identity",
        "cases.CaseNote.body",
        "cases.CaseTask.text",
        "cases.CaseDocument.file_key",
        "cases.CaseTransition.reason",
        "cases.HouseholdMember.identity",
    }
    copies_before = CaseGroupKey.objects.filter(case=case).count()

    # When an operator rotates the organisation's keys with the recovery key
    output = _rotate(organisation, recovery)

    # Then every copy is of version 2, one per holder as before, and no version-1 copy is left
    assert set(CaseGroupKey.objects.filter(case=case).values_list("version", flat=True)) == {2}
    assert CaseGroupKey.objects.filter(case=case).count() == copies_before
    new_keys = _recovery_keys(case, private)
    after = _sealed_values(case)
    assert len(after) == len(before)
    for name, group, context, envelope in after:
        # every stored value names version 2, opens with the new key and not with the old
        assert field_key_version(envelope) == 2, name
        assert _opens(new_keys[group], context, envelope), name
        assert not _opens(old_keys[group], context, envelope), name
    # and both people still read everything through their own new copies
    for person in (owner, colleague):
        contents = read_case_contents(case=_fresh(case), user=person.user, key_pair=person.key_pair)
        assert contents.groups["identity"] == {"full_name": MARKERS[0], "other_names": ""}
        assert contents.notes is not None
        assert [note.body for note in contents.notes] == [MARKERS[2]]
    page = sign_in_with_keys(Client(), colleague).get(
        reverse("cases:detail", kwargs={"case_id": case.public_id})
    )
    assert MARKERS[1] in page.content.decode()
    download = sign_in_with_keys(Client(), owner).get(
        reverse(
            "cases:download_document",
            kwargs={"document_id": case.documents.get().public_id},
        )
    )
    assert b"".join(download.streaming_content if download.streaming else [download.content]) == (  # type: ignore[attr-defined]  # streaming or not
        PDF
    )
    # and the run is finished, audited, and said so in counts only
    assert KeyRotation.objects.get().finished_on == timezone.localdate()
    assert not KeyRotationCase.objects.exists()
    assert AuditEvent.objects.filter(action="case.keys_rotated").count() == 1
    assert AuditEvent.objects.filter(action="keys.rotation_finished").count() == 1
    assert "1 cases, 7 group keys rotated" in output
    assert "finished" in output


@pytest.mark.django_db
def test_an_interrupted_rotation_is_resumed_and_rotates_no_case_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given three cases and a rotation interrupted while rotating the third (second batch)
    organisation, recovery = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    cases = [make_case(actor=owner, full_name=f"Person {n}") for n in range(3)]
    real = rotation_actions.do_rotate_case_keys
    calls = {"n": 0}

    def interrupted(**kwargs: object) -> rotation_actions.CaseRotation:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(**kwargs)  # type: ignore[arg-type]  # the same keyword arguments

    monkeypatch.setattr(rotation_actions, "do_rotate_case_keys", interrupted)
    with pytest.raises(CommandError) as stopped:
        _rotate(organisation, recovery, "--batch-size", "2")
    assert stopped.value.returncode == 130
    assert "2 of 3 cases rotated" in str(stopped.value)

    # Then the first batch is rotated (only the recovery copy of version 1 is kept until the
    # run ends, for stragglers) and the third case is untouched and still readable
    def versions(case: Case) -> set[int]:
        return set(CaseGroupKey.objects.filter(case=case).values_list("version", flat=True))

    def held_versions(case: Case) -> set[int]:
        return set(
            CaseGroupKey.objects.filter(case=case)
            .exclude(holder_kind=HolderKind.RECOVERY)
            .values_list("version", flat=True)
        )

    assert [held_versions(case) for case in cases] == [{2}, {2}, {1}]
    retired = CaseGroupKey.objects.filter(case__in=cases[:2], version=1)
    assert set(retired.values_list("holder_kind", flat=True)) == {HolderKind.RECOVERY}
    third = read_case_contents(case=_fresh(cases[2]), user=owner.user, key_pair=owner.key_pair)
    assert third.groups["identity"] == {"full_name": "Person 2", "other_names": ""}
    assert KeyRotation.objects.get().finished_on is None

    # When the same command runs again
    monkeypatch.setattr(rotation_actions, "do_rotate_case_keys", real)
    output = _rotate(organisation, recovery, "--batch-size", "2")

    # Then it resumes: only the third case is rotated, none twice, and the run is finished
    assert "2 of 3 cases already rotated" in output
    assert [versions(case) for case in cases] == [{2}, {2}, {2}]
    assert AuditEvent.objects.filter(action="case.keys_rotated").count() == 3
    assert KeyRotation.objects.get().finished_on is not None
    for n, case in enumerate(cases):
        contents = read_case_contents(case=_fresh(case), user=owner.user, key_pair=owner.key_pair)
        assert contents.groups["identity"] == {"full_name": f"Person {n}", "other_names": ""}


@pytest.mark.django_db
def test_a_removed_colleague_whose_keys_were_kept_opens_nothing_after_a_rotation() -> None:
    # Given a colleague who unwrapped (and kept) every key of a case, then was removed
    organisation, recovery = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    colleague = make_keyed_staff(Role.ADMIN, organisation)
    case = _full_case(owner, colleague)
    kept = unwrap_user_group_keys(case=case, user=colleague.user, key_pair=colleague.key_pair)
    kept_copies = list(CaseGroupKey.objects.filter(case=case, user=colleague.user))
    assert len(kept) == 7
    do_remove_case_member(actor=owner.user, case=case, member=colleague.user)

    # When the organisation's keys are rotated
    _rotate(organisation, recovery)

    # Then the kept keys open no stored value, no copy is theirs, and their old copies (as
    # a backup would hold them) are of a version no value is sealed under any more
    for name, group, context, envelope in _sealed_values(case):
        assert not _opens(kept[group], context, envelope), name
    assert not CaseGroupKey.objects.filter(case=case, user=colleague.user).exists()
    assert {copy.version for copy in kept_copies} == {1}
    assert read_case_contents(case=_fresh(case), user=owner.user, key_pair=owner.key_pair).notes


@pytest.mark.django_db
def test_removing_a_colleague_with_keys_unlocked_rotates_the_groups_they_held() -> None:
    # Given a colleague holding every key of a case, who keeps them when removed
    organisation, _recovery = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    colleague = make_keyed_staff(Role.ADMIN, organisation)
    case = _full_case(owner, colleague)
    kept = unwrap_user_group_keys(case=case, user=colleague.user, key_pair=colleague.key_pair)

    # When the owner removes them from a session holding the owner's keys
    do_remove_case_member(
        actor=owner.user, key_pair=owner.key_pair, case=case, member=colleague.user
    )

    # Then every group was rotated at once: their keys open nothing, the owner reads all
    assert set(CaseGroupKey.objects.filter(case=case).values_list("version", flat=True)) == {2}
    for name, group, context, envelope in _sealed_values(case):
        assert field_key_version(envelope) == 2, name
        assert not _opens(kept[group], context, envelope), name
    contents = read_case_contents(case=_fresh(case), user=owner.user, key_pair=owner.key_pair)
    assert contents.groups["identity"] == {"full_name": MARKERS[0], "other_names": ""}
    recovery_copies = CaseGroupKey.objects.filter(case=case, holder_kind=HolderKind.RECOVERY)
    assert recovery_copies.count() == 7
    assert AuditEvent.objects.filter(action="case.keys_rotated").count() == 1


@pytest.mark.django_db
def test_referral_copies_are_rotated_for_the_receiving_organisation() -> None:
    # Given a case referred (identity only) to a partner whose caseworker accepted it
    world = _accepted_referral(full_name="Referred person")
    sender_organisation, recovery = world.sender_organisation, world.recovery
    receiver, receiver_recovery = world.receiver, world.receiver_recovery
    case, referral = world.case, world.referral
    referral_copies = CaseGroupKey.objects.filter(case=case, referral=referral).count()

    # When the sending organisation rotates its keys
    _rotate(sender_organisation, recovery)

    # Then the receiving side keeps its copies (new version), tied to the same referral
    rotated = CaseGroupKey.objects.filter(case=case, referral=referral)
    assert rotated.count() == referral_copies
    assert set(rotated.values_list("version", flat=True)) == {2}
    contents = read_case_contents(case=_fresh(case), user=receiver.user, key_pair=receiver.key_pair)
    assert contents.groups["identity"] == {"full_name": "Referred person", "other_names": ""}
    partner_private = recovery_private_key(receiver_recovery)
    assert SensitiveGroup.IDENTITY in _recovery_keys(case, partner_private)


@pytest.mark.django_db
def test_trustee_shares_from_a_file_descriptor_open_the_rotation_of_one_case() -> None:
    # Given two cases and the recovery key split 2 of 3 among trustees
    organisation, recovery = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    rotated, untouched = make_case(actor=owner), make_case(actor=owner)
    shares = split_organisation_recovery_key(
        private_key_text=recovery.private_key_text,
        public_key=recovery.public_key,
        threshold=2,
        share_count=3,
    )
    read_end, write_end = os.pipe()
    os.write(write_end, f"{shares[0]}\n{shares[2]}\n".encode())
    os.close(write_end)

    # When two shares are given on descriptor 3-like pipe for one case
    out = StringIO()
    try:
        call_command(
            "rotate_keys",
            "--organisation",
            str(organisation.public_id),
            "--case",
            rotated.code,
            "--recovery-key-fd",
            str(read_end),
            stdout=out,
        )
    finally:
        os.close(read_end)

    # Then only that case has new keys
    assert set(CaseGroupKey.objects.filter(case=rotated).values_list("version", flat=True)) == {2}
    assert set(CaseGroupKey.objects.filter(case=untouched).values_list("version", flat=True)) == {1}
    assert "1 cases, 7 group keys rotated" in out.getvalue()


@pytest.mark.django_db
def test_a_wrong_recovery_key_changes_nothing() -> None:
    # Given a case and the recovery key of another organisation
    organisation, _recovery = keyed_organisation()
    _other, other_recovery = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=owner)
    copies = sorted(bytes(c.envelope) for c in CaseGroupKey.objects.filter(case=case))

    # When it is given to the rotation
    with pytest.raises(CommandError, match="does not give the organisation's recovery key"):
        _rotate(organisation, other_recovery)

    # Then nothing was written
    assert sorted(bytes(c.envelope) for c in CaseGroupKey.objects.filter(case=case)) == copies
    assert not KeyRotation.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="keys.rotation").exists()


@pytest.mark.django_db
def test_the_rotation_prints_and_logs_nothing_personal_and_no_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given a full case with marker values
    organisation, recovery = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    colleague = make_keyed_staff(Role.ADMIN, organisation)
    case = _full_case(owner, colleague)

    # When the keys are rotated with every logger at DEBUG
    with caplog.at_level(logging.DEBUG):
        output = _rotate(organisation, recovery)

    # Then neither the output nor a log record holds a value, a name, an address or a key
    private = recovery_private_key(recovery)
    forbidden = [
        *MARKERS,
        owner.user.email,
        colleague.user.email,
        owner.user.display_name,
        recovery.private_key_text,
        private.raw.hex(),
    ]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for text in forbidden:
        assert text not in output
        assert text not in logged
    assert case.code not in output  # codes only for cases that could not be rotated


@pytest.mark.django_db
def test_a_value_sealed_under_the_old_version_during_a_rotation_is_resealed_afterwards() -> None:
    # Given a case rotated while a request still held the old narrative key and then
    # stored a note sealed under it
    organisation, recovery = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=owner)
    old = unwrap_user_group_keys(case=case, user=owner.user, key_pair=owner.key_pair)
    result = rotation_actions.do_rotate_case_keys(
        case=case, opener=recovery_private_key(recovery), actor_ref="system"
    )
    late = CaseNote(case=case, author=owner.user, written_on=timezone.localdate())
    late.body = seal_text(
        key=old[SensitiveGroup.NARRATIVE],
        context=FieldContext(model="cases.CaseNote", field="body", row_id=str(late.public_id)),
        text="late note",
    )
    late.save()
    assert rotation_actions.values_under_retired_versions(case=case) == 1

    # When the rotating process re-seals stragglers with the keys it kept
    resealed = rotation_actions.do_reseal_stragglers(case=case, keys=result.keys)

    # Then the note is under the new version and reads as before
    assert resealed == 1
    assert rotation_actions.values_under_retired_versions(case=case) == 0
    contents = read_case_contents(case=_fresh(case), user=owner.user, key_pair=owner.key_pair)
    assert contents.notes is not None
    assert [note.body for note in contents.notes] == ["late note"]


@pytest.mark.django_db
def test_the_remove_colleague_page_rotates_with_the_removers_session_keys() -> None:
    # Given a caseworker signed in with keys and a colleague on the case
    organisation, _recovery = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    colleague = make_keyed_staff(Role.ADMIN, organisation)
    case = make_case(actor=owner, full_name="Page Person")
    do_add_case_member(actor=owner.user, key_pair=owner.key_pair, case=case, member=colleague.user)
    kept = unwrap_user_group_keys(case=case, user=colleague.user, key_pair=colleague.key_pair)

    # When the caseworker removes the colleague on the page
    response = sign_in_with_keys(Client(), owner).post(
        reverse(
            "cases:remove_member",
            kwargs={"case_id": case.public_id, "user_id": colleague.user.public_id},
        )
    )

    # Then the colleague is off the case and the keys they kept open nothing stored
    assert response.status_code == 302
    assert not CaseGroupKey.objects.filter(case=case, user=colleague.user).exists()
    assert set(CaseGroupKey.objects.filter(case=case).values_list("version", flat=True)) == {2}
    for name, group, context, envelope in _sealed_values(case):
        assert not _opens(kept[group], context, envelope), name
    contents = read_case_contents(case=_fresh(case), user=owner.user, key_pair=owner.key_pair)
    assert contents.groups["identity"] == {"full_name": "Page Person", "other_names": ""}


@pytest.mark.django_db
def test_an_unfiled_applicant_message_is_filed_so_a_removed_colleague_cannot_open_it() -> None:
    # Given an intake taken by a caseworker, a colleague put on it, and a message from the
    # applicant that arrived sealed to both of them and the recovery key, unread
    world = intake_world()
    receipt = submit(world.organisation)
    case = take(world, receipt)
    colleague = make_keyed_staff(Role.CASEWORKER, world.organisation)
    do_add_case_member(
        actor=world.caseworker.user,
        key_pair=world.caseworker.key_pair,
        case=case,
        member=colleague.user,
    )
    applicant = Applicant.objects.get(case=case)
    do_send_applicant_message(applicant=applicant, body="unfiled marker")
    message = Message.objects.get(case=case, case_copy__isnull=True)
    context = FieldContext(
        model="intake.Message", field="applicant_copy", row_id=str(message.public_id)
    )
    assert open_message(
        envelope=bytes(message.applicant_copy),
        private_key=colleague.key_pair.private_key,
        context=context,
    )

    # When the caseworker removes the colleague (rotating with their own keys)
    do_remove_case_member(
        actor=world.caseworker.user,
        key_pair=world.caseworker.key_pair,
        case=case,
        member=colleague.user,
    )

    # Then the message is filed under the new narrative key: the colleague's key opens no
    # copy of it, the caseworker reads it
    message.refresh_from_db()
    assert message.case_copy is not None
    with pytest.raises(CryptoError):
        open_message(
            envelope=bytes(message.applicant_copy),
            private_key=colleague.key_pair.private_key,
            context=context,
        )
    opened = do_read_case_messages(
        actor=world.caseworker.user, key_pair=world.caseworker.key_pair, case=_fresh(case)
    )
    assert [item.body for item in opened] == ["unfiled marker"]


@pytest.mark.django_db
def test_at_a_terminal_the_command_asks_for_shares_until_they_rebuild_the_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a case and a recovery key split 3 of 5, at a terminal
    organisation, recovery = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=owner)
    shares = split_organisation_recovery_key(
        private_key_text=recovery.private_key_text,
        public_key=recovery.public_key,
        threshold=3,
        share_count=5,
    )
    typed = iter([shares[4], shares[1], shares[3]])
    prompts: list[str] = []

    def getpass(prompt: str) -> str:
        prompts.append(prompt)
        return next(typed)

    class Terminal(StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("getpass.getpass", getpass)
    monkeypatch.setattr("sys.stdin", Terminal())

    # When the operator runs the command and types three shares, unechoed
    out = StringIO()
    call_command("rotate_keys", "--organisation", str(organisation.public_id), stdout=out)

    # Then it asked three times and rotated the case; no share is in the output
    assert len(prompts) == 3
    assert set(CaseGroupKey.objects.filter(case=case).values_list("version", flat=True)) == {2}
    assert not any(share in out.getvalue() for share in shares)


@pytest.mark.django_db
def test_revoking_a_referral_with_keys_unlocked_rotates_what_the_partner_held() -> None:
    # Given a case whose identity was shared with a partner, whose caseworker kept the key
    world = _accepted_referral(full_name="Revoked person")
    sender, receiver, case, referral = world.sender, world.receiver, world.case, world.referral
    kept = unwrap_user_group_keys(case=case, user=receiver.user, key_pair=receiver.key_pair)
    assert SensitiveGroup.IDENTITY in kept

    # When the sender ends the referral on the page, keys unlocked in the session
    response = sign_in_with_keys(Client(), sender).post(
        reverse("cases:revoke_referral", kwargs={"referral_id": referral.public_id})
    )

    # Then every group the partner held is rotated: their kept keys open nothing stored,
    # no copy of the referral is left, and the sender reads the case
    assert response.status_code == 302
    assert not CaseGroupKey.objects.filter(referral=referral).exists()
    for name, group, context, envelope in _sealed_values(case):
        if group in kept:
            assert not _opens(kept[group], context, envelope), name
    contents = read_case_contents(case=_fresh(case), user=sender.user, key_pair=sender.key_pair)
    assert contents.groups["identity"] == {"full_name": "Revoked person", "other_names": ""}


def _late_note(*, case: Case, author: KeyedStaff, key: GroupKey, text: str) -> None:
    """A note a request sealed with ``key`` (opened before a rotation) and stored after it."""
    late = CaseNote(case=case, author=author.user, written_on=timezone.localdate())
    late.body = seal_text(
        key=key,
        context=FieldContext(model="cases.CaseNote", field="body", row_id=str(late.public_id)),
        text=text,
    )
    late.save()


@pytest.mark.django_db
def test_a_value_written_under_the_old_version_before_a_resume_is_resealed_by_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a run interrupted after rotating the first case, and a note a request stored
    # in that case under its old narrative key just after it was rotated
    organisation, recovery = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    first, second = make_case(actor=owner), make_case(actor=owner)
    old = unwrap_user_group_keys(case=first, user=owner.user, key_pair=owner.key_pair)
    real = rotation_actions.do_rotate_case_keys
    calls = {"n": 0}

    def interrupted(**kwargs: object) -> rotation_actions.CaseRotation:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(**kwargs)  # type: ignore[arg-type]  # the same keyword arguments

    monkeypatch.setattr(rotation_actions, "do_rotate_case_keys", interrupted)
    with pytest.raises(CommandError):
        _rotate(organisation, recovery, "--batch-size", "1")
    monkeypatch.setattr(rotation_actions, "do_rotate_case_keys", real)
    _late_note(case=first, author=owner, key=old[SensitiveGroup.NARRATIVE], text="late note")
    assert rotation_actions.values_under_retired_versions(case=first) == 1

    # When the command is run again (a new process: the old keys are no longer in memory)
    output = _rotate(organisation, recovery, "--batch-size", "1")

    # Then the note is re-sealed under the current version and reads as before, the retired
    # version is gone everywhere, and nothing is left to warn about
    assert "1 values written during the rotation re-sealed" in output
    assert rotation_actions.values_under_retired_versions(case=first) == 0
    contents = read_case_contents(case=_fresh(first), user=owner.user, key_pair=owner.key_pair)
    assert contents.notes is not None
    assert [note.body for note in contents.notes] == ["late note"]
    for case in (first, second):
        assert set(CaseGroupKey.objects.filter(case=case).values_list("version", flat=True)) == {2}
    assert "nobody can open" not in output
    assert KeyRotation.objects.get().finished_on is not None


@pytest.mark.django_db
def test_a_value_no_copy_opens_any_more_is_named_by_case_with_what_to_do() -> None:
    # Given a case rotated on a colleague's removal while a request stored a note under the
    # old key, whose last copy that rotation destroyed
    organisation, recovery = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    colleague = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=owner)
    do_add_case_member(actor=owner.user, key_pair=owner.key_pair, case=case, member=colleague.user)
    old = unwrap_user_group_keys(case=case, user=owner.user, key_pair=owner.key_pair)
    do_remove_case_member(
        actor=owner.user, key_pair=owner.key_pair, case=case, member=colleague.user
    )
    _late_note(case=case, author=owner, key=old[SensitiveGroup.NARRATIVE], text="lost note")

    # When the operator rotates the organisation's keys
    output = _rotate(organisation, recovery)

    # Then the output names the case and the count, and says what to do about it
    assert f"{case.code}: 1 values are sealed under a key version no copy holds" in output
    assert "enter" in output
    assert "again" in output
