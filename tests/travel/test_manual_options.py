"""A coordinator's own route option: a flight to the airport one is at ("MCX MCX"), or an
airport visited twice, was stored as a 0-mile option no program can book; carriers that
did not match the tickets were answered with the airports' instructions."""

import pytest
from django.urls import reverse

from safepassage.travel.demo import seed_demo_routes
from safepassage.travel.flight_graph import clear_flight_graph_cache
from safepassage.travel.models import TravelOption
from tests.travel.factories import TravelWorld, client_for, make_travel_request, make_travel_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> TravelWorld:
    clear_flight_graph_cache()
    seed_demo_routes()
    return make_travel_world()


def _add(world: TravelWorld, itinerary: str, carriers: str = "") -> tuple[int, str, int]:
    travel_request = make_travel_request(case=world.case)
    before = TravelOption.objects.filter(request=travel_request).count()
    response = client_for(world.coordinator).post(
        reverse("travel:option_add", kwargs={"request_id": travel_request.public_id}),
        {"itinerary": itinerary, "carriers": carriers},
    )
    added = TravelOption.objects.filter(request=travel_request).count() - before
    return response.status_code, response.content.decode(), added


@pytest.mark.parametrize(
    "itinerary", ["MCX MCX", "MCX IST IST VNO", "MCX IST MCX", "MCX IST / IST MCX"]
)
def test_an_option_that_stays_put_or_loops_is_refused(world: TravelWorld, itinerary: str) -> None:
    status, page, added = _add(world, itinerary)
    assert (status, added) == (200, 0)
    assert "cannot visit an airport twice" in page


def test_carriers_that_do_not_match_the_tickets_are_named_as_the_problem(
    world: TravelWorld,
) -> None:
    status, page, added = _add(world, "MCX IST / IST VNO", carriers="TK")
    assert (status, added) == (200, 0)
    assert "one group of carriers per ticket" in page


def test_a_self_transfer_at_one_airport_is_still_allowed(world: TravelWorld) -> None:
    status, _page, added = _add(world, "MCX IST / IST VNO", carriers="TK / TK")
    assert (status, added) == (302, 1)
