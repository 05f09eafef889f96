"""An admin reads the reports page and narrows its range with JavaScript off (Chromium)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.roles import Role
from tests.browser_steps import sign_in_through_the_pages
from tests.factories import make_staff
from tests.transparency.factories import gift_on, moved_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_reads_the_reports_without_javascript(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # given: an admin whose organisation raised 2,500 EUR and moved a family of three today
    admin = make_staff(Role.ADMIN)
    today = timezone.localdate()
    gift_on(organisation=admin.organisation, amount="2500.00", currency="EUR", on=today)
    moved_case(on=today, party_size=3, organisation=admin.organisation)
    page = page_without_js
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text))
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in_through_the_pages(page, live_server.url, admin)

    # when: they open the reports page
    page.goto(f"{live_server.url}/donate/staff/{admin.organisation.public_id}/reports/")

    # then: the figures are there
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reports of")
    expect(page.get_by_role("cell", name="2,500.00").first).to_be_visible()
    expect(page.get_by_role("heading", name="People moved per month")).to_be_visible()

    # when: they ask for a range that ends before it starts
    page.get_by_label("From").fill(today.isoformat())
    page.get_by_label("Until").fill((today - datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Show").click()

    # then: a clear error, no figures
    range_form = page.get_by_role("form", name="Date range")
    expect(range_form.get_by_role("alert")).to_contain_text("must not be after its end")
    expect(page.get_by_role("heading", name="Money raised per month")).to_have_count(0)
    assert [url for url in requested if not url.startswith(live_server.url)] == []
    assert [text for text in problems if "Content Security Policy" in text] == []
