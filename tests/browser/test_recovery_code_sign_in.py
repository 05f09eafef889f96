"""A staff member who lost their phone signs in with a recovery code, whose stored form is
only a keyed digest (decision 0050); the same code is refused the next time (Chromium, no
JavaScript needed)."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts import actions
from safepassage.accounts.roles import Role
from tests.browser_steps import enter_password
from tests.factories import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_recovery_code_signs_in_once(live_server: LiveServer, page_without_js: Page) -> None:
    # Given a caseworker with recovery codes written down, and without their phone
    caseworker = make_staff(Role.CASEWORKER)
    code = actions.do_regenerate_recovery_codes(user=caseworker.user)[0]
    page = page_without_js

    # When they sign in with the password and one recovery code
    enter_password(page, live_server.url, caseworker)
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Sign in").click()

    # Then they reach their dashboard
    expect(page.get_by_role("heading", level=1)).to_contain_text(caseworker.user.display_name)

    # When they log out and try the same code again
    page.get_by_role("button", name="Log out", exact=True).click()
    enter_password(page, live_server.url, caseworker)
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Sign in").click()

    # Then it is refused: each code works once
    refusal = "That code is not valid. Codes change every 30 seconds."
    expect(page.get_by_text(refusal, exact=True)).to_be_visible()
    page.goto(live_server.url + "/dashboard/")
    expect(page).to_have_url(live_server.url + "/accounts/login/code/")  # still held there
