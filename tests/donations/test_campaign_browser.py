"""Donors read a campaign and the catalogue in Chromium with JavaScript off."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.donations.factories import CampaignFactory, ensure_catalogue, make_gift, make_match

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_donor_reads_a_campaign_and_the_catalogue_without_javascript(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # given a published campaign half-way to its money goal, with a sponsor match
    ensure_catalogue()
    campaign = CampaignFactory.create(goal_money=2000, goal_currency="USD")
    make_gift(campaign=campaign, amount="500.00")
    make_match(campaign=campaign, ratio="1", cap="500")
    requested: list[str] = []
    page_without_js.on("request", lambda request: requested.append(request.url))

    # when a donor opens the campaign list and follows the campaign
    page_without_js.goto(f"{live_server.url}/donate/")
    page_without_js.get_by_role("link", name=campaign.title).click()

    # then they see the total with the match and a half-full progress bar
    expect(page_without_js.get_by_role("heading", level=1)).to_have_text(campaign.title)
    expect(page_without_js.locator(".campaign-progress")).to_contain_text(
        "1,000.00 USD of 2,000.00 USD"
    )
    bar = page_without_js.get_by_role("img", name="50 percent of the goal")
    expect(bar).to_be_visible()

    # and the catalogue lists the programs they can pledge from
    page_without_js.goto(f"{live_server.url}/donate/programs/")
    expect(page_without_js.get_by_role("rowheader", name="United MileagePlus")).to_be_visible()
    assert [url for url in requested if not url.startswith(live_server.url)] == []
