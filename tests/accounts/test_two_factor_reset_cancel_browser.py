"""Without JavaScript: an admin finds a colleague's pending two-factor reset on the
organisation page and cancels it; the code then no longer works (Chromium)."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.roles import Role
from tests.browser_steps import enter_password, sign_in_through_the_pages
from tests.factories import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_cancels_a_pending_reset_and_its_code_stops_working(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # Given an admin who reset a caseworker's two-factor sign-in and kept the code
    page = page_without_js
    admin = make_staff(Role.ADMIN)
    member = make_staff(Role.CASEWORKER, admin.organisation)
    sign_in_through_the_pages(page, live_server.url, admin)
    page.get_by_role("link", name=admin.organisation.name).click()
    row = page.get_by_role("row").filter(has_text=member.user.display_name)
    row.get_by_role("link", name="Reset their two-factor sign-in").click()
    page.get_by_role("button", name="Reset their two-factor sign-in").click()
    code = page.locator("code.recovery-key").inner_text()

    # When they open the organisation page again, find the pending reset and cancel it
    page.goto(f"{live_server.url}/organisations/{admin.organisation.public_id}/")
    expect(page.get_by_role("heading", name="Pending two-factor resets")).to_be_visible()
    pending = page.locator("table").filter(has_text="Issued by")
    reset_row = pending.get_by_role("row").filter(has_text=member.user.display_name)
    expect(reset_row).to_contain_text("Not used yet")
    reset_row.get_by_role("link", name="Cancel the reset").click()
    page.get_by_role("button", name="Cancel the reset").click()

    # Then the page says the code no longer works, and the list says so too
    expect(page.locator("#reset-cancelled")).to_contain_text("no longer works")
    page.goto(f"{live_server.url}/organisations/{admin.organisation.public_id}/")
    pending = page.locator("table").filter(has_text="Issued by")
    reset_row = pending.get_by_role("row").filter(has_text=member.user.display_name)
    expect(reset_row).to_contain_text("No longer works")

    # And the colleague's code is refused at sign-in
    page.context.clear_cookies()
    enter_password(page, live_server.url, member)
    page.get_by_label("Enrolment code from your admin").fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#id_code_error")).to_contain_text("This enrolment code is not valid")
