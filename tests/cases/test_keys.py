"""Key wrapping in the Django layer: enrolment, password change, reset, team keys, removal."""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import Invitation
from safepassage.accounts.roles import Role
from safepassage.accounts.tokens import make_invitation_token
from safepassage.audit.models import AuditEvent
from safepassage.cases.actions import do_add_case_member, do_remove_case_member
from safepassage.cases.errors import NoCaseKey, WrongPassword, WrongRecoveryKey
from safepassage.cases.key_actions import (
    check_change_password,
    do_change_password,
    do_reset_password_with_recovery_key,
    do_share_team_keys,
    unlock_staff_keys,
)
from safepassage.cases.models import CaseGroupKey, CaseMember, StaffKeyPair, TeamKeyCopy
from safepassage.cases.sealing import unwrap_user_group_key
from safepassage.core.crypto import SensitiveGroup, read_password_envelope
from tests.cases.factories import keyed_organisation, make_case, make_keyed_staff
from tests.factories import STAFF_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a completely different long passphrase"


def test_accepting_an_invitation_enrols_a_key_pair_and_shows_the_recovery_key_once(
    client: Client,
) -> None:
    # Given an invitation to a case organisation with a recovery key
    organisation, _ = keyed_organisation()
    invitation = Invitation.objects.create(
        organisation=organisation,
        email="new.caseworker@example.org",
        role=Role.CASEWORKER,
        expires_at="2999-01-01T00:00:00Z",
    )

    # When the invitee sets a password
    response = client.post(
        reverse("accounts:accept_invitation", args=[make_invitation_token(invitation.public_id)]),
        {"display_name": "Nadia", "password": STAFF_PASSWORD, "password_again": STAFF_PASSWORD},
    )

    # Then the page shows the personal recovery key, which is stored nowhere
    assert response.status_code == 200
    page = response.content.decode()
    stored = StaffKeyPair.objects.get(user__email="new.caseworker@example.org")
    personal = page.split('class="recovery-key">')[1].split("<")[0]
    assert personal.startswith("SPU-")
    assert personal.encode() not in bytes(stored.password_envelope)
    # And the password opens the key pair; as first case-team member they hold the team key
    key_pair = unlock_staff_keys(user=stored.user, password=STAFF_PASSWORD)
    assert key_pair is not None
    assert key_pair.public_key.raw == bytes(stored.public_key)
    assert TeamKeyCopy.objects.filter(user=stored.user, organisation=organisation).exists()


def test_a_wrong_password_unlocks_nothing() -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)

    assert unlock_staff_keys(user=keyed.user, password="not the password at all") is None


def test_password_change_rewraps_the_same_private_key() -> None:
    # Given a caseworker holding a case key
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=keyed)
    before = bytes(StaffKeyPair.objects.get(user=keyed.user).password_envelope)

    # When they change their password
    check_change_password(user=keyed.user, old_password=STAFF_PASSWORD)
    do_change_password(user=keyed.user, old_password=STAFF_PASSWORD, new_password=NEW_PASSWORD)

    # Then the envelope changed, the old password opens nothing, the new one the same key
    after = bytes(StaffKeyPair.objects.get(user=keyed.user).password_envelope)
    assert after != before
    assert unlock_staff_keys(user=keyed.user, password=STAFF_PASSWORD) is None
    key_pair = unlock_staff_keys(user=keyed.user, password=NEW_PASSWORD)
    assert key_pair is not None
    assert key_pair.private_key == keyed.key_pair.private_key
    assert unwrap_user_group_key(
        case=case, user=keyed.user, key_pair=key_pair, group=SensitiveGroup.IDENTITY
    )
    assert keyed.user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="password.changed").count() == 1


def test_password_change_with_a_wrong_old_password_changes_nothing() -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    before = bytes(StaffKeyPair.objects.get(user=keyed.user).password_envelope)

    with pytest.raises(WrongPassword):
        check_change_password(user=keyed.user, old_password="wrong wrong wrong wrong")

    assert bytes(StaffKeyPair.objects.get(user=keyed.user).password_envelope) == before
    assert not AuditEvent.objects.filter(action="password.changed").exists()


