# ruff: noqa: RUF001  (Russian interface text: Cyrillic letters that look Latin are meant)
"""Pending two-factor resets on the organisation page, and cancelling one (decision 0025):
the admin sees who is waiting, since when and who issued the code, and can make a code
that reached the wrong person stop working."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from safepassage.accounts.errors import EnrolmentCodeInvalid
from safepassage.accounts.models import Membership, TwoFactorReset
from safepassage.accounts.roles import Role
from safepassage.accounts.two_factor_reset_actions import check_enrolment_code
from safepassage.audit.models import AuditEvent
from tests.accounts.factories import colleagues, enter_password, reset_two_factor
from tests.factories import OrganisationFactory, StaffMember, make_staff, sign_in

pytestmark = pytest.mark.django_db

CANCELLED = "two_factor.reset_cancelled"


def _cancel_url(member: StaffMember) -> str:
    return reverse(
        "accounts:cancel_colleague_two_factor_reset", kwargs={"user_id": member.user.public_id}
    )


def _organisation_page(client: Client, staff: StaffMember, language: str = "en") -> str:
    url = reverse("organisations:detail", kwargs={"organisation_id": staff.organisation.public_id})
    return client.get(url, headers={"accept-language": language}).content.decode()


def _reset_state(member: StaffMember) -> list[tuple[object, ...]]:
    return list(
        TwoFactorReset.objects.filter(user=member.user).values_list(
            "expires_at", "code_used_at", "enrolled_at"
        )
    )


def test_the_organisation_page_lists_a_pending_reset_with_who_issued_it_and_when() -> None:
    # Given a caseworker whose second factor their admin reset
    admin, member = colleagues()
    reset_two_factor(admin, member)
    # When the admin (or another admin) opens the organisation page
    other_admin = make_staff(Role.ADMIN, admin.organisation)
    page = _organisation_page(sign_in(Client(), other_admin), other_admin)
    # Then the pending reset is listed: the colleague and role, the day, the issuer and role
    assert page.count('id="pending-two-factor-resets"') == 1
    section = page[page.index('id="pending-two-factor-resets"') :]
    assert section.index("</main>") > section.index(member.user.display_name)
    assert member.user.display_name in section
    assert "Caseworker" in section
    assert admin.user.display_name in section
    assert "Organisation admin" in section
    assert timezone.now().strftime("%Y") in section
    assert "Not used yet (works until" in section
    assert _cancel_url(member) in section
    # And no address of anyone
    assert member.user.email not in section
    assert admin.user.email not in section


def test_a_page_without_pending_resets_says_so_and_other_roles_do_not_see_the_section() -> None:
    # Given an organisation with no pending reset, its admin and its viewer
    admin, _member = colleagues()
    viewer = make_staff(Role.VIEWER, admin.organisation)
    # When each opens the organisation page
    admin_page = _organisation_page(sign_in(Client(), admin), admin)
    viewer_page = _organisation_page(sign_in(Client(), viewer), viewer)
    # Then the admin reads that none is pending, the viewer sees no such section
    assert "No two-factor reset is pending." in admin_page
    assert "pending-two-factor-resets" not in viewer_page


def test_cancelling_makes_the_code_stop_working_and_keeps_the_colleague_locked_out() -> None:
    # Given a reset colleague whose code reached the wrong person
    admin, member = colleagues()
    code = reset_two_factor(admin, member)
    client = sign_in(Client(), admin)
    # When the admin confirms the cancellation
    shown = client.get(_cancel_url(member))
    response = client.post(_cancel_url(member))
    # Then the code no longer works
    assert shown.status_code == 200
    assert "Cancel the reset" in shown.content.decode()
    assert response.status_code == 200
    assert 'id="reset-cancelled"' in response.content.decode()
    with pytest.raises(EnrolmentCodeInvalid):
        check_enrolment_code(user=member.user, code=code)
    # And their password alone still cannot enrol an authenticator: the code page refuses it
    thief = Client()
    enter_password(thief, member)
    assert thief.get(reverse("accounts:enrol"))["Location"] == reverse("accounts:enrolment_code")
    refused = thief.post(reverse("accounts:enrolment_code"), {"code": code})
    assert "not valid" in refused.content.decode()
    assert thief.get(reverse("accounts:enrol"))["Location"] == reverse("accounts:enrolment_code")
    # And the cancellation is audited once per organisation of theirs, by reference only
    event = AuditEvent.objects.get(action=CANCELLED)
    assert event.actor == str(admin.user.public_id)
    assert event.object_ref == str(member.user.public_id)
    assert event.organisation == str(admin.organisation.public_id)
    # And the organisation page now says a new reset is needed, with nothing to cancel
    page = _organisation_page(client, admin)
    assert "No longer works (since" in page
    assert _cancel_url(member) not in page


def test_a_browser_that_already_entered_the_code_cannot_enrol_after_the_cancellation() -> None:
    # Given a reset colleague whose code someone already entered in their browser
    admin, member = colleagues()
    code = reset_two_factor(admin, member)
    browser = Client()
    enter_password(browser, member)
    browser.post(reverse("accounts:enrolment_code"), {"code": code})
    assert browser.get(reverse("accounts:enrol")).status_code == 200
    # When the admin cancels the reset
    assert sign_in(Client(), admin).post(_cancel_url(member)).status_code == 200
    # Then that browser can no longer set up an authenticator
    assert browser.get(reverse("accounts:enrol"))["Location"] == reverse("accounts:enrolment_code")
    assert TwoFactorReset.objects.get(user=member.user).enrolled_at is None


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (Role.CASEWORKER, 403),
        (Role.TRAVEL_COORDINATOR, 403),
        (Role.FUNDRAISER, 403),
        (Role.VIEWER, 403),
        ("other_organisation_admin", 404),
    ],
)
def test_the_wrong_role_is_refused_and_nothing_is_written(
    who: str, status: int, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    # Given a pending reset, and a colleague of another role or another organisation's admin
    admin, member = colleagues()
    code = reset_two_factor(admin, member)
    mail.outbox.clear()
    intruder = (
        make_staff(Role.ADMIN)
        if who == "other_organisation_admin"
        else make_staff(Role(who), admin.organisation)
    )
    before = _reset_state(member)
    events = AuditEvent.objects.count()
    # When they ask for the page and post the cancellation
    client = sign_in(Client(), intruder)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        shown = client.get(_cancel_url(member))
        response = client.post(_cancel_url(member))
    # Then they are refused and nothing was written or sent; the code still works
    assert shown.status_code == status
    assert response.status_code == status
    assert callbacks == []
    assert _reset_state(member) == before
    assert AuditEvent.objects.count() == events
    assert mail.outbox == []
    assert check_enrolment_code(user=member.user, code=code) is not None


def test_an_admin_cannot_cancel_for_a_colleague_who_also_works_elsewhere() -> None:
    # Given a pending reset the operator made for a caseworker who also works elsewhere
    admin, member = colleagues()
    reset_two_factor(admin, member)
    Membership.objects.create(
        user=member.user, organisation=OrganisationFactory.create(), role=Role.CASEWORKER
    )
    before = _reset_state(member)
    # When the first organisation's admin posts the cancellation
    response = sign_in(Client(), admin).post(_cancel_url(member))
    # Then the page names the operator's command and nothing changed
    assert "safepassage reset-two-factor" in response.content.decode()
    assert _reset_state(member) == before
    assert not AuditEvent.objects.filter(action=CANCELLED).exists()


def test_an_expired_reset_has_nothing_to_cancel() -> None:
    # Given a reset whose code expired
    admin, member = colleagues()
    reset_two_factor(admin, member)
    TwoFactorReset.objects.filter(user=member.user).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    before = _reset_state(member)
    # When the admin posts the cancellation
    response = sign_in(Client(), admin).post(_cancel_url(member))
    # Then they are told there is nothing to cancel, and nothing was written
    assert "nothing to cancel" in response.content.decode()
    assert _reset_state(member) == before
    assert not AuditEvent.objects.filter(action=CANCELLED).exists()


def test_a_stale_session_is_sent_to_reauthenticate_before_cancelling() -> None:
    # Given a pending reset and an admin who signed in long ago
    admin, member = colleagues()
    reset_two_factor(admin, member)
    before = _reset_state(member)
    client = sign_in(Client(), admin, recently_authenticated=False)
    # When they post the cancellation
    response = client.post(_cancel_url(member))
    # Then they confirm who they are first, and nothing changed
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert _reset_state(member) == before


def test_the_section_and_the_cancellation_speak_russian() -> None:
    # Given a pending reset and an admin reading Russian
    admin, member = colleagues()
    reset_two_factor(admin, member)
    client = sign_in(Client(), admin)
    # When they open the organisation page and cancel
    page = _organisation_page(client, admin, language="ru")
    done = client.post(_cancel_url(member), headers={"accept-language": "ru"}).content.decode()
    # Then both are in Russian
    assert "Ожидающие сбросы двухфакторного входа" in page
    assert "Ещё не использован" in page
    assert "Сброс отменён" in done
