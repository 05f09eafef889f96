"""The route finder in Russian: why a program's price is not known is said in Russian (the
chart's own technical detail may stay in English, marked as such), never only the
finder's English words."""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.travel.demo import seed_demo_routes
from safepassage.travel.flight_graph import clear_flight_graph_cache
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db


def test_unpriced_programs_are_explained_in_russian() -> None:
    # given the demo routes and a coordinator reading in Russian
    clear_flight_graph_cache()
    seed_demo_routes()
    client = sign_in(Client(), make_staff(Role.TRAVEL_COORDINATOR))
    # when they search routes on which some programs have no award chart
    response = client.post(
        reverse("travel:search"),
        {
            "origin": "GRV",
            "destinations": "VNO",
            "max_connections": "2",
            "minimum_connection_minutes": "60",
        },
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    # then the reason is Russian, and no English-only reason is left
    page = response.content.decode()
    assert "цена пока неизвестна" in page
    assert "таблица премиальных билетов этой программы неизвестна" in page
    assert "no pricing data" not in page
