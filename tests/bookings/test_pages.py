"""The staff pages end to end through the client, and every refusal: wrong role, other
organisation, not on the case — with nothing written and nothing sent."""

from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.bookings import actions
from safepassage.bookings.models import AllocationRun, BookingRequest, BookingStatus, Trip
from safepassage.donations.pledges.selectors import get_balance
from safepassage.ledger.models import LedgerTransaction
from tests.bookings.factories import (
    accept_all,
    booked_trip,
    committed,
    cover_budget,
    make_network,
    planned_case,
    pledge_of,
    solved_run,
    travel_request,
)
from tests.cases.factories import keyed_organisation, make_keyed_staff, sign_in_with_keys
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db

START = {"cash_budget": "500", "currency": "USD", "time_limit_seconds": "5"}


def test_a_coordinator_runs_reviews_and_accepts_through_the_pages() -> None:
    network = make_network()
    case = planned_case(network)
    travel_request(case, program=network.program, travellers=1)
    pledge = pledge_of(network)
    cover_budget(network.organisation, budget=Decimal(START["cash_budget"]))
    client = sign_in_with_keys(Client(), network.coordinator)
    runs_url = reverse("bookings:runs", kwargs={"organisation_id": network.organisation.public_id})
    with committed():
        started = client.post(runs_url, START)
    run = AllocationRun.objects.get()
    assert started["Location"] == reverse("bookings:run", kwargs={"run_id": run.public_id})
    waiting = client.get(started["Location"])
    assert b'http-equiv="refresh"' in waiting.content
    actions.do_solve_run(run_id=run.public_id)
    review = client.get(started["Location"])
    assert b'http-equiv="refresh"' not in review.content
    assert case.code.encode() in review.content
    assert str(pledge.public_id)[:6].encode() in review.content
    accepted = client.post(
        reverse("bookings:run_accept", kwargs={"run_id": run.public_id}),
        {"requests": [str(case.travel_requests.get().public_id)]},
    )
    assert accepted.status_code == 200
    assert get_balance(pledge=pledge).reserved.amount == 20_000
    trip = Trip.objects.get()
    assert (
        client.get(reverse("bookings:trip", kwargs={"trip_id": trip.public_id})).status_code == 200
    )


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.FUNDRAISER, Role.VIEWER])
def test_other_roles_cannot_start_a_run_and_nothing_is_queued(role: str) -> None:
    network = make_network()
    travel_request(planned_case(network), program=network.program)
    pledge_of(network)
    staff = make_staff(role, network.organisation)
    url = reverse("bookings:runs", kwargs={"organisation_id": network.organisation.public_id})
    with committed():
        response = sign_in(Client(), staff).post(url, START)
    assert response.status_code == 403
    assert not AllocationRun.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_another_organisations_admin_cannot_accept_and_nothing_is_reserved() -> None:
    network = make_network()
    travel_request(planned_case(network), program=network.program)
    pledge = pledge_of(network)
    run = solved_run(network)
    organisation, _recovery = keyed_organisation()
    outsider = make_keyed_staff(Role.ADMIN, organisation)
    before = LedgerTransaction.objects.count()
    response = sign_in_with_keys(Client(), outsider).post(
        reverse("bookings:run_accept", kwargs={"run_id": run.public_id}),
        {"requests": [item["request"] for item in (run.plan or {})["served"]]},
    )
    assert response.status_code == 404
    assert not Trip.objects.exists()
    assert LedgerTransaction.objects.count() == before
    assert get_balance(pledge=pledge).reserved.amount == 0


def test_a_coordinator_not_on_the_case_cannot_send_or_cancel_and_nothing_is_sent() -> None:
    network = make_network()
    travel_request(planned_case(network), program=network.program)
    pledge = pledge_of(network)
    accept_all(network, solved_run(network))
    trip = Trip.objects.get()
    booking = BookingRequest.objects.get()
    stranger = make_keyed_staff(Role.TRAVEL_COORDINATOR, network.organisation)
    client = sign_in_with_keys(Client(), stranger)
    mail.outbox.clear()
    data = {
        "itinerary": "X",
        "name_1": "A",
        "birth_date_1": "B",
        "name_2": "C",
        "birth_date_2": "D",
    }
    with committed():
        sent = client.post(reverse("bookings:trip_send", kwargs={"trip_id": trip.public_id}), data)
        cancelled = client.post(
            reverse("bookings:booking_cancel", kwargs={"booking_id": booking.public_id})
        )
    assert (sent.status_code, cancelled.status_code) == (404, 404)
    assert mail.outbox == []
    booking.refresh_from_db()
    trip.refresh_from_db()
    assert booking.status == BookingStatus.RESERVED
    assert trip.passengers is None
    assert get_balance(pledge=pledge).reserved.amount == 40_000


def test_a_fundraiser_cannot_cancel_a_booking() -> None:
    network = make_network()
    travel_request(planned_case(network), program=network.program)
    pledge_of(network)
    accept_all(network, solved_run(network))
    booking = BookingRequest.objects.get()
    fundraiser = make_staff(Role.FUNDRAISER, network.organisation)
    response = sign_in(Client(), fundraiser).post(
        reverse("bookings:booking_cancel", kwargs={"booking_id": booking.public_id})
    )
    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.RESERVED


def test_the_organisation_page_links_coordinators_to_allocation_and_trips() -> None:
    network = make_network()
    client = sign_in_with_keys(Client(), network.coordinator)
    page = client.get(
        reverse("organisations:detail", kwargs={"organisation_id": network.organisation.public_id})
    )
    organisation_id = network.organisation.public_id
    for name in ("bookings:runs", "bookings:trips"):
        url = reverse(name, kwargs={"organisation_id": organisation_id})
        assert url.encode() in page.content
        assert client.get(url).status_code == 200


def test_opening_a_trip_and_showing_passengers_to_a_donor_are_audited() -> None:
    network = make_network()
    pledge_of(network)
    trip, booking = booked_trip(network)
    client = sign_in_with_keys(Client(), network.coordinator)
    client.get(reverse("bookings:trip", kwargs={"trip_id": trip.public_id}))
    assert AuditEvent.objects.filter(action="trip.viewed", object_ref=str(trip.public_id)).exists()
    actions.do_record_passengers_shown(booking=booking)
    assert AuditEvent.objects.filter(
        action="booking.passengers_shown", object_ref=str(booking.public_id)
    ).exists()


def test_a_viewer_cannot_change_who_books() -> None:
    network = make_network()
    travel_request(planned_case(network), program=network.program)
    pledge_of(network)
    accept_all(network, solved_run(network))
    booking = BookingRequest.objects.get()
    viewer = make_staff(Role.VIEWER, network.organisation)
    response = sign_in(Client(), viewer).post(
        reverse("bookings:booking_mode", kwargs={"booking_id": booking.public_id}),
        {"mode": "coordinator"},
    )
    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.mode == "donor"


def test_the_trip_list_shows_only_trips_of_cases_one_works_on() -> None:
    network = make_network()
    case = planned_case(network)
    travel_request(case, program=network.program)
    pledge_of(network)
    accept_all(network, solved_run(network))
    url = reverse("bookings:trips", kwargs={"organisation_id": network.organisation.public_id})
    mine = sign_in_with_keys(Client(), network.coordinator).get(url)
    stranger = make_staff(Role.TRAVEL_COORDINATOR, network.organisation)
    theirs = sign_in(Client(), stranger).get(url)
    assert case.code.encode() in mine.content
    assert case.code.encode() not in theirs.content
