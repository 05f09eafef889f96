"""The applicant pages promise Shift three times only where the script that makes it work
runs: with JavaScript off (Tor Browser's Safest setting) the hint names the quick-exit link
alone, so nobody in danger relies on a key press that does nothing (SR-17)."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_without_javascript_the_footer_does_not_promise_shift(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # Given a browser with JavaScript off
    page = page_without_js
    # When the applicant opens the intake
    page.goto(live_server.url + "/help/")
    # Then the footer names the quick-exit link and not the Shift key
    footer = page.locator("footer")
    expect(footer).to_contain_text("Quick exit")
    expect(footer).not_to_contain_text("Shift")


def test_with_javascript_the_footer_names_shift_too(live_server: LiveServer, page: Page) -> None:
    # Given a browser with JavaScript on
    # When the applicant opens the intake
    page.goto(live_server.url + "/help/")
    # Then the footer also offers Shift three times
    expect(page.locator("footer")).to_contain_text("Press Shift three times")
