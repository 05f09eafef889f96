"""A referral in Chromium with JavaScript off: one organisation refers a case with consent,
a caseworker of the partner accepts it and reads it (issue 4, item 5)."""

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.roles import Role
from safepassage.organisations.models import Partnership
from tests.browser_steps import sign_in_through_the_pages
from tests.cases.factories import keyed_organisation, make_case, make_keyed_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_case_is_referred_with_consent_and_the_partner_reads_it(
    live_server: LiveServer, page_without_js: Page, browser: Browser
) -> None:
    # Given two partner organisations and a case of the first
    sender_organisation, _ = keyed_organisation()
    partner_organisation, _ = keyed_organisation()
    Partnership.objects.create(organisation=sender_organisation, partner=partner_organisation)
    Partnership.objects.create(organisation=partner_organisation, partner=sender_organisation)
    sender = make_keyed_staff(Role.CASEWORKER, sender_organisation)
    receiver = make_keyed_staff(Role.CASEWORKER, partner_organisation)
    case = make_case(actor=sender, full_name="Referred Browser Person", story="Needs Vilnius.")
    base = live_server.url

    # When the sender refers it, recording consent, keeping access
    page = page_without_js
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    sign_in_through_the_pages(page, base, sender.staff)
    page.goto(f"{base}/cases/{case.public_id}/")
    page.get_by_role("link", name="Refer to a partner organisation").click()
    page.get_by_label("Partner organisation").select_option(label=partner_organisation.name)
    page.get_by_label("Identity (names)").check()
    page.get_by_label("Consent given by").fill("The person, by phone")
    page.get_by_label("Consent given on").fill("2026-11-20")
    page.get_by_label("How consent was obtained").fill("Asked twice, agreed")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Asked twice, agreed")).to_be_visible()

    # and a caseworker of the partner accepts it from their queue
    context = browser.new_context(java_script_enabled=False)
    other = context.new_page()
    other.on("request", lambda request: requests.append(request.url))
    sign_in_through_the_pages(other, base, receiver.staff)
    other.goto(base + "/cases/")
    other.get_by_role("link", name=case.code).click()
    other.get_by_role("button", name="Accept case").click()

    # Then the partner reads the name and the story; nothing came from another origin
    expect(other.get_by_text("Referred Browser Person")).to_be_visible()
    expect(other.get_by_text("Needs Vilnius.")).to_be_visible()
    context.close()
    assert [url for url in requests if not url.startswith(base)] == []
