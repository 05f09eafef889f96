"""A travel coordinator plans a trip in Chromium with JavaScript off: travellers, route options
from the finder, a quoted price, and the request opened for allocation."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.travel.demo import seed_demo_routes
from safepassage.travel.flight_graph import clear_flight_graph_cache
from safepassage.travel.models import FarePrice, PriceBasis, TravelRequest, TravelRequestState
from tests.browser_steps import sign_in_through_the_pages
from tests.travel.factories import ensure_reference_data, make_travel_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_plans_a_trip_without_javascript(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # Given the demo routes and a coordinator on a case in "travel planned"
    ensure_reference_data()
    clear_flight_graph_cache()
    seed_demo_routes()
    world = make_travel_world()
    coordinator = world.coordinator.staff
    page = page_without_js

    # When they sign in and open travel planning from their organisation's page
    sign_in_through_the_pages(page, live_server.url, coordinator)
    page.get_by_role("link", name=coordinator.organisation.name).click()
    page.get_by_role("link", name="Travel planning").click()
    expect(page.get_by_role("row", name=world.case.code)).to_be_visible()

    # And plan travel for both travellers from Makhachkala to Lithuania or Canada
    page.get_by_role("link", name="Plan travel").click()
    page.get_by_label("Traveller 1").check()
    page.get_by_label("Traveller 2").check()
    page.get_by_label("From (airport)").fill("MCX")
    page.get_by_label("Other destination countries").fill("LT CA")
    today = timezone.localdate()  # a window in the future: one already over is refused
    page.get_by_label("Earliest departure").fill((today + timedelta(days=7)).isoformat())
    page.get_by_label("Latest departure").fill((today + timedelta(days=26)).isoformat())
    page.get_by_role("button", name="Save").click()

    # Then the request shows travellers without names
    expect(page.get_by_role("heading", level=1)).to_have_text("Travel request")
    expect(page.get_by_text("Testperson")).to_have_count(0)

    # When they ask the finder for options, unable to transit the Gulf
    page.get_by_role("link", name="Find route options").click()
    page.get_by_label("Countries the travellers cannot transit").fill("AE QA")
    page.get_by_role("button", name="Save").click()

    # Then options are listed with self-transfers marked
    expect(page.get_by_role("status")).to_contain_text("options found")
    expect(page.get_by_role("heading", level=3).first).to_contain_text("MCX")

    # When they quote the first price they checked, and open the request for allocation
    page.get_by_role("link", name="Quote").first.click()
    page.get_by_label("Miles per traveller").fill("15000")
    page.get_by_label("Taxes and surcharges per traveller").fill("42.00")
    page.get_by_role("button", name="Save").click()
    page.get_by_label("State").select_option("open")
    page.get_by_role("button", name="Change the state").click()

    # Then the quote is stored and the allocator will see the request
    expect(page.get_by_text("Open for allocation").first).to_be_visible()
    travel_request = TravelRequest.objects.get()
    assert travel_request.state == TravelRequestState.OPEN
    assert travel_request.party_size == 2
    assert FarePrice.objects.filter(basis=PriceBasis.QUOTED, miles=15000).count() == 1
