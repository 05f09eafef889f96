"""A traveller is in at most one request open for allocation: two open requests of the same
people made the allocator plan, reserve miles and ask donors for both."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from safepassage.audit.models import AuditEvent
from safepassage.bookings import selectors as booking_selectors
from safepassage.travel.demo import seed_demo_routes
from safepassage.travel.flight_graph import clear_flight_graph_cache
from safepassage.travel.models import (
    TravelRequest,
    TravelRequestDestination,
    TravelRequestState,
    TravelRequestTraveller,
)
from tests.travel.factories import TravelWorld, client_for, make_travel_request, make_travel_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> TravelWorld:
    clear_flight_graph_cache()
    seed_demo_routes()
    return make_travel_world()


def _draft_for_the_same_people(first: TravelRequest) -> TravelRequest:
    today = timezone.localdate()
    second = TravelRequest.objects.create(
        case=first.case,
        state=TravelRequestState.DRAFT,
        party_size=first.party_size,
        origin="MCX",
        earliest_departure=today + datetime.timedelta(days=7),
        latest_departure=today + datetime.timedelta(days=21),
        created_on=today,
        changed_on=today,
    )
    for traveller in first.travellers.all():
        TravelRequestTraveller.objects.create(
            request=second, household_member=traveller.household_member
        )
    TravelRequestDestination.objects.create(request=second, country="LT")
    return second


def test_opening_a_second_request_for_the_same_travellers_is_refused(world: TravelWorld) -> None:
    # given a request open for allocation and a draft for the same two people
    first = make_travel_request(case=world.case)
    second = _draft_for_the_same_people(first)
    events = AuditEvent.objects.count()
    # when the coordinator opens the draft for allocation too
    response = client_for(world.coordinator).post(
        reverse("travel:request_state", kwargs={"request_id": second.public_id}),
        {"state": TravelRequestState.OPEN},
        follow=True,
    )
    # then it stays a draft, nothing is audited, and the page says why
    second.refresh_from_db()
    assert second.state == TravelRequestState.DRAFT
    assert AuditEvent.objects.filter(action="travel.request_open").count() == 0
    assert AuditEvent.objects.count() > events  # the page view only
    assert "already in another travel request open for allocation" in response.content.decode()
    # and the next allocation sees the two people once
    demand = booking_selectors.list_open_demand(
        organisation=world.case.organisation, currency="USD"
    )
    assert list(demand) == [str(first.public_id)]


def test_a_request_whose_travellers_are_free_opens(world: TravelWorld) -> None:
    first = make_travel_request(case=world.case)
    second = _draft_for_the_same_people(first)
    client = client_for(world.coordinator)
    client.post(
        reverse("travel:request_state", kwargs={"request_id": first.public_id}),
        {"state": TravelRequestState.WITHDRAWN},
    )
    client.post(
        reverse("travel:request_state", kwargs={"request_id": second.public_id}),
        {"state": TravelRequestState.OPEN},
    )
    second.refresh_from_db()
    assert second.state == TravelRequestState.OPEN
