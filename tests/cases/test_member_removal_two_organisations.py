"""Removing a member from organisation A touches only what A controls: a member who also
works for B keeps B's cases, those B referred to A included, and the keys B gave them;
only the access that came through A (A's own copies, A's referral copies) goes."""

import datetime

import pytest

from safepassage.accounts.models import Membership
from safepassage.accounts.roles import Role
from safepassage.cases.errors import AlreadyHoldsCaseKeys
from safepassage.cases.key_actions import do_share_team_keys
from safepassage.cases.member_removal_actions import do_remove_member
from safepassage.cases.models import Case, CaseGroupKey, CaseMember, CaseReferral, KeyRotation
from safepassage.cases.referral_actions import Consent, do_accept_referral, do_refer_case
from safepassage.core.crypto import SensitiveGroup
from safepassage.organisations.models import Organisation, Partnership
from tests.cases.factories import KeyedStaff, keyed_organisation, make_case, make_keyed_staff
from tests.factories import StaffMember

pytestmark = pytest.mark.django_db


def _partners(first: Organisation, second: Organisation) -> None:
    Partnership.objects.create(organisation=first, partner=second)
    Partnership.objects.create(organisation=second, partner=first)


def _also_member_of(keyed: KeyedStaff, organisation: Organisation) -> KeyedStaff:
    """The same person, with the same key pair, as a caseworker of ``organisation`` too."""
    Membership.objects.create(user=keyed.user, organisation=organisation, role=Role.CASEWORKER)
    staff = StaffMember(
        user=keyed.user,
        organisation=organisation,
        role=Role.CASEWORKER,
        device=keyed.staff.device,
    )
    return KeyedStaff(
        staff=staff, key_pair=keyed.key_pair, personal_recovery_key=keyed.personal_recovery_key
    )


def _refer(*, sender: KeyedStaff, case: Case, to: Organisation) -> CaseReferral:
    return do_refer_case(
        actor=sender.user,
        key_pair=sender.key_pair,
        case=case,
        to_organisation=to,
        groups=[SensitiveGroup.IDENTITY],
        consent=Consent(
            given_by="The person", given_on=datetime.date(2026, 11, 20), how_obtained="In person"
        ),
        sender_keeps_access=True,
        expires_on=None,
    )


def _two_organisations() -> tuple[KeyedStaff, KeyedStaff, KeyedStaff]:
    """Admin of A, the member as caseworker of A (holding A's team key), the same member as
    caseworker of B (holding B's team key); A and B are partners."""
    organisation_a, _ = keyed_organisation()
    organisation_b, _ = keyed_organisation()
    _partners(organisation_a, organisation_b)
    admin_a = make_keyed_staff(Role.ADMIN, organisation_a)
    member_in_a = make_keyed_staff(Role.CASEWORKER, organisation_a)
    member_in_b = _also_member_of(member_in_a, organisation_b)
    admin_b = make_keyed_staff(Role.ADMIN, organisation_b)
    do_share_team_keys(user=admin_a.user, key_pair=admin_a.key_pair)
    do_share_team_keys(user=admin_b.user, key_pair=admin_b.key_pair)
    return admin_a, member_in_a, member_in_b


def _keys(case: Case, keyed: KeyedStaff) -> set[int]:
    return set(CaseGroupKey.objects.filter(case=case, user=keyed.user).values_list("pk", flat=True))


def test_a_case_of_b_referred_to_a_and_taken_by_them_for_a_is_left() -> None:
    # Given a member of A and B who accepted, for A, a case another caseworker of B referred
    admin_a, member_in_a, member_in_b = _two_organisations()
    colleague_in_b = make_keyed_staff(Role.CASEWORKER, member_in_b.staff.organisation)
    case_of_b = make_case(actor=colleague_in_b)
    referral = _refer(sender=colleague_in_b, case=case_of_b, to=member_in_a.staff.organisation)
    do_accept_referral(actor=member_in_a.user, key_pair=member_in_a.key_pair, referral=referral)

    # When A's admin removes them from A
    result = do_remove_member(
        actor=admin_a.user,
        membership=Membership.objects.get(
            user=member_in_a.user, organisation=member_in_a.staff.organisation
        ),
    )

    # Then they are off that case: A gave them the access, A takes it back
    assert not CaseMember.objects.filter(case=case_of_b, user=member_in_a.user).exists()
    assert not CaseGroupKey.objects.filter(case=case_of_b, user=member_in_a.user).exists()
    assert result.cases_left == 1


