"""Replacing a staff key pair (decision 0018): by the member, by an admin, by the operator."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from safepassage.accounts.key_session import cookie_name, seal_private_key_into_session
from safepassage.accounts.models import Membership
from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.cases.actions import do_add_case_member, do_take_case
from safepassage.cases.key_actions import (
    do_reset_password_with_recovery_key,
    do_share_team_keys,
    team_id,
    unlock_staff_keys,
)
from safepassage.cases.models import (
    Case,
    CaseGroupKey,
    KeyRotation,
    OrganisationKeyring,
    StaffKeyPair,
    TeamKeyCopy,
)
from safepassage.cases.sealing import case_key_id, unwrap_user_group_keys
from safepassage.cases.selectors import read_case_contents
from safepassage.core.crypto import (
    CryptoError,
    FieldContext,
    KeyPair,
    PrivateKey,
    PublicKey,
    SensitiveGroup,
    open_message,
    unwrap_group_key,
    unwrap_private_key_with_recovery_key,
    unwrap_team_key,
)
from safepassage.intake.actions import do_send_applicant_message
from safepassage.intake.models import Applicant, Message
from tests.cases.factories import (
    KeyedStaff,
    keyed_organisation,
    make_case,
    make_full_case,
    make_keyed_staff,
    sign_in_with_keys,
)
from tests.cases.test_key_rotation import _opens, _sealed_values
from tests.factories import STAFF_PASSWORD, sign_in
from tests.intake.factories import intake_world, submit, take

PDF = b"%PDF-1.4\nreplacement-document-marker\n%%EOF\n"
NAME = "Replacement Person Marker"


@pytest.fixture(autouse=True)
def data_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def _fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def _opens_any_current_copy(private_key: PrivateKey) -> bool:
    """Does ``private_key`` open any wrapped group key or team key stored now?"""
    for copy in CaseGroupKey.objects.select_related("case"):
        try:
            unwrap_group_key(
                envelope=bytes(copy.envelope),
                private_key=private_key,
                case_id=case_key_id(copy.case),
                group=SensitiveGroup(copy.group),
            )
        except CryptoError:
            continue
        return True
    for team_copy in TeamKeyCopy.objects.select_related("organisation__keyring"):
        try:
            unwrap_team_key(
                envelope=bytes(team_copy.envelope),
                member_private_key=private_key,
                team_id=team_id(team_copy.organisation),
                team_public_key=PublicKey(
                    raw=bytes(team_copy.organisation.keyring.team_public_key or b"")
                ),
            )
        except CryptoError:
            continue
        return True
    return False


def _key_state() -> list[tuple[object, ...]]:
    """Everything a replacement would change: key pairs, wrapped copies, team copies."""
    return sorted(
        [("pair", p.user_id, bytes(p.public_key)) for p in StaffKeyPair.objects.all()]
        + [("copy", c.pk, bytes(c.envelope)) for c in CaseGroupKey.objects.all()]
        + [("team", t.pk, bytes(t.envelope)) for t in TeamKeyCopy.objects.all()]
    )


def _signed_in(
    keyed: KeyedStaff, *, key_pair: KeyPair | None = None, recent: bool = True
) -> Client:
    client = sign_in(Client(), keyed.staff, recently_authenticated=recent)
    session = client.session
    secret = seal_private_key_into_session(
        session=session, user=keyed.user, key_pair=key_pair or keyed.key_pair
    )
    session.save()
    client.cookies[cookie_name()] = secret
    return client


@pytest.mark.django_db
def test_a_member_replaces_their_own_key_pair_and_the_old_one_opens_nothing() -> None:
    # Given a caseworker (holding the case-team key) on a full case with a colleague, who
    # kept every case key their old key pair opened, signed in twice
    organisation, _recovery = keyed_organisation()
    member = make_keyed_staff(Role.CASEWORKER, organisation)
    colleague = make_keyed_staff(Role.ADMIN, organisation)
    case = make_full_case(
        owner=member, colleague=colleague, document=PDF, full_name=NAME, story="story"
    )
    kept = unwrap_user_group_keys(case=case, user=member.user, key_pair=member.key_pair)
    assert len(kept) == 7
    assert TeamKeyCopy.objects.filter(user=member.user).exists()
    other_session = sign_in_with_keys(Client(), member)
    client = sign_in_with_keys(Client(), member)

    # When they replace their key pair on the Security page
    response = client.post(
        reverse("accounts:replace_keys"), {"password": STAFF_PASSWORD, "confirm": "on"}
    )

    # Then a new personal recovery key is shown once and opens the new key pair, which the
    # same password opens too
    assert response.status_code == 200
    personal = response.context["personal_recovery_key"]
    assert personal in response.content.decode()
    assert personal != member.personal_recovery_key
    stored = StaffKeyPair.objects.get(user=member.user)
    new_pair = unwrap_private_key_with_recovery_key(
        envelope=bytes(stored.recovery_envelope), personal_recovery_key=personal
    )
    unlocked = unlock_staff_keys(user=member.user, password=STAFF_PASSWORD)
    assert unlocked is not None
    assert unlocked.public_key == new_pair.public_key != member.key_pair.public_key
    # and the old private key opens no current group key, no team key, and no stored value
    assert not _opens_any_current_copy(member.key_pair.private_key)
    for name, group, context, envelope in _sealed_values(case):
        assert not _opens(kept[group], context, envelope), name
    assert set(CaseGroupKey.objects.filter(case=case).values_list("version", flat=True)) == {2}
    # and the new key pair reads the case and the team key; so does the colleague
    for user, pair in ((member.user, new_pair), (colleague.user, colleague.key_pair)):
        contents = read_case_contents(case=_fresh(case), user=user, key_pair=pair)
        assert (contents.groups["identity"] or {}).get("full_name") == NAME
    keyring = OrganisationKeyring.objects.get(organisation=organisation)
    assert keyring.team_public_key is not None
    unwrap_team_key(
        envelope=bytes(TeamKeyCopy.objects.get(user=member.user).envelope),
        member_private_key=new_pair.private_key,
        team_id=team_id(organisation),
        team_public_key=PublicKey(raw=bytes(keyring.team_public_key)),
    )
    # and this session goes on with the new keys, while the other session ended
    page = client.get(reverse("cases:detail", kwargs={"case_id": case.public_id}))
    assert page.status_code == 200
    assert NAME in page.content.decode()
    assert other_session.get(reverse("site:dashboard")).status_code == 302
    # and it was audited with references only
    event = AuditEvent.objects.get(action="keys.key_pair_replaced")
    assert event.actor == event.object_ref == str(member.user.public_id)
    assert AuditEvent.objects.filter(action="case.keys_rotated").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("problem", ["wrong_password", "keys_not_in_session"])
def test_a_replacement_that_cannot_be_made_writes_nothing(problem: str) -> None:
    # Given a caseworker on a case, signed in either without keys in the session or about
    # to type a wrong password
    organisation, _recovery = keyed_organisation()
    member = make_keyed_staff(Role.CASEWORKER, organisation)
    make_case(actor=member)
    if problem == "keys_not_in_session":
        client = sign_in(Client(), member.staff)
        password = STAFF_PASSWORD
    else:
        client = sign_in_with_keys(Client(), member)
        password = "not the password at all"
    before = _key_state()

    # When they try to replace their key pair
    response = client.post(
        reverse("accounts:replace_keys"), {"password": password, "confirm": "on"}
    )

    # Then the page says why and nothing changed
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert _key_state() == before
    assert not AuditEvent.objects.filter(action="keys.key_pair_replaced").exists()


@pytest.mark.django_db
def test_a_stale_session_is_sent_to_reauthenticate_before_replacing() -> None:
    # Given a caseworker whose last full authentication is older than 5 minutes
    organisation, _recovery = keyed_organisation()
    member = make_keyed_staff(Role.CASEWORKER, organisation)
    make_case(actor=member)
    client = _signed_in(member, recent=False)
    before = _key_state()

    # When they post the replacement
    response = client.post(
        reverse("accounts:replace_keys"), {"password": STAFF_PASSWORD, "confirm": "on"}
    )

    # Then they are asked to authenticate again, and nothing changed
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert _key_state() == before


@pytest.mark.django_db
def test_an_admin_replaces_a_colleagues_key_pair_after_a_lost_device() -> None:
    # Given a caseworker on two cases, one of which the admin also works on; the caseworker
    # kept the keys of both
    organisation, recovery = keyed_organisation()
    admin = make_keyed_staff(Role.ADMIN, organisation)
    member = make_keyed_staff(Role.CASEWORKER, organisation)
    shared = make_full_case(owner=admin, colleague=member, document=PDF, full_name=NAME)
    alone = make_case(actor=member, full_name="Only the caseworker")
    kept_shared = unwrap_user_group_keys(case=shared, user=member.user, key_pair=member.key_pair)
    lost_session = sign_in_with_keys(Client(), member)

    # When the admin replaces the caseworker's key pair from their own session with keys
    response = _signed_in(admin).post(
        reverse("accounts:replace_colleague_keys", kwargs={"user_id": member.user.public_id}),
        {"confirm": "on"},
    )

    # Then the old private key opens no current key and the lost session is over
    assert response.status_code == 200
    assert not _opens_any_current_copy(member.key_pair.private_key)
    for name, group, context, envelope in _sealed_values(shared):
        assert not _opens(kept_shared[group], context, envelope), name
    assert lost_session.get(reverse("site:dashboard")).status_code == 302
    # and the old password no longer signs in; the recovery key shown to the admin lets
    # the colleague set a new one, which opens the new key pair
    member.user.refresh_from_db()
    assert not member.user.has_usable_password()
    personal = response.context["result"].personal_recovery_key
    assert personal in response.content.decode()
    do_reset_password_with_recovery_key(
        user=member.user, personal_recovery_key=personal, new_password=STAFF_PASSWORD + " new"
    )
    new_pair = unlock_staff_keys(user=member.user, password=STAFF_PASSWORD + " new")
    assert new_pair is not None
    # and the shared case was rotated with the admin's keys and reads with the new pair
    contents = read_case_contents(case=_fresh(shared), user=member.user, key_pair=new_pair)
    assert (contents.groups["identity"] or {}).get("full_name") == NAME
    # and the case-team key was shared again by the admin
    assert TeamKeyCopy.objects.filter(user=member.user).exists()
    assert _opens_any_current_copy(new_pair.private_key)
    # but the case the admin does not work on was taken from the caseworker and queued
    assert not CaseGroupKey.objects.filter(case=alone, user=member.user).exists()
    run = KeyRotation.objects.get(organisation=organisation, finished_on__isnull=True)
    assert AuditEvent.objects.filter(action="keys.rotation_started").count() == 1
    out = StringIO()
    call_command(
        "rotate_keys",
        "--organisation",
        str(organisation.public_id),
        stdin=StringIO(recovery.private_key_text + "\n"),
        stdout=out,
    )
    assert f"Resuming rotation {run.public_id}" in out.getvalue()
    assert set(CaseGroupKey.objects.filter(case=alone).values_list("version", flat=True)) == {2}
    event = AuditEvent.objects.get(action="keys.key_pair_replaced")
    assert event.actor == str(admin.user.public_id)
    assert event.object_ref == str(member.user.public_id)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["caseworker", "other_organisation_admin"])
def test_the_wrong_role_cannot_replace_a_colleagues_key_pair_and_nothing_is_written(
    who: str,
) -> None:
    # Given a caseworker on a case, and a caseworker colleague or another organisation's
    # admin, both signed in with keys
    organisation, _recovery = keyed_organisation()
    member = make_keyed_staff(Role.CASEWORKER, organisation)
    make_case(actor=member)
    if who == "caseworker":
        intruder = make_keyed_staff(Role.CASEWORKER, organisation)
    else:
        other, _other_recovery = keyed_organisation()
        intruder = make_keyed_staff(Role.ADMIN, other)
    before = _key_state()
    password = member.user.password

    # When they post the replacement of the caseworker's key pair
    response = _signed_in(intruder).post(
        reverse("accounts:replace_colleague_keys", kwargs={"user_id": member.user.public_id}),
        {"confirm": "on"},
    )

    # Then they are refused (403 for the role, 404 outside the organisation), nothing changed
    assert response.status_code == (403 if who == "caseworker" else 404)
    assert _key_state() == before
    member.user.refresh_from_db()
    assert member.user.password == password
    assert not AuditEvent.objects.filter(action="keys.key_pair_replaced").exists()


@pytest.mark.django_db
def test_an_admin_cannot_replace_the_key_pair_of_a_colleague_who_also_works_elsewhere() -> None:
    # Given a caseworker who also works for a second organisation
    organisation, _recovery = keyed_organisation()
    second, _second_recovery = keyed_organisation()
    admin = make_keyed_staff(Role.ADMIN, organisation)
    member = make_keyed_staff(Role.CASEWORKER, organisation)
    Membership.objects.create(user=member.user, organisation=second, role=Role.CASEWORKER)
    make_case(actor=member)
    before = _key_state()

    # When the first organisation's admin tries to replace their key pair
    response = _signed_in(admin).post(
        reverse("accounts:replace_colleague_keys", kwargs={"user_id": member.user.public_id}),
        {"confirm": "on"},
    )

    # Then the page names the operator's command and nothing changed
    assert response.status_code == 200
    assert "replace-staff-keys" in response.content.decode()
    assert _key_state() == before


@pytest.mark.django_db
def test_the_operator_replaces_a_key_pair_with_the_recovery_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given a caseworker on a case nobody else works on
    organisation, recovery = keyed_organisation()
    member = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=member, full_name=NAME)
    kept = unwrap_user_group_keys(case=case, user=member.user, key_pair=member.key_pair)

    # When the operator runs the command with the recovery key on standard input
    out = StringIO()
    call_command(
        "replace_staff_keys",
        "--organisation",
        str(organisation.public_id),
        "--email",
        member.user.email.upper(),
        stdin=StringIO(recovery.private_key_text + "\n"),
        stdout=out,
    )

    # Then the case was rotated, the old key pair opens nothing, the new one (via the
    # printed personal recovery key) reads the case
    output = out.getvalue()
    personal = output.strip().splitlines()[-1]
    new_pair = unwrap_private_key_with_recovery_key(
        envelope=bytes(StaffKeyPair.objects.get(user=member.user).recovery_envelope),
        personal_recovery_key=personal,
    )
    assert not _opens_any_current_copy(member.key_pair.private_key)
    for name, group, context, envelope in _sealed_values(case):
        assert not _opens(kept[group], context, envelope), name
    contents = read_case_contents(case=_fresh(case), user=member.user, key_pair=new_pair)
    assert (contents.groups["identity"] or {}).get("full_name") == NAME
    # and the output and logs name no person, value or recovery key
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for text in (NAME, member.user.email, member.user.display_name, recovery.private_key_text):
        assert text not in output
        assert text not in logged


@pytest.mark.django_db
def test_the_command_refuses_a_wrong_recovery_key_and_changes_nothing() -> None:
    # Given a caseworker with a case, and another organisation's recovery key
    organisation, _recovery = keyed_organisation()
    _other, other_recovery = keyed_organisation()
    member = make_keyed_staff(Role.CASEWORKER, organisation)
    make_case(actor=member)
    before = _key_state()

    # When it is given to the command
    with pytest.raises(CommandError, match="does not give the organisation's recovery key"):
        call_command(
            "replace_staff_keys",
            "--organisation",
            str(organisation.public_id),
            "--email",
            member.user.email,
            stdin=StringIO(other_recovery.private_key_text + "\n"),
            stdout=StringIO(),
        )

    # Then nothing changed
    assert _key_state() == before
    assert not AuditEvent.objects.filter(action="keys.key_pair_replaced").exists()


@pytest.mark.django_db
def test_an_unfiled_message_only_the_old_key_opens_is_queued_and_filed_by_the_rotation() -> None:
    # Given an intake taken by a caseworker, a message from the applicant sealed to them
    # (and the recovery key) before an admin joined the case
    world = intake_world()
    case = take(world, submit(world.organisation))
    do_send_applicant_message(applicant=Applicant.objects.get(case=case), body="unfiled marker")
    admin = make_keyed_staff(Role.ADMIN, world.organisation)
    do_add_case_member(
        actor=world.caseworker.user,
        key_pair=world.caseworker.key_pair,
        case=case,
        member=admin.user,
    )
    do_share_team_keys(user=world.caseworker.user, key_pair=world.caseworker.key_pair)
    member = world.caseworker

    # When the admin replaces the caseworker's key pair (the admin cannot open that message)
    response = _signed_in(admin).post(
        reverse("accounts:replace_colleague_keys", kwargs={"user_id": member.user.public_id}),
        {"confirm": "on"},
    )
    assert response.status_code == 200

    # Then the case waits for the recovery key's rotation, which files the message so
    # that the old private key opens no copy of it
    assert KeyRotation.objects.filter(finished_on__isnull=True).exists()
    call_command(
        "rotate_keys",
        "--organisation",
        str(world.organisation.public_id),
        stdin=StringIO(world.recovery.private_key_text + "\n"),
        stdout=StringIO(),
    )
    message = Message.objects.get(case=case)
    assert message.case_copy is not None
    with pytest.raises(CryptoError):
        open_message(
            envelope=bytes(message.applicant_copy),
            private_key=member.key_pair.private_key,
            context=FieldContext(
                model="intake.Message", field="applicant_copy", row_id=str(message.public_id)
            ),
        )
    assert not _opens_any_current_copy(member.key_pair.private_key)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["own", "admin", "operator"])
def test_the_case_team_key_the_old_key_pair_opened_is_replaced_too(path: str) -> None:
    # Given an untaken request sealed to the case team, whose key a caseworker, a colleague
    # and an admin hold; the caseworker's old key pair opens the team key
    world = intake_world()
    colleague = make_keyed_staff(Role.CASEWORKER, world.organisation)
    admin = make_keyed_staff(Role.ADMIN, world.organisation)
    do_share_team_keys(user=world.caseworker.user, key_pair=world.caseworker.key_pair)
    receipt = submit(world.organisation)
    case = Case.objects.get(code=receipt.case_code)
    member = world.caseworker
    keyring = OrganisationKeyring.objects.get(organisation=world.organisation)
    old_team = unwrap_team_key(
        envelope=bytes(TeamKeyCopy.objects.get(user=member.user).envelope),
        member_private_key=member.key_pair.private_key,
        team_id=team_id(world.organisation),
        team_public_key=PublicKey(raw=bytes(keyring.team_public_key or b"")),
    )

    # When the caseworker's key pair is replaced (by them, an admin, or the operator)
    if path == "own":
        response = sign_in_with_keys(Client(), member).post(
            reverse("accounts:replace_keys"), {"password": STAFF_PASSWORD, "confirm": "on"}
        )
        assert response.status_code == 200
    elif path == "admin":
        response = _signed_in(admin).post(
            reverse("accounts:replace_colleague_keys", kwargs={"user_id": member.user.public_id}),
            {"confirm": "on"},
        )
        assert response.status_code == 200
    else:
        call_command(
            "replace_staff_keys",
            "--organisation",
            str(world.organisation.public_id),
            "--email",
            member.user.email,
            stdin=StringIO(world.recovery.private_key_text + "\n"),
            stdout=StringIO(),
        )

    # Then the team has a new key pair; neither the old member key nor the old team key
    # opens any current copy; the request's keys are of a new version
    keyring.refresh_from_db()
    assert bytes(keyring.team_public_key or b"") != old_team.public_key.raw
    assert not _opens_any_current_copy(member.key_pair.private_key)
    assert not _opens_any_current_copy(old_team.private_key)
    assert set(CaseGroupKey.objects.filter(case=case).values_list("version", flat=True)) == {2}
    assert AuditEvent.objects.filter(action="keys.team_key_replaced").count() == 1
    # and a colleague still takes the request with the new team key and reads it
    do_take_case(actor=colleague.user, key_pair=colleague.key_pair, case=case)
    contents = read_case_contents(
        case=_fresh(case), user=colleague.user, key_pair=colleague.key_pair
    )
    assert contents.groups["identity"] is not None


@pytest.mark.django_db
def test_the_operator_replaces_the_team_key_of_a_second_organisation_with_its_recovery_key() -> (
    None
):
    # Given a caseworker of two organisations holding both case-team keys, with a case in each
    first, first_recovery = keyed_organisation()
    second, second_recovery = keyed_organisation()
    member = make_keyed_staff(Role.CASEWORKER, first)
    Membership.objects.create(user=member.user, organisation=second, role=Role.CASEWORKER)
    do_share_team_keys(user=member.user, key_pair=member.key_pair)
    assert TeamKeyCopy.objects.filter(user=member.user).count() == 2
    make_case(actor=member)

    def replace(organisation_id: str, recovery_text: str, *who: str) -> str:
        out = StringIO()
        call_command(
            "replace_staff_keys",
            "--organisation",
            organisation_id,
            *who,
            stdin=StringIO(recovery_text + "\n"),
            stdout=out,
        )
        return out.getvalue()

    # When the operator replaces the key pair with the first organisation's recovery key
    output = replace(
        str(first.public_id), first_recovery.private_key_text, "--email", member.user.email
    )

    # Then the second organisation's team key, which the old key pair opened, is named as
    # still to replace, and the old key still opens it
    assert "1 case-team keys of other organisations" in output
    assert _opens_any_current_copy(member.key_pair.private_key)

    assert "--team-key" in output
    personal = output.strip().splitlines()[-1]
    new_pair = unwrap_private_key_with_recovery_key(
        envelope=bytes(StaffKeyPair.objects.get(user=member.user).recovery_envelope),
        personal_recovery_key=personal,
    )

    # When the operator replaces the second organisation's team key with its recovery key
    replace(str(second.public_id), second_recovery.private_key_text, "--team-key")

    # Then the old key pair opens nothing any more, and the new one opens both team keys
    assert not _opens_any_current_copy(member.key_pair.private_key)
    assert AuditEvent.objects.filter(action="keys.team_key_replaced").count() == 2
    for organisation in (first, second):
        keyring = OrganisationKeyring.objects.get(organisation=organisation)
        unwrap_team_key(
            envelope=bytes(
                TeamKeyCopy.objects.get(user=member.user, organisation=organisation).envelope
            ),
            member_private_key=new_pair.private_key,
            team_id=team_id(organisation),
            team_public_key=PublicKey(raw=bytes(keyring.team_public_key or b"")),
        )


@pytest.mark.django_db
def test_an_admin_without_the_team_key_is_told_the_operator_replaces_it() -> None:
    # Given a caseworker holding the case-team key and an admin who was never given it
    world = intake_world()
    admin = make_keyed_staff(Role.ADMIN, world.organisation)
    member = world.caseworker
    assert not TeamKeyCopy.objects.filter(user=admin.user).exists()

    # When the admin replaces the caseworker's key pair
    response = _signed_in(admin).post(
        reverse("accounts:replace_colleague_keys", kwargs={"user_id": member.user.public_id}),
        {"confirm": "on"},
    )

    # Then the page says the operator must replace the team key, which the old key still
    # opens until the operator does
    assert response.status_code == 200
    assert "replace-staff-keys --team-key" in response.content.decode()
    assert _opens_any_current_copy(member.key_pair.private_key)
    call_command(
        "replace_staff_keys",
        "--organisation",
        str(world.organisation.public_id),
        "--team-key",
        stdin=StringIO(world.recovery.private_key_text + "\n"),
        stdout=StringIO(),
    )
    assert not _opens_any_current_copy(member.key_pair.private_key)


@pytest.mark.django_db
def test_the_admin_page_warns_how_many_cases_the_admin_holds_no_key_of() -> None:
    # Given a caseworker on two cases, one shared with the admin
    organisation, _recovery = keyed_organisation()
    admin = make_keyed_staff(Role.ADMIN, organisation)
    member = make_keyed_staff(Role.CASEWORKER, organisation)
    shared = make_case(actor=admin)
    do_add_case_member(actor=admin.user, key_pair=admin.key_pair, case=shared, member=member.user)
    make_case(actor=member)

    # When the admin opens the replacement page for the caseworker
    page = _signed_in(admin).get(
        reverse("accounts:replace_colleague_keys", kwargs={"user_id": member.user.public_id})
    )

    # Then it warns about the one case the admin holds no key of and names the operator's way
    assert page.status_code == 200
    assert page.context["cases_not_held"] == 1
    assert "You hold no key to parts of 1 case" in page.content.decode()
