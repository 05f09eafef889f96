"""A donor pledges, confirms from the e-mail and withdraws, with JavaScript off (Chromium)."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.donations.models import Pledge, PledgeStatus
from safepassage.donations.pledges.selectors import get_balance
from tests.donations.pledges.factories import DONOR_EMAIL, in_days, make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _link_from_last_email(live_server: LiveServer) -> str:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    match = re.search(r"https?://\S+", str(mail.outbox[-1].body))
    assert match is not None
    return live_server.url + match.group(0).removeprefix(settings.SITE_BASE_URL.rstrip("/"))


def test_a_donor_pledges_confirms_and_withdraws_without_javascript(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # Given a program that needs at least 25,000 miles and a browser with JavaScript off
    program = make_program(minimum=25_000)
    page = page_without_js
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    # When the donor pledges too little, they are told the program's minimum
    page.goto(live_server.url + "/donate/pledge/")
    page.get_by_label("Loyalty program").select_option(label=f"{program.name} (at least 25,000)")
    page.get_by_label("Miles or points to pledge").fill("10000")
    page.get_by_label("They expire on").fill(in_days(200).isoformat())
    page.get_by_label("E-mail address").fill(DONOR_EMAIL)
    page.get_by_role("button", name="Pledge").click()
    expect(page.locator(".errorlist")).to_contain_text("at least 25,000")

    # When they pledge enough
    page.get_by_label("Miles or points to pledge").fill("40000")
    page.get_by_role("button", name="Pledge").click()

    # Then they are asked to check their e-mail, and one pledge waits for confirmation
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    assert Pledge.objects.get().status == PledgeStatus.UNCONFIRMED

    # When they open the link in the e-mail and confirm
    page.goto(_link_from_last_email(live_server))
    page.get_by_role("button", name="Confirm my pledge").click()

    # Then they see their confirmed pledge with 40,000 miles available
    expect(page.get_by_role("heading", level=1)).to_have_text("Your pledge")
    expect(page.locator("main")).to_contain_text("Confirmed")
    expect(page.get_by_role("row", name="Available for a ticket")).to_contain_text("40,000")

    # When they withdraw it
    page.get_by_role("link", name="Withdraw my pledge").click()
    page.get_by_role("button", name="Withdraw my pledge").click()

    # Then the pledge is withdrawn and the ledger moved the miles back to them
    expect(page.locator("main")).to_contain_text("Withdrawn")
    pledge = Pledge.objects.get()
    assert pledge.status == PledgeStatus.WITHDRAWN
    assert get_balance(pledge=pledge).withdrawn.amount == 40_000
    assert [url for url in requested if not url.startswith(live_server.url)] == []
