"""SR-23 with a security key, in Chromium with its virtual authenticator (DevTools
protocol; decision 0035): a caseworker whose sign-in is older than 5 minutes confirms it is
them with their password and key, and goes on to the page that asked."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.models import SecurityKey
from safepassage.accounts.reauthentication import SESSION_KEY
from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.site.sessions import SessionStore
from tests.browser_steps import plug_in_security_key, sign_in_through_the_pages
from tests.factories import STAFF_PASSWORD, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_stale_session_confirms_with_password_and_security_key(
    live_server: LiveServer, page: Page
) -> None:
    # Given a caseworker with a USB security key plugged in, added on their security page
    assert live_server.url.startswith("http://localhost:")
    caseworker = make_staff(Role.CASEWORKER)
    plug_in_security_key(page)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in_through_the_pages(page, live_server.url, caseworker)
    page.goto(live_server.url + "/accounts/security/security-keys/add/")
    page.get_by_label("Name for this key").fill("Blue key")
    page.get_by_role("button", name="Add the key").click()
    expect(page.get_by_text("Your security key is added.")).to_be_visible()
    count_before = SecurityKey.objects.get(user=caseworker.user).sign_count
    # ... who signed in more than 5 minutes ago (the session forgets when)
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    session.pop(SESSION_KEY)
    session.save()

    # When they want to add another key, they are asked to confirm it is them
    page.get_by_role("link", name="Add a security key").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    expect(page.get_by_role("heading", name="With your security key")).to_be_visible()
    key_form = page.locator("form[data-webauthn=get]")
    key_form.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Confirm with your security key").click()

    # Then the key confirms it, and they are on the page that asked
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a security key")
    assert AuditEvent.objects.filter(action="login.reauthentication", outcome="success").exists()
    assert SecurityKey.objects.get(user=caseworker.user).sign_count > count_before
    assert [url for url in requested if not url.startswith(live_server.url)] == []


def test_without_javascript_the_code_still_confirms_when_a_key_is_registered(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # Given a caseworker with a key, signed in long ago in a browser with JavaScript off
    page = page_without_js
    caseworker = make_staff(Role.CASEWORKER)
    SecurityKey.objects.create(
        user=caseworker.user, name="Blue key", credential_id="AAAA", public_key=b"\x00"
    )
    sign_in_through_the_pages(page, live_server.url, caseworker)
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    session.pop(SESSION_KEY)
    session.save()

    # When a page asks them to confirm it is them
    page.goto(live_server.url + "/accounts/security/security-keys/add/")

    # Then the page says the key cannot be used here, and the password and code confirm
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    expect(page.get_by_text("your security key cannot be used here")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm with your security key")).to_be_hidden()
    code_form = page.locator("form:not([data-webauthn])").filter(has=page.locator("[name=code]"))
    code_form.get_by_label("Password").fill(STAFF_PASSWORD)
    code_form.get_by_label("Code from your authenticator app").fill(caseworker.current_code())
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a security key")
