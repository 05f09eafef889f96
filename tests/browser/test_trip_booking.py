"""A coordinator runs the allocation over a planned trip, accepts it and sends the booking
request; the donor, from their link and without JavaScript, proves their address with a
one-time code, sees the passengers and records the booking; the case reaches "ticketed"."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.cases.models import CaseState
from tests.bookings.factories import (
    fund_cash,
    make_network,
    planned_case,
    pledge_of,
    run_worker,
    travel_request,
)
from tests.browser_steps import sign_in_through_the_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _last_mail_match(pattern: str) -> str:
    found = re.search(pattern, str(mail.outbox[-1].body))
    assert found is not None
    return found.group(0)


def test_a_trip_is_allocated_booked_by_the_donor_and_ticketed(
    live_server: LiveServer, page: Page, page_without_js: Page
) -> None:
    # Given a case in "travel planned" with an open travel request for two travellers,
    # a coordinator on it and a donor's confirmed pledge
    network = make_network()
    case = planned_case(network)
    travel_request(case, program=network.program, travellers=2, miles=20_000)
    pledge_of(network, miles=50_000)
    fund_cash(network)  # the taxes the donor records are paid out of the fund
    coordinator = network.coordinator.staff

    # When the coordinator signs in (unlocking their keys) and runs the allocation
    sign_in_through_the_pages(page, live_server.url, coordinator)
    page.goto(f"{live_server.url}/bookings/{network.organisation.public_id}/allocation/")
    page.get_by_label("Cash budget for taxes and cash tickets").fill("500")
    page.get_by_label("Time limit (seconds)").fill("5")
    page.get_by_role("button", name="Run the allocation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocation run")

    # Then the worker solves it and the page, refreshing itself, shows the plan
    run_worker()
    expect(page.locator("#run-status")).to_have_text("Plan ready", timeout=10_000)
    expect(page.get_by_role("row", name=re.compile(case.code))).to_be_visible()

    # When the coordinator accepts it and sends the booking request with the passengers
    page.get_by_role("button", name="Accept the chosen requests").click()
    expect(page.get_by_text("Accepted 1 request")).to_be_visible()
    page.get_by_role("link", name="Trips").first.click()
    page.get_by_role("link", name=case.code).click()
    page.get_by_role("link", name="Enter passengers and send booking requests").click()
    page.get_by_label("Flights to book").fill("TK 414 MCX-IST on 9 December")
    for number in (1, 2):
        page.get_by_label(f"Traveller {number}: name as in the passport").fill(
            f"CANARY TRAVELLER {number}"
        )
        page.get_by_label(f"Traveller {number}: date of birth").fill("1990-01-01")
    page.get_by_role("button", name="Seal and send").click()
    expect(page.locator(".booking-status")).to_have_text("Sent to the donor")

    # Then the donor's e-mail has a link and names no traveller
    assert "CANARY" not in str(mail.outbox[-1].body)
    link = _last_mail_match(r"http\S+/bookings/donor/\S+/").split("127.0.0.1:8000", 1)[-1]

    # When the donor opens it without JavaScript, asks for a code and enters it
    donor = page_without_js
    donor.goto(live_server.url + link)
    expect(donor.get_by_text("CANARY TRAVELLER 1")).to_have_count(0)
    donor.get_by_role("button", name="E-mail me a code").click()
    donor.get_by_label("The code we e-mailed you").fill(_last_mail_match(r"\b\d{6}\b"))
    donor.get_by_role("button", name="Show the details").click()

    # Then they see the passengers and record the booking
    expect(donor.get_by_text("CANARY TRAVELLER 2")).to_be_visible()
    donor.get_by_label("Booking reference (locator)").fill("QX7LMB")
    donor.get_by_label("Miles or points charged").fill("40000")
    donor.get_by_label("Taxes and fees paid").fill("98.40")
    donor.get_by_role("button", name="Record the booking").click()
    expect(donor.locator("#donor-outcome")).to_contain_text("the booking is recorded")

    # And the coordinator sees the trip and the case "Ticketed", with the locator
    page.reload()
    expect(page.locator("#trip-status")).to_have_text("Ticketed")
    expect(page.locator("#case-state")).to_have_text("Ticketed")
    expect(page.get_by_text("QX7LMB")).to_be_visible()
    case.refresh_from_db()
    assert case.state == CaseState.TICKETED

    # And the case's history says the system made the move, and why, naming no one
    page.goto(f"{live_server.url}/cases/{case.public_id}/")
    move = page.get_by_role("row").filter(has_text="All tickets booked")
    expect(move).to_contain_text("The system")
    expect(move).not_to_contain_text(coordinator.user.display_name)
