"""A caseworker opens and moves a case in Chromium with JavaScript off (issue 4)."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.roles import Role
from tests.browser_steps import sign_in_through_the_pages
from tests.cases.factories import keyed_organisation, make_keyed_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_opens_reads_and_triages_a_case_without_javascript(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # Given a caseworker with keys and a browser with JavaScript off
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    page = page_without_js
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))

    # When they sign in (the password step unlocks their key) and open a case
    sign_in_through_the_pages(page, live_server.url, keyed.staff)
    page.goto(live_server.url + "/cases/")
    page.get_by_role("link", name="New case").click()
    page.get_by_label("Full name").fill("Browser Testperson")
    page.get_by_label("What happened and what they need").fill("Needs a safe route.")
    page.get_by_label("Priority").select_option(label="Urgent")
    page.get_by_role("button", name="Save").click()

    # Then the case page shows the sealed values to them
    expect(page.get_by_role("heading", level=1)).to_contain_text("Case")
    expect(page.get_by_text("Browser Testperson")).to_be_visible()

    # When they triage it with a reason
    page.get_by_role("link", name="Change the state").click()
    page.get_by_label("New state").select_option("triaged")
    page.get_by_label("Why").fill("Spoke on the phone")
    page.get_by_role("button", name="Save").click()

    # Then the history shows who moved it and why, and nothing broke the page's policy
    expect(page.get_by_text("Spoke on the phone")).to_be_visible()
    expect(page.get_by_text("Triaged").first).to_be_visible()
    assert [line for line in console if "Content Security Policy" in line] == []
