"""A travel request's departure window must not be over already: a window in 2020 was
accepted, and the request could then be opened for allocation and booked for a past date."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from safepassage.travel.demo import seed_demo_routes
from safepassage.travel.flight_graph import clear_flight_graph_cache
from safepassage.travel.models import TravelRequest
from tests.travel.factories import TravelWorld, client_for, make_travel_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> TravelWorld:
    clear_flight_graph_cache()
    seed_demo_routes()
    return make_travel_world()


def _form(world: TravelWorld, earliest: datetime.date, latest: datetime.date) -> dict[str, object]:
    return {
        "travellers": [str(member.public_id) for member in world.members],
        "origin": "MCX",
        "other_destinations": "LT",
        "earliest_departure": earliest.isoformat(),
        "latest_departure": latest.isoformat(),
        "max_connections": "2",
        "minimum_connection_minutes": "60",
    }


def test_a_window_that_is_over_is_refused(world: TravelWorld) -> None:
    # when a coordinator plans travel for a window that ended yesterday
    today = timezone.localdate()
    response = client_for(world.coordinator).post(
        reverse("travel:request_create", kwargs={"case_id": world.case.public_id}),
        _form(world, today - datetime.timedelta(days=10), today - datetime.timedelta(days=1)),
    )
    # then nothing is created and the form says why
    assert response.status_code == 200
    assert "The departure window is over" in response.content.decode()
    assert not TravelRequest.objects.exists()


def test_a_window_that_started_but_is_not_over_is_kept(world: TravelWorld) -> None:
    today = timezone.localdate()
    response = client_for(world.coordinator).post(
        reverse("travel:request_create", kwargs={"case_id": world.case.public_id}),
        _form(world, today - datetime.timedelta(days=3), today),
    )
    assert response.status_code == 302
    assert TravelRequest.objects.count() == 1
