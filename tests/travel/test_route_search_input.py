"""The route finder answers odd destinations plainly: codes separated by commas as the help
text allows, a mistyped airport named instead of silently dropped, and the origin alone."""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.travel.demo import seed_demo_routes
from safepassage.travel.flight_graph import clear_flight_graph_cache
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_routes() -> None:
    clear_flight_graph_cache()
    seed_demo_routes()


def _search(destinations: str) -> str:
    client = sign_in(Client(), make_staff(Role.TRAVEL_COORDINATOR))
    response = client.post(
        reverse("travel:search"),
        {
            "origin": "GRV",
            "destinations": destinations,
            "max_connections": "2",
            "minimum_connection_minutes": "60",
        },
    )
    assert response.status_code == 200
    return response.content.decode()


def test_destinations_separated_by_commas_are_searched() -> None:
    # when a coordinator writes "VNO, LT" (commas, as the country fields accept)
    page = _search("vno, lt")
    # then the routes are found, with no complaint about the separator
    assert "GRV → " in page
    assert "Write codes separated by spaces" not in page


def test_a_mistyped_destination_airport_is_named_not_dropped() -> None:
    # when one of two destinations is no airport with routes
    page = _search("VNO VNX")
    # then the page names it and lists no routes that would look complete
    assert "VNX" in page
    assert "No imported route reaches" in page
    assert "GRV → " not in page


def test_the_origin_as_the_only_destination_is_explained() -> None:
    page = _search("GRV")
    assert "the origin itself does not count" in page
    assert "acceptable destination countries" not in page
