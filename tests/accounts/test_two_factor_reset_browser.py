"""Without JavaScript: an admin resets a colleague's lost second factor on the organisation
page; the colleague signs in with the one-time enrolment code and sets up a new
authenticator (Chromium)."""

import base64
import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.roles import Role
from tests.browser_steps import enter_password, sign_in_through_the_pages
from tests.factories import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_resets_a_colleague_who_then_enrols_with_the_code(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # Given an admin and a caseworker who lost their phone and recovery codes
    page = page_without_js
    admin = make_staff(Role.ADMIN)
    member = make_staff(Role.CASEWORKER, admin.organisation)

    # When the admin signs in and resets the caseworker's two-factor sign-in
    sign_in_through_the_pages(page, live_server.url, admin)
    page.get_by_role("link", name=admin.organisation.name).click()
    row = page.get_by_role("row").filter(has_text=member.user.display_name)
    row.get_by_role("link", name="Reset their two-factor sign-in").click()
    page.get_by_role("button", name="Reset their two-factor sign-in").click()

    # Then the one-time enrolment code is shown
    expect(page.get_by_role("heading", level=1)).to_contain_text("is reset")
    code = page.locator("code.recovery-key").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{1,4}){6}", code)

    # When the caseworker signs in in a fresh browser, with a mistyped code first
    page.context.clear_cookies()
    enter_password(page, live_server.url, member)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the enrolment code from your admin"
    )
    page.get_by_label("Enrolment code from your admin").fill("AAAA-BBBB")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#id_code_error")).to_contain_text("This enrolment code is not valid")
    page.get_by_label("Enrolment code from your admin").fill(code.replace("-", " "))
    page.get_by_role("button", name="Continue").click()

    # And sets up a new authenticator with the key the page shows
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    secret = page.locator(".secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("The 6-digit code your authenticator app shows now").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Confirm").click()

    # Then they get new recovery codes and are signed in
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    page.goto(live_server.url + "/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(member.user.display_name)