def test_a_case_of_b_referred_to_a_not_accepted_by_them_is_untouched() -> None:
    # Given a member of A and B on a case of B referred to A, accepted by nobody
    admin_a, member_in_a, member_in_b = _two_organisations()
    case_of_b = make_case(actor=member_in_b)
    _refer(sender=member_in_b, case=case_of_b, to=member_in_a.staff.organisation)
    b_keys = _keys(case_of_b, member_in_b)

    # When A's admin removes them from A
    result = do_remove_member(
        actor=admin_a.user,
        membership=Membership.objects.get(
            user=member_in_a.user, organisation=member_in_a.staff.organisation
        ),
    )

    # Then B's case is as it was: the member on it, their keys, no rotation queued for it
    assert CaseMember.objects.filter(case=case_of_b, user=member_in_a.user).exists()
    assert _keys(case_of_b, member_in_b) == b_keys
    assert not KeyRotation.objects.filter(organisation=case_of_b.organisation).exists()
    assert result.cases_left == 0


def test_a_case_of_a_referred_to_b_keeps_what_b_gave_them() -> None:
    # Given a case of A (another caseworker's) referred to B, which the member accepted as
    # B's caseworker, and a case of A they work on through A
    admin_a, member_in_a, member_in_b = _two_organisations()
    colleague_in_a = make_keyed_staff(Role.CASEWORKER, member_in_a.staff.organisation)
    case_of_a = make_case(actor=colleague_in_a)
    referral = _refer(sender=colleague_in_a, case=case_of_a, to=member_in_b.staff.organisation)
    do_accept_referral(actor=member_in_b.user, key_pair=member_in_b.key_pair, referral=referral)
    b_keys = _keys(case_of_a, member_in_b)
    own_case_of_a = make_case(actor=member_in_a)
    assert b_keys

    # When A's admin removes them from A
    result = do_remove_member(
        actor=admin_a.user,
        membership=Membership.objects.get(
            user=member_in_a.user, organisation=member_in_a.staff.organisation
        ),
    )

    # Then the copies B's referral gave them stay, so they still work on it for B
    assert _keys(case_of_a, member_in_a) == b_keys
    assert CaseMember.objects.filter(case=case_of_a, user=member_in_a.user).exists()
    # and the case they worked on through A is left, waiting for new keys
    assert not CaseMember.objects.filter(case=own_case_of_a, user=member_in_a.user).exists()
    assert not _keys(own_case_of_a, member_in_a)
    assert KeyRotation.objects.filter(organisation=own_case_of_a.organisation).exists()
    assert result.cases_left == 1


def test_a_member_of_a_only_still_leaves_a_case_referred_to_a() -> None:
    # Given a case of B referred to A and accepted by a member of A alone
    admin_a, member_in_a, member_in_b = _two_organisations()
    only_in_a = make_keyed_staff(Role.CASEWORKER, member_in_a.staff.organisation)
    do_share_team_keys(user=admin_a.user, key_pair=admin_a.key_pair)
    case_of_b = make_case(actor=member_in_b)
    referral = _refer(sender=member_in_b, case=case_of_b, to=member_in_a.staff.organisation)
    do_accept_referral(actor=only_in_a.user, key_pair=only_in_a.key_pair, referral=referral)

    # When A's admin removes them
    result = do_remove_member(
        actor=admin_a.user,
        membership=Membership.objects.get(user=only_in_a.user),
    )

    # Then they are off the case with none of its keys
    assert not CaseMember.objects.filter(case=case_of_b, user=only_in_a.user).exists()
    assert not CaseGroupKey.objects.filter(case=case_of_b, user=only_in_a.user).exists()
    assert result.cases_left == 1


def test_someone_already_holding_the_case_s_keys_cannot_accept_its_referral_again() -> None:
    # Given a member of A and B on a case of B, which B referred to A
    admin_a, member_in_a, member_in_b = _two_organisations()
    case_of_b = make_case(actor=member_in_b)
    referral = _refer(sender=member_in_b, case=case_of_b, to=member_in_a.staff.organisation)
    before = set(CaseGroupKey.objects.values_list("pk", flat=True))

    # When they try to accept it for A too, then it is refused and nothing is written
    with pytest.raises(AlreadyHoldsCaseKeys):
        do_accept_referral(actor=member_in_a.user, key_pair=member_in_a.key_pair, referral=referral)
    assert set(CaseGroupKey.objects.values_list("pk", flat=True)) == before
    referral.refresh_from_db()
    assert referral.accepted_on is None
    # and a colleague of A still can
    colleague_in_a = make_keyed_staff(Role.CASEWORKER, member_in_a.staff.organisation)
    do_share_team_keys(user=admin_a.user, key_pair=admin_a.key_pair)
    do_accept_referral(
        actor=colleague_in_a.user, key_pair=colleague_in_a.key_pair, referral=referral
    )
    assert CaseMember.objects.filter(case=case_of_b, user=colleague_in_a.user).exists()
