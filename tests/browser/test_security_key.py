"""A caseworker adds a security key, signs out, and signs in with password and key
(Chromium's virtual authenticator through the DevTools protocol; decision 0035)."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.models import SecurityKey
from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from tests.browser_steps import plug_in_security_key
from tests.factories import STAFF_PASSWORD, StaffMember, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _password_step(page: Page, live_server: LiveServer, staff: StaffMember) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(staff.user.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Continue").click()


def test_caseworker_adds_a_security_key_and_signs_in_with_it(
    live_server: LiveServer, page: Page
) -> None:
    # Given a caseworker, and a USB security key plugged into the browser
    assert live_server.url.startswith("http://localhost:")
    caseworker = make_staff(Role.CASEWORKER)
    plug_in_security_key(page)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    # When they sign in with a code and add the key on their security page
    _password_step(page, live_server, caseworker)
    page.get_by_label("Code from your authenticator app").fill(caseworker.current_code())
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Security").click()
    page.get_by_role("link", name="Add a security key").click()
    page.get_by_label("Name for this key").fill("Blue key")
    page.get_by_role("button", name="Add the key").click()

    # Then the key is listed
    expect(page.get_by_text("Your security key is added.")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Blue key")).to_be_visible()
    assert SecurityKey.objects.filter(user=caseworker.user).count() == 1

    # When they log out and sign in again with their password and the key
    page.get_by_role("button", name="Log out", exact=True).click()
    _password_step(page, live_server, caseworker)
    expect(page.get_by_role("heading", name="Use your security key")).to_be_visible()
    page.get_by_role("button", name="Use your security key").click()

    # Then they reach their dashboard, and the key's use is recorded
    expect(page.get_by_role("heading", level=1)).to_contain_text(caseworker.user.display_name)
    assert AuditEvent.objects.filter(action="login.security_key", outcome="success").exists()
    assert SecurityKey.objects.get(user=caseworker.user).sign_count > 0
    assert [url for url in requested if not url.startswith(live_server.url)] == []


def test_without_javascript_the_code_page_says_the_key_cannot_be_used(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # Given a caseworker with a key, in a browser with JavaScript off
    caseworker = make_staff(Role.CASEWORKER)
    SecurityKey.objects.create(
        user=caseworker.user, name="Blue key", credential_id="AAAA", public_key=b"\x00"
    )
    page = page_without_js

    # When they pass the password step
    _password_step(page, live_server, caseworker)

    # Then the page says the key cannot be used here, and the code still signs them in
    expect(page.get_by_text("your security key cannot be used here")).to_be_visible()
    expect(page.get_by_role("button", name="Use your security key")).to_be_hidden()
    page.get_by_label("Code from your authenticator app").fill(caseworker.current_code())
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(caseworker.user.display_name)
