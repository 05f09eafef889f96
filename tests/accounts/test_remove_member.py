"""An organisation admin removes a member: off every case of the organisation with their
wrapped keys, no case-team key copy, every session ended, the cases queued for new keys,
audited; the wrong role, another organisation's admin and a stale sign-in change nothing."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from safepassage.accounts.errors import LastAdminRefused
from safepassage.accounts.models import Membership
from safepassage.accounts.reauthentication import SESSION_KEY as AUTHENTICATED_AT
from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.cases.key_actions import do_share_team_keys
from safepassage.cases.member_removal_actions import check_remove_member, do_remove_member
from safepassage.cases.models import CaseGroupKey, CaseMember, KeyRotation, TeamKeyCopy
from tests.cases.factories import (
    KeyedStaff,
    keyed_organisation,
    make_case,
    make_keyed_staff,
    sign_in_with_keys,
)
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db


def _url(membership_of: KeyedStaff) -> str:
    return reverse(
        "accounts:remove_member",
        kwargs={
            "organisation_id": membership_of.staff.organisation.public_id,
            "user_id": membership_of.user.public_id,
        },
    )


def _writes() -> tuple[int, ...]:
    return (
        Membership.objects.count(),
        CaseMember.objects.count(),
        CaseGroupKey.objects.count(),
        TeamKeyCopy.objects.count(),
        KeyRotation.objects.count(),
        AuditEvent.objects.count(),
        len(mail.outbox),
    )


def _team() -> tuple[KeyedStaff, KeyedStaff]:
    organisation, _recovery = keyed_organisation()
    admin = make_keyed_staff(Role.ADMIN, organisation)
    caseworker = make_keyed_staff(Role.CASEWORKER, organisation)
    do_share_team_keys(user=admin.user, key_pair=admin.key_pair)
    return admin, caseworker


def test_an_admin_removes_a_caseworker_from_everything_the_organisation_gave_them() -> None:
    # Given a caseworker alone on a case, holding the case-team key, signed in somewhere
    admin, caseworker = _team()
    case = make_case(actor=caseworker)
    assert TeamKeyCopy.objects.filter(user=caseworker.user).exists()
    their_session = sign_in_with_keys(Client(), caseworker)
    client = sign_in_with_keys(Client(), admin)

    # When an admin confirms removing them
    page = client.get(_url(caseworker))
    response = client.post(_url(caseworker), {"confirm": "on"}, follow=True)

    # Then they are no longer a member, on no case, with no key copy of any kind
    assert page.status_code == 200
    assert not Membership.objects.filter(user=caseworker.user).exists()
    assert not CaseMember.objects.filter(user=caseworker.user).exists()
    assert not CaseGroupKey.objects.filter(user=caseworker.user).exists()
    assert not TeamKeyCopy.objects.filter(user=caseworker.user).exists()
    # and their session is over
    assert their_session.get(reverse("cases:queue")).status_code == 302
    # and the case waits for new keys; the admin is told nobody is left on it
    assert KeyRotation.objects.filter(organisation=case.organisation).exists()
    assert case.code in response.content.decode()
    # and it is audited by reference only
    event = AuditEvent.objects.get(action="membership.removed")
    assert (event.actor, event.object_ref) == (
        str(admin.user.public_id),
        str(caseworker.user.public_id),
    )
    assert AuditEvent.objects.filter(action="case.member_removed", object_ref=str(case.public_id))


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.TRAVEL_COORDINATOR, Role.VIEWER])
def test_other_roles_cannot_remove_anyone_and_nothing_is_written(role: str) -> None:
    admin, caseworker = _team()
    make_case(actor=caseworker)
    other = make_staff(role, admin.staff.organisation)
    before = _writes()

    response = sign_in(Client(), other).post(_url(caseworker), {"confirm": "on"})

    assert response.status_code == 403
    assert _writes() == before


def test_an_admin_of_another_organisation_gets_404_and_nothing_is_written() -> None:
    _admin, caseworker = _team()
    stranger = make_staff(Role.ADMIN)
    before = _writes()

    response = sign_in(Client(), stranger).post(_url(caseworker), {"confirm": "on"})

    assert response.status_code == 404
    assert _writes() == before


def test_the_only_admin_cannot_remove_themselves() -> None:
    admin, _caseworker = _team()
    before = _writes()

    response = sign_in(Client(), admin.staff).post(_url(admin), {"confirm": "on"})

    assert response.status_code == 200
    assert "You cannot remove yourself" in response.content.decode()
    assert _writes() == before


def test_nothing_happens_without_the_confirmation_or_with_a_stale_sign_in() -> None:
    admin, caseworker = _team()
    before = _writes()

    unconfirmed = sign_in(Client(), admin.staff).post(_url(caseworker), {})
    stale = sign_in(Client(), admin.staff)
    session = stale.session
    del session[AUTHENTICATED_AT]
    session.save()
    stale_response = stale.post(_url(caseworker), {"confirm": "on"})

    assert unconfirmed.status_code == 200
    assert stale_response.status_code == 302
    assert _writes() == before


def test_the_organisation_page_offers_removal_to_admins_only() -> None:
    admin, caseworker = _team()
    organisation_url = reverse(
        "organisations:detail", kwargs={"organisation_id": admin.staff.organisation.public_id}
    )

    admin_page = sign_in(Client(), admin.staff).get(organisation_url).content.decode()
    caseworker_page = sign_in(Client(), caseworker.staff).get(organisation_url).content.decode()

    assert _url(caseworker) in admin_page
    assert _url(admin) not in admin_page  # not yourself
    assert "/remove/" not in caseworker_page


def test_removing_someone_on_no_case_says_so_plainly() -> None:
    admin, _caseworker = _team()
    viewer = make_keyed_staff(Role.VIEWER, admin.staff.organisation)

    response = sign_in_with_keys(Client(), admin).post(_url(viewer), {"confirm": "on"}, follow=True)

    page = response.content.decode()
    assert "They were on no case of the organisation." in page
    assert "0 cases" not in page
    assert not Membership.objects.filter(user=viewer.user).exists()


def test_an_admin_removes_another_admin_and_is_then_the_last_one() -> None:
    # Given two admins
    admin, _caseworker = _team()
    other_admin = make_keyed_staff(Role.ADMIN, admin.staff.organisation)
    membership = Membership.objects.get(user=other_admin.user)

    # When one removes the other, and a stale second call repeats it
    first = do_remove_member(actor=admin.user, membership=membership)
    before = _writes()
    again = do_remove_member(actor=admin.user, membership=membership)

    # Then the second call finds nothing to do and writes nothing
    assert first.cases_left == 0
    assert again.cases_left == 0
    assert _writes() == before
    # and the remaining admin cannot be removed: the organisation keeps an admin
    with pytest.raises(LastAdminRefused):
        check_remove_member(
            actor=other_admin.user, membership=Membership.objects.get(user=admin.user)
        )
