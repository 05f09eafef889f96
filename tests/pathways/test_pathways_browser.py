"""A caseworker opens a country board, adds a contact and links a case, JavaScript off."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.roles import Role
from tests.browser_steps import sign_in_through_the_pages
from tests.factories import make_staff
from tests.pathways.factories import make_clear_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_runs_a_country_board_without_javascript(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # given a caseworker working on one approved case
    caseworker = make_staff(Role.CASEWORKER)
    case = make_clear_case(organisation=caseworker.organisation, members=(caseworker.user,))
    page = page_without_js
    sign_in_through_the_pages(page, live_server.url, caseworker)

    # when they open a board for France, pledged, and add an official
    page.goto(live_server.url + "/pathways/")
    page.get_by_role("link", name="New country pathway").click()
    page.get_by_label("Destination country").select_option("FR")
    page.get_by_label("Stance").select_option("pledged")
    page.get_by_label("Notes on the talks").fill("Consulate takes files on Tuesdays.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Add a contact").click()
    page.get_by_label("Name").fill("Camille Consul")
    page.get_by_label("Ministry, embassy or organisation").fill("Consulate")
    page.get_by_role("button", name="Save").click()

    # and link their case
    page.get_by_label("Case code").fill(case.code)
    page.get_by_role("button", name="Link this case").click()

    # then the country page shows the notes, the contact and the waiting case
    expect(page.get_by_role("heading", level=1)).to_contain_text("France")
    expect(page.get_by_text("Consulate takes files on Tuesdays.")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Camille Consul")).to_be_visible()
    expect(page.get_by_role("link", name=case.code)).to_be_visible()

    # and the board counts it as waiting
    page.get_by_role("link", name="Country pathways").first.click()
    row = page.get_by_role("row", name="France")
    expect(row.get_by_role("cell").nth(2)).to_have_text("1")
