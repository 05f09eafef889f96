"""Key-wrapping properties the issue names, end to end through the real sign-in pages:
password change re-wraps the private key; a reset without the old password needs a recovery
key; removal from a case removes every wrapped copy (referrals: ``test_referrals.py``)."""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.cases.actions import do_add_case_member, do_remove_case_member
from safepassage.cases.key_actions import unlock_staff_keys
from safepassage.cases.models import Case, CaseGroupKey, HolderKind, StaffKeyPair
from safepassage.cases.sealing import unwrap_user_group_keys
from safepassage.core.crypto import (
    CryptoError,
    KeyPair,
    SensitiveGroup,
    generate_key_pair,
    rewrap_group_key,
    unwrap_group_key,
)
from tests.cases.factories import (
    KeyedStaff,
    keyed_organisation,
    make_case,
    make_keyed_staff,
    recovery_private_key,
    sign_in_with_keys,
)
from tests.factories import STAFF_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another long passphrase for the test"
NAME = "Wrapped Person Marker"


def _sign_in_through_the_pages(keyed: KeyedStaff, password: str) -> Client:
    client = Client()
    client.post(reverse("accounts:login"), {"email": keyed.user.email, "password": password})
    client.post(reverse("accounts:two_factor"), {"code": keyed.staff.current_code()})
    return client


def _case_page(client: Client, case: Case) -> str:
    return client.get(reverse("cases:detail", kwargs={"case_id": case.public_id})).text


def test_after_a_password_change_signing_in_with_the_new_password_opens_the_cases() -> None:
    # Given a caseworker with a case
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=keyed, full_name=NAME)
    before = bytes(StaffKeyPair.objects.get(user=keyed.user).password_envelope)

    # When they change the password on the page and later sign in with the new one
    sign_in_with_keys(Client(), keyed).post(
        reverse("accounts:change_password"),
        {
            "old_password": STAFF_PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    client = _sign_in_through_the_pages(keyed, NEW_PASSWORD)

    # Then the private key was re-wrapped (new envelope, same key) and the case opens
    assert bytes(StaffKeyPair.objects.get(user=keyed.user).password_envelope) != before
    assert NAME in _case_page(client, case)


def test_a_password_set_without_the_old_one_or_a_recovery_key_opens_no_case() -> None:
    # Given a caseworker with a case
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=keyed, full_name=NAME)
    envelope = bytes(StaffKeyPair.objects.get(user=keyed.user).password_envelope)

    # When the account password is replaced the way an e-mail reset would (no key involved)
    keyed.user.set_password(NEW_PASSWORD)
    keyed.user.save()
    client = _sign_in_through_the_pages(keyed, NEW_PASSWORD)

    # Then they are signed in, but no key opens: the page shows nothing sealed
    page = _case_page(client, case)
    assert case.code in page
    assert NAME not in page
    assert unlock_staff_keys(user=keyed.user, password=NEW_PASSWORD) is None
    assert bytes(StaffKeyPair.objects.get(user=keyed.user).password_envelope) == envelope


def test_without_the_personal_recovery_key_only_the_organisation_recovery_key_regrants() -> None:
    # Given a caseworker who lost both password and personal recovery key, and a new key pair
    organisation, recovery = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=keyed, full_name=NAME)
    fresh: KeyPair = generate_key_pair()

    # When someone without the recovery key tries to re-wrap the recovery copies, it fails
    copies = CaseGroupKey.objects.filter(case=case, holder_kind=HolderKind.RECOVERY)
    for copy in copies:
        with pytest.raises(CryptoError):
            rewrap_group_key(
                envelope=bytes(copy.envelope),
                private_key=fresh.private_key,
                case_id=str(case.public_id),
                group=SensitiveGroup(copy.group),
                recipient=fresh.public_key,
            )

    # and a recovery holder (offline key) re-wraps every group to the new key pair
    recovery_key = recovery_private_key(recovery)
    StaffKeyPair.objects.filter(user=keyed.user).update(public_key=fresh.public_key.raw)
    CaseGroupKey.objects.filter(case=case, user=keyed.user).delete()
    CaseGroupKey.objects.bulk_create(
        CaseGroupKey(
            case=case,
            group=copy.group,
            version=copy.version,
            holder_kind=HolderKind.USER,
            user=keyed.user,
            recipient_fingerprint=fresh.public_key.fingerprint,
            envelope=rewrap_group_key(
                envelope=bytes(copy.envelope),
                private_key=recovery_key,
                case_id=str(case.public_id),
                group=SensitiveGroup(copy.group),
                recipient=fresh.public_key,
            ),
        )
        for copy in copies
    )

    # Then the new key pair opens every group and the lost one opens none
    assert len(unwrap_user_group_keys(case=case, user=keyed.user, key_pair=fresh)) == len(
        SensitiveGroup
    )
    assert unwrap_user_group_keys(case=case, user=keyed.user, key_pair=keyed.key_pair) == {}


def test_removal_leaves_no_copy_the_removed_key_pair_opens() -> None:
    # Given a case shared with a colleague
    organisation, _ = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    colleague = make_keyed_staff(Role.ADMIN, organisation)
    case = make_case(actor=owner, full_name=NAME)
    do_add_case_member(actor=owner.user, key_pair=owner.key_pair, case=case, member=colleague.user)
    assert NAME in _case_page(sign_in_with_keys(Client(), colleague), case)

    # When they are removed
    do_remove_case_member(actor=owner.user, case=case, member=colleague.user)

    # Then not one stored copy of any group key opens with their private key
    for copy in CaseGroupKey.objects.filter(case=case):
        with pytest.raises(CryptoError):
            unwrap_group_key(
                envelope=bytes(copy.envelope),
                private_key=colleague.key_pair.private_key,
                case_id=str(case.public_id),
                group=SensitiveGroup(copy.group),
            )
    assert (
        sign_in_with_keys(Client(), colleague)
        .get(reverse("cases:detail", kwargs={"case_id": case.public_id}))
        .status_code
        == 404
    )
