"""A coordinator, without JavaScript, finds a cancelled booking whose taxes were paid from the
fund marked "Refund not recorded", records part of the airline's refund, is refused an
over-refund with the input kept, and sees the booking partly refunded."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.bookings.models import CashRefund
from tests.bookings.test_refunds import _cancelled_with_cash
from tests.browser_steps import sign_in_through_the_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refund_is_recorded_without_javascript(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # Given a cancelled booking whose 98.40 USD of taxes the fund and a campaign paid
    network, booking, _campaign = _cancelled_with_cash()
    coordinator = network.coordinator.staff
    page = page_without_js
    sign_in_through_the_pages(page, live_server.url, coordinator)

    # When the coordinator opens the trip
    page.goto(f"{live_server.url}/bookings/trips/{booking.trip.public_id}/")
    expect(page.get_by_text("Refund not recorded")).to_be_visible()
    page.get_by_role("link", name="Record the refund").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Refund of a cancelled booking")

    # Then more than was paid is refused and what was typed stays
    page.get_by_label("Amount refunded").fill("500")
    page.get_by_role("button", name="Record").click()
    form = page.get_by_role("main").locator("form")
    expect(form.get_by_text("more than was paid in USD")).to_be_visible()
    expect(page.get_by_label("Amount refunded")).to_have_value("500")
    assert not CashRefund.objects.exists()

    # And part of it is recorded
    page.get_by_label("Amount refunded").fill("50.00")
    page.get_by_role("button", name="Record").click()
    expect(page.locator("#refund-state")).to_contain_text("Partly refunded")
    expect(page.locator("#refund-outstanding")).to_contain_text("48.40 USD")
    assert CashRefund.objects.get().amount == 50
