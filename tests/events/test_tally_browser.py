"""The big-screen tally works in Chromium with JavaScript off and refreshes itself."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.donations.factories import CampaignFactory, make_gift, make_pledge
from tests.events.factories import EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_tally_page_shows_new_pledges_by_itself_without_javascript(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # given a published event with a campaign, a gift and one pledge
    campaign = CampaignFactory.create(goal_currency="HKD")
    event = EventFactory.create(campaign=campaign)
    make_gift(campaign=campaign, amount="1200.00", currency="HKD")
    make_pledge(program_code="UA", miles=25_000, event=event)
    requested: list[str] = []
    page_without_js.on("request", lambda request: requested.append(request.url))

    # when the big screen opens the tally with JavaScript disabled
    page_without_js.goto(f"{live_server.url}/events/{event.slug}/tally/")

    # then it shows the figures in large type and the QR code, all from this site
    expect(page_without_js.get_by_role("heading", level=1)).to_have_text(event.title)
    expect(page_without_js.locator(".tally-figures")).to_contain_text("1,200.00 HKD")
    expect(page_without_js.locator(".tally-figures")).to_contain_text("25,000")
    expect(page_without_js.locator(".tally-qr svg")).to_be_visible()
    big = page_without_js.locator(".tally-figures dd").first.evaluate(
        "element => parseFloat(getComputedStyle(element).fontSize)"
    )
    assert big >= 40

    # when a pledge is confirmed meanwhile, the page picks it up by its own refresh
    make_pledge(program_code="SQ", miles=15_000, event=event)
    with page_without_js.expect_navigation(timeout=30_000):
        pass
    expect(page_without_js.locator(".tally-figures")).to_contain_text("40,000")
    assert [url for url in requested if not url.startswith(live_server.url)] == []
