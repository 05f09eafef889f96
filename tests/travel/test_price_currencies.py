"""A quote's taxes and a fare's cash price take a known ISO currency only: a typo such as
"USS" was stored, and every allocation run then left the price out, telling the coordinator
to record an exchange rate that cannot exist."""

import pytest
from django.urls import reverse

from safepassage.audit.models import AuditEvent
from safepassage.travel.demo import seed_demo_routes
from safepassage.travel.flight_graph import clear_flight_graph_cache
from safepassage.travel.models import FarePrice, TravelFare
from tests.travel.factories import TravelWorld, client_for, make_travel_request, make_travel_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> TravelWorld:
    clear_flight_graph_cache()
    seed_demo_routes()
    return make_travel_world()


@pytest.mark.parametrize("currency", ["USS", "123", "XXX"])
def test_a_quote_in_an_unknown_currency_is_refused_and_nothing_changes(
    world: TravelWorld, currency: str
) -> None:
    # given a priced fare of a request the coordinator plans
    travel_request = make_travel_request(case=world.case)
    price = FarePrice.objects.filter(fare__option__request=travel_request).first()
    assert price is not None
    before = (price.miles, price.taxes, price.currency, AuditEvent.objects.count())
    # when they quote taxes in a currency that does not exist
    response = client_for(world.coordinator).post(
        reverse(
            "travel:price_quote",
            kwargs={"request_id": travel_request.public_id, "price_id": price.public_id},
        ),
        {"miles": "22000", "taxes": "48.20", "currency": currency},
    )
    # then the form says so and the price is unchanged
    assert response.status_code == 200
    assert "Not a currency code" in response.content.decode()
    price.refresh_from_db()
    assert (price.miles, price.taxes, price.currency, AuditEvent.objects.count()) == before


def test_a_cash_price_in_an_unknown_currency_is_refused(world: TravelWorld) -> None:
    travel_request = make_travel_request(case=world.case)
    fare = TravelFare.objects.filter(option__request=travel_request).first()
    assert fare is not None
    response = client_for(world.coordinator).post(
        reverse(
            "travel:fare_cash",
            kwargs={"request_id": travel_request.public_id, "fare_id": fare.public_id},
        ),
        {"cash_price": "210", "currency": "zzz"},
    )
    assert response.status_code == 200
    assert "Not a currency code" in response.content.decode()
    fare.refresh_from_db()
    assert fare.cash_price is None


def test_a_quote_in_a_known_currency_other_than_the_runs_is_kept(world: TravelWorld) -> None:
    travel_request = make_travel_request(case=world.case)
    price = FarePrice.objects.filter(fare__option__request=travel_request).first()
    assert price is not None
    client_for(world.coordinator).post(
        reverse(
            "travel:price_quote",
            kwargs={"request_id": travel_request.public_id, "price_id": price.public_id},
        ),
        {"miles": "22000", "taxes": "120", "currency": "aed"},
    )
    price.refresh_from_db()
    assert price.currency == "AED"
