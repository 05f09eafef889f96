"""Without JavaScript, in Russian: an admin revokes an open invitation and removes a member
on the organisation page; the removed member's browser is signed out (Chromium)."""

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.models import Invitation, Membership
from safepassage.accounts.roles import Role
from tests.factories import STAFF_PASSWORD, StaffMember, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, live_server: LiveServer, staff: StaffMember) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(staff.user.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code from your authenticator app").fill(staff.current_code())
    page.get_by_role("button", name="Sign in").click()


def test_an_admin_revokes_an_invitation_and_removes_a_member_in_russian(
    live_server: LiveServer, page_without_js: Page, browser: Browser
) -> None:
    # Given an admin, a caseworker signed in elsewhere and an open invitation
    page = page_without_js
    admin = make_staff(Role.ADMIN)
    member = make_staff(Role.CASEWORKER, admin.organisation)
    Invitation.objects.create(
        organisation=admin.organisation,
        email="wrong.person@example.org",
        role=Role.ADMIN,
        invited_by=admin.user,
        expires_at="2999-01-01T00:00:00Z",
    )
    elsewhere = browser.new_page(java_script_enabled=False)
    _sign_in(elsewhere, live_server, member)

    # When the admin signs in, switches to Russian and opens the organisation page
    _sign_in(page, live_server, admin)
    page.get_by_label("Language").select_option("ru")
    page.get_by_role("button", name="Switch").click()
    page.get_by_role("link", name=admin.organisation.name).click()

    # And revokes the invitation
    expect(page.get_by_role("heading", name="Открытые приглашения")).to_be_visible()
    page.get_by_role("link", name="Отозвать wrong.person@example.org").click()
    page.get_by_role("button", name="Отозвать приглашение").click()
    expect(page.get_by_text("Приглашение отозвано")).to_be_visible()
    expect(page.get_by_text("Нет приглашений, ожидающих ответа.")).to_be_visible()

    # And removes the caseworker, confirming it
    page.get_by_role("link", name=f"Удалить {member.user.display_name}").click()
    page.get_by_role("button", name="Удалить из организации").click()
    assert Membership.objects.filter(user=member.user).exists()  # not confirmed yet
    page.get_by_label("Да, удалить").check()
    page.get_by_role("button", name="Удалить из организации").click()

    # Then the page says so, the member is gone, and their browser is signed out
    expect(page.get_by_text("Удалён.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=member.user.display_name)).to_have_count(0)
    assert not Membership.objects.filter(user=member.user).exists()
    elsewhere.goto(live_server.url + "/dashboard/")
    expect(elsewhere).to_have_url(live_server.url + "/accounts/login/?next=/dashboard/")
