"""A fundraiser records a cash gift and opens its receipt with JavaScript off (Chromium)."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.roles import Role
from safepassage.donations.models import Gift
from tests.browser_steps import sign_in_through_the_pages
from tests.donations.gift_factories import make_campaign
from tests.factories import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_fundraiser_records_a_cash_gift_without_javascript(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # given: a fundraiser with a campaign, signed in with JavaScript off
    fundraiser = make_staff(Role.FUNDRAISER)
    make_campaign(organisation=fundraiser.organisation, title="Winter evacuations")
    page = page_without_js
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text))
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in_through_the_pages(page, live_server.url, fundraiser)
    base = f"{live_server.url}/donate/staff/{fundraiser.organisation.public_id}/gifts/"

    # when: they record 1,000 yen received in cash at an event
    page.goto(base)
    page.get_by_role("link", name="Record a gift").click()
    page.get_by_label("Amount").fill("1000")
    page.get_by_label("Currency").select_option("JPY")
    page.get_by_label("Campaign or fund").select_option(label="Winter evacuations")
    page.get_by_label("How it was received").select_option("cash_at_event")
    page.get_by_role("button", name="Record the gift").click()

    # then: the receipt page shows the exact amount, and the list shows the gift
    expect(page.get_by_role("heading", level=1)).to_have_text("Gift receipt")
    expect(page.get_by_text("1,000 JPY")).to_be_visible()
    gift = Gift.objects.get()
    assert (str(gift.amount.normalize()), gift.currency) == ("1E+3", "JPY")
    page.get_by_role("link", name="Back to the gifts").click()
    expect(page.get_by_role("cell", name="Winter evacuations")).to_be_visible()
    assert [url for url in requested if not url.startswith(live_server.url)] == []
    assert [text for text in problems if "Content Security Policy" in text] == []