def test_reset_with_the_personal_recovery_key_restores_the_same_key_pair() -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)

    do_reset_password_with_recovery_key(
        user=keyed.user,
        personal_recovery_key=keyed.personal_recovery_key,
        new_password=NEW_PASSWORD,
    )

    key_pair = unlock_staff_keys(user=keyed.user, password=NEW_PASSWORD)
    assert key_pair is not None
    assert key_pair.private_key == keyed.key_pair.private_key
    assert unlock_staff_keys(user=keyed.user, password=STAFF_PASSWORD) is None


def test_reset_with_someone_elses_recovery_key_fails_and_changes_nothing() -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    other = make_keyed_staff(Role.CASEWORKER, organisation)

    with pytest.raises(WrongRecoveryKey):
        do_reset_password_with_recovery_key(
            user=keyed.user,
            personal_recovery_key=other.personal_recovery_key,
            new_password=NEW_PASSWORD,
        )

    assert unlock_staff_keys(user=keyed.user, password=STAFF_PASSWORD) is not None
    assert keyed.user.check_password(STAFF_PASSWORD)


def test_removal_from_a_case_deletes_the_wrapped_keys_and_the_access() -> None:
    # Given a case shared with a colleague
    organisation, _ = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    colleague = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=owner)
    do_add_case_member(actor=owner.user, key_pair=owner.key_pair, case=case, member=colleague.user)
    assert unwrap_user_group_key(
        case=case, user=colleague.user, key_pair=colleague.key_pair, group=SensitiveGroup.IDENTITY
    )

    # When the colleague is removed
    do_remove_case_member(actor=owner.user, case=case, member=colleague.user)

    # Then no wrapped copy for them is left, they cannot unwrap, and the owner still can
    assert not CaseGroupKey.objects.filter(case=case, user=colleague.user).exists()
    assert not CaseMember.objects.filter(case=case, user=colleague.user).exists()
    with pytest.raises(NoCaseKey):
        unwrap_user_group_key(
            case=case,
            user=colleague.user,
            key_pair=colleague.key_pair,
            group=SensitiveGroup.IDENTITY,
        )
    assert unwrap_user_group_key(
        case=case, user=owner.user, key_pair=owner.key_pair, group=SensitiveGroup.IDENTITY
    )


def test_every_case_key_has_a_recovery_copy_that_the_offline_key_opens() -> None:
    from safepassage.core.crypto import parse_organisation_recovery_key, unwrap_group_key

    organisation, recovery = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=owner)
    private = parse_organisation_recovery_key(
        text=recovery.private_key_text, expected_public_key=recovery.public_key
    )

    copies = CaseGroupKey.objects.filter(case=case, holder_kind="recovery")

    assert {copy.group for copy in copies} == {group.value for group in SensitiveGroup}
    for copy in copies:
        assert unwrap_group_key(
            envelope=bytes(copy.envelope),
            private_key=private,
            case_id=str(case.public_id),
            group=SensitiveGroup(copy.group),
        )


def test_a_signed_in_team_member_shares_the_team_key_with_new_colleagues() -> None:
    # Given an admin who created the team key and a caseworker who joined later
    organisation, _ = keyed_organisation()
    admin = make_keyed_staff(Role.ADMIN, organisation)
    later = make_keyed_staff(Role.CASEWORKER, organisation)
    fundraiser = make_keyed_staff(Role.FUNDRAISER, organisation)
    assert not TeamKeyCopy.objects.filter(user=later.user).exists()

    # When the admin's keys are unlocked (sign-in does this)
    shared = do_share_team_keys(user=admin.user, key_pair=admin.key_pair)

    # Then the caseworker holds a copy, the fundraiser (not case team) does not
    assert shared == 1
    assert TeamKeyCopy.objects.filter(user=later.user, organisation=organisation).exists()
    assert not TeamKeyCopy.objects.filter(user=fundraiser.user).exists()


def test_weak_envelopes_are_rewrapped_at_unlock(settings: object) -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    settings.SAFEPASSAGE_KDF_PARAMETERS = {"memory_kib": 16, "iterations": 2, "parallelism": 1}  # type: ignore[attr-defined]  # pytest-django settings fixture

    assert unlock_staff_keys(user=keyed.user, password=STAFF_PASSWORD) is not None

    envelope = bytes(StaffKeyPair.objects.get(user=keyed.user).password_envelope)
    assert read_password_envelope(envelope).parameters.iterations == 2
