"""The public transparency page in Chromium with JavaScript off: figures, chart, Russian."""

import datetime

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.transparency.actions import do_publish_snapshot
from tests.transparency.factories import moved_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_reads_the_figures_without_javascript(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # given 12 people moved in March and 3 in April, published
    for _ in range(12):
        moved_case(on=datetime.date(2026, 3, 9))
    for _ in range(3):
        moved_case(on=datetime.date(2026, 4, 9))
    do_publish_snapshot(period_end=datetime.date(2026, 4, 30))
    requested: list[str] = []
    page_without_js.on("request", lambda request: requested.append(request.url))

    # when a visitor opens the page
    page_without_js.goto(live_server.url + "/transparency/")

    # then March shows 12, April "fewer than 10", the chart is drawn, nothing comes from elsewhere
    expect(page_without_js.get_by_role("heading", level=1)).to_have_text("Transparency")
    march = page_without_js.get_by_role("row", name="March 2026")
    expect(march.get_by_role("cell").first).to_have_text("12")
    april = page_without_js.get_by_role("row", name="April 2026")
    expect(april.get_by_role("cell").first).to_have_text("fewer than 10")
    expect(page_without_js.get_by_role("img", name="People moved per month")).to_be_visible()
    assert [url for url in requested if not url.startswith(live_server.url)] == []

    # when they switch to Russian
    page_without_js.get_by_label("Language").select_option("ru")
    page_without_js.get_by_role("button", name="Switch").click()

    # then the page speaks Russian
    expect(page_without_js.get_by_role("heading", level=1)).to_have_text("Прозрачность")
    april = page_without_js.get_by_role("row", name="Апрель 2026")
    expect(april.get_by_role("cell").first).to_have_text("меньше 10")
