"""A donor pages through the public campaign list with JavaScript off (Chromium)."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.site.pagination import PER_PAGE
from tests.donations.test_campaign_list_pagination import _campaigns
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_campaign_list_pages_with_plain_links_and_javascript_off(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # Given more published campaigns than one page holds, newest first
    campaigns = _campaigns(OrganisationFactory.create(), count=PER_PAGE + 2)
    page = page_without_js
    links = page.locator("ul.campaign-list a")

    # When a donor opens the list
    page.goto(live_server.url + reverse("donations:campaign_list"))

    # Then they see the first 50 and where they are
    expect(links).to_have_count(PER_PAGE)
    expect(links.first).to_have_text(campaigns[0].title)
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()

    # When they follow "Next page"
    page.get_by_role("link", name="Next page").click()

    # Then the two oldest are shown, with a way back
    expect(links).to_have_count(2)
    expect(links.last).to_have_text(campaigns[-1].title)
    expect(page.get_by_role("link", name="Previous page")).to_be_visible()

    # When they type a page number that does not exist
    page.goto(live_server.url + reverse("donations:campaign_list") + "?page=999999")

    # Then they get the last page, not an error
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    expect(links).to_have_count(2)
