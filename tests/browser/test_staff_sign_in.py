"""A caseworker signs in with a TOTP code, switches to Russian and logs out (Chromium)."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.roles import Role
from tests.factories import STAFF_PASSWORD, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_caseworker_signs_in_with_a_code_switches_to_russian_and_logs_out(
    live_server: LiveServer, page: Page
) -> None:
    # Given a caseworker with an authenticator app
    caseworker = make_staff(Role.CASEWORKER)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    # When they sign in with their password and the code their app shows
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(caseworker.user.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code from your authenticator app").fill(caseworker.current_code())
    page.get_by_role("button", name="Sign in").click()

    # Then they see their dashboard with their organisation
    expect(page.get_by_role("heading", level=1)).to_contain_text(caseworker.user.display_name)
    expect(page.get_by_role("link", name=caseworker.organisation.name)).to_be_visible()

    # When they switch the interface to Russian
    page.get_by_label("Language").select_option("ru")
    page.get_by_role("button", name="Switch").click()

    # Then the dashboard speaks Russian
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=2, name="Ваша работа")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Ваши организации")).to_be_visible()
    expect(page.get_by_role("link", name="Очередь кейсов")).to_be_visible()

    # When they log out (in Russian)
    page.get_by_role("button", name="Выйти").click()

    # Then they are signed out: the dashboard sends them to the sign-in page
    page.goto(live_server.url + "/dashboard/")
    expect(page).to_have_url(live_server.url + "/accounts/login/?next=/dashboard/")
    assert [url for url in requested if not url.startswith(live_server.url)] == []


def test_the_sign_in_pages_work_without_javascript(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # Given a caseworker and a browser with JavaScript off
    caseworker = make_staff(Role.CASEWORKER)
    page = page_without_js

    # When they sign in
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(caseworker.user.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code from your authenticator app").fill(caseworker.current_code())
    page.get_by_role("button", name="Sign in").click()

    # Then the plain HTML forms got them in
    expect(page.get_by_role("heading", level=1)).to_contain_text(caseworker.user.display_name)
