"""A donor answers "who books the tickets" in Chromium with JavaScript off: on the pledge
form, then on the pledge's page."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.donations.models import Pledge
from safepassage.donations.pledges.tokens import make_manage_token
from tests.donations.factories import ensure_catalogue
from tests.donations.pledges.factories import DONOR_EMAIL, in_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONSENT = "The fund may book the tickets with my access to the account"


def test_a_donor_agrees_on_the_form_and_withdraws_it_on_the_pledge_page(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # given the seeded catalogue (United allows booking with the donor's access)
    ensure_catalogue()
    page = page_without_js
    # when a donor pledges United miles and ticks the box, without JavaScript
    page.goto(f"{live_server.url}/donate/pledge/")
    page.get_by_label("Loyalty program").select_option(label="United MileagePlus")
    page.get_by_label("Miles or points to pledge").fill("40000")
    page.get_by_label("They expire on").fill(in_days(300).isoformat())
    page.get_by_label("E-mail address").fill(DONOR_EMAIL)
    page.get_by_label(CONSENT).check()
    page.get_by_role("button", name="Pledge").click()
    # then the pledge holds the answer
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    pledge = Pledge.objects.get()
    assert pledge.delegated_booking_consent is True
    # and on the pledge's page the donor unticks it and saves
    page.goto(f"{live_server.url}/donate/pledge/manage/{make_manage_token(pledge.public_id)}/")
    expect(page.locator("#delegation-answer")).to_contain_text("You agreed")
    page.get_by_label(CONSENT).uncheck()
    page.get_by_role("button", name="Save my answer").click()
    expect(page.locator("#delegation-answer")).to_contain_text("You book the tickets yourself")
    pledge.refresh_from_db()
    assert pledge.delegated_booking_consent is False
