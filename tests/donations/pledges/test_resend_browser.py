"""A donor whose confirmation e-mail was lost gets the link again and confirms, with
JavaScript off (Chromium)."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.donations.models import Pledge, PledgeStatus
from tests.donations.pledges.factories import DONOR_EMAIL, in_days, make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")


def test_a_lost_confirmation_link_is_sent_again_without_javascript(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # Given a donor who pledged, and whose confirmation e-mail was lost
    program = make_program()
    page = page_without_js
    page.goto(live_server.url + "/donate/pledge/")
    page.get_by_label("Loyalty program").select_option(label=program.name)
    page.get_by_label("Miles or points to pledge").fill("40000")
    page.get_by_label("They expire on").fill(in_days(200).isoformat())
    page.get_by_label("E-mail address").fill(DONOR_EMAIL)
    page.get_by_role("button", name="Pledge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    _run_worker()
    mail.outbox.clear()

    # When they follow "send my confirmation link again" and give their address
    page.get_by_role("link", name="No e-mail? Send my confirmation link again").click()
    page.get_by_label("E-mail address you pledged with").fill(DONOR_EMAIL)
    page.get_by_role("button", name="Send the link again").click()

    # Then the page says a link went out if a pledge waits, and the new link confirms it
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    expect(page.locator("main")).to_contain_text("we have sent a new link")
    _run_worker()
    assert [message.to for message in mail.outbox] == [[DONOR_EMAIL]]
    match = re.search(r"https?://\S+", str(mail.outbox[-1].body))
    assert match is not None
    page.goto(live_server.url + match.group(0).removeprefix(settings.SITE_BASE_URL.rstrip("/")))
    page.get_by_role("button", name="Confirm my pledge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your pledge")
    assert Pledge.objects.get().status == PledgeStatus.CONFIRMED
