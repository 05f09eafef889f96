"""Without JavaScript, in Russian: an admin revokes an open invitation and removes a member
on the organisation page; the removed member's browser is signed out (Chromium)."""

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.models import Invitation, Membership
from safepassage.accounts.roles import Role
from tests.browser_steps import sign_in_through_the_pages
from tests.factories import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
    sign_in_through_the_pages(elsewhere, live_server.url, member)

    # When the admin signs in, switches to Russian and opens the organisation page
    sign_in_through_the_pages(page, live_server.url, admin)
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
