"""Travel requests: a coordinator plans travel for a case, finds and edits options, quotes a
price; the wrong role and other organisations are refused and nothing is written."""

from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.cases.models import CaseState
from safepassage.travel.demo import seed_demo_routes
from safepassage.travel.flight_graph import clear_flight_graph_cache
from safepassage.travel.models import (
    FarePrice,
    OptionSource,
    PriceBasis,
    TravelFare,
    TravelOption,
    TravelRequest,
    TravelRequestState,
)
from safepassage.travel.selectors import allocation_request, list_open_travel_requests
from tests.cases.factories import keyed_organisation, make_keyed_staff
from tests.travel.factories import TravelWorld, client_for, make_travel_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> TravelWorld:
    clear_flight_graph_cache()
    seed_demo_routes()
    return make_travel_world()


def _writes() -> tuple[int, ...]:
    return (
        TravelRequest.objects.count(),
        TravelOption.objects.count(),
        TravelFare.objects.count(),
        FarePrice.objects.count(),
        AuditEvent.objects.count(),
        len(mail.outbox),
    )


def _request_form(world: TravelWorld) -> dict[str, object]:
    today = timezone.localdate()
    return {
        "travellers": [str(member.public_id) for member in world.members],
        "origin": "mcx",
        "other_destinations": "LT CA",
        "earliest_departure": today.isoformat(),
        "latest_departure": today.replace(year=today.year + 1).isoformat(),
        "max_connections": "2",
        "minimum_connection_minutes": "90",
    }


def _create(world: TravelWorld, client: Client) -> TravelRequest:
    response = client.post(
        reverse("travel:request_create", kwargs={"case_id": world.case.public_id}),
        _request_form(world),
    )
    travel_request = TravelRequest.objects.get()
    assert response["Location"] == reverse(
        "travel:request_detail", kwargs={"request_id": travel_request.public_id}
    )
    return travel_request


def test_a_coordinator_plans_travel_without_ever_seeing_names(world: TravelWorld) -> None:
    # Given the coordinator on a case in "travel planned", holding the travel key only
    client = client_for(world.coordinator)

    # When they open the form, the travellers are offered without their names
    page = client.get(
        reverse("travel:request_create", kwargs={"case_id": world.case.public_id})
    ).content.decode()
    assert "Traveller 1" in page
    assert "Testperson" not in page

    # And when they plan travel for both household members
    travel_request = _create(world, client)

    # Then the request stores clear workflow values only, and is audited
    assert travel_request.party_size == 2
    assert travel_request.origin == "MCX"
    assert travel_request.state == TravelRequestState.DRAFT
    assert travel_request.minimum_connection_minutes == 90
    assert sorted(travel_request.destinations.values_list("country", flat=True)) == ["CA", "LT"]
    assert {t.household_member for t in travel_request.travellers.all()} == set(world.members)
    assert AuditEvent.objects.filter(
        action="travel.request_created", object_ref=str(travel_request.public_id)
    ).exists()
    detail = client.get(
        reverse("travel:request_detail", kwargs={"request_id": travel_request.public_id})
    ).content.decode()
    assert "Testperson" not in detail


def test_an_admin_holding_the_identity_key_sees_the_travellers_names(world: TravelWorld) -> None:
    travel_request = _create(world, client_for(world.coordinator))
    page = (
        client_for(world.admin)
        .get(reverse("travel:request_detail", kwargs={"request_id": travel_request.public_id}))
        .content.decode()
    )
    assert "Ruslan Testperson" in page
    assert AuditEvent.objects.filter(action="travel.request_viewed_decrypted").exists()


def test_travel_is_planned_only_for_a_case_in_travel_planned(world: TravelWorld) -> None:
    # Given a case that is still waiting for its visa
    world.case.state = CaseState.DOCUMENTS_VISA
    world.case.save(update_fields=["state"])
    before = _writes()

    # When the coordinator submits the form
    response = client_for(world.coordinator).post(
        reverse("travel:request_create", kwargs={"case_id": world.case.public_id}),
        _request_form(world),
    )

    # Then it is refused with a reason and nothing is written
    assert response.status_code == 200
    assert "travel planned" in response.content.decode()
    assert _writes() == before


def test_the_finder_generates_priced_options_avoiding_excluded_countries(
    world: TravelWorld,
) -> None:
    # Given a request MCX -> Lithuania or Canada
    client = client_for(world.coordinator)
    travel_request = _create(world, client)

    # When the coordinator asks for options, unable to transit Turkey
    url = reverse("travel:generate_options", kwargs={"request_id": travel_request.public_id})
    response = client.post(url, {"excluded_countries": "TR", "limit": "3"})

    # Then options are stored with fares and per-program prices, none through Turkey
    assert response.status_code == 302
    options = list(travel_request.options.order_by("position"))
    assert options
    assert all(option.source == OptionSource.FINDER for option in options)
    assert not any(code in option.airports for option in options for code in ("IST", "SAW"))
    assert all(option.airports.split()[-1] in {"VNO", "YYZ", "YUL", "YVR"} for option in options)
    assert FarePrice.objects.filter(fare__option__request=travel_request).exists()
    assert AuditEvent.objects.filter(action="travel.options_generated").exists()

    # And a second search replaces the finder's options, keeping manual ones
    client.post(
        reverse("travel:option_add", kwargs={"request_id": travel_request.public_id}),
        {"itinerary": "MCX SVO / SVO VNO", "carriers": "SU / "},
    )
    client.post(url, {"excluded_countries": "", "limit": "2"})
    sources = list(travel_request.options.values_list("source", flat=True))
    assert sources.count(OptionSource.MANUAL) == 1


def test_a_manual_option_is_priced_for_the_programs_that_can_book_its_carrier(
    world: TravelWorld,
) -> None:
    # Given a request
    client = client_for(world.coordinator)
    travel_request = _create(world, client)

    # When the coordinator adds Istanbul then Vilnius on Turkish, as two tickets
    client.post(
        reverse("travel:option_add", kwargs={"request_id": travel_request.public_id}),
        {"itinerary": "mcx ist / ist vno", "carriers": "TK / TK"},
    )

    # Then the option has two fares, each offered to Star Alliance programs, TK priced by
    # its chart from Türkiye where the chart has a zone
    option = travel_request.options.get()
    assert option.source == OptionSource.MANUAL
    assert option.airports == "MCX IST VNO"
    first, second = option.fares.order_by("position")
    assert {price.program.code for price in first.prices.all()} >= {"TK", "UA", "AC", "LH"}
    assert second.prices.get(program__code="UA").miles == 5600


def test_a_malformed_manual_option_is_refused_and_nothing_is_written(world: TravelWorld) -> None:
    client = client_for(world.coordinator)
    travel_request = _create(world, client)
    before = _writes()
    response = client.post(
        reverse("travel:option_add", kwargs={"request_id": travel_request.public_id}),
        {"itinerary": "MCX IST / VNO YYZ", "carriers": ""},
    )
    assert response.status_code == 200
    assert _writes() == before


def test_a_quote_replaces_the_estimate_and_keeps_it(world: TravelWorld) -> None:
    # Given a manual option with a UA estimate
    client = client_for(world.coordinator)
    travel_request = _create(world, client)
    client.post(
        reverse("travel:option_add", kwargs={"request_id": travel_request.public_id}),
        {"itinerary": "MCX IST VNO", "carriers": "TK"},
    )
    price = FarePrice.objects.get(program__code="UA")
    assert price.basis == PriceBasis.ESTIMATE

    # When the coordinator quotes what they saw
    client.post(
        reverse(
            "travel:price_quote",
            kwargs={"request_id": travel_request.public_id, "price_id": price.public_id},
        ),
        {"miles": "22000", "taxes": "48.20", "currency": "usd"},
    )

    # Then the quote is used, the estimate kept, who and when recorded, and audited
    price.refresh_from_db()
    assert (price.miles, price.taxes, price.currency) == (22000, Decimal("48.20"), "USD")
    assert price.basis == PriceBasis.QUOTED
    assert price.estimated_miles == 5600
    assert price.quoted_by == world.coordinator.user
    assert AuditEvent.objects.filter(action="travel.price_quoted").exists()


def test_removing_an_option_and_opening_the_request_for_allocation(world: TravelWorld) -> None:
    client = client_for(world.coordinator)
    travel_request = _create(world, client)
    add = reverse("travel:option_add", kwargs={"request_id": travel_request.public_id})
    client.post(add, {"itinerary": "MCX SVO VNO", "carriers": ""})
    client.post(add, {"itinerary": "MCX IST VNO", "carriers": "TK"})
    first = travel_request.options.order_by("position").first()
    assert first is not None

    client.post(
        reverse(
            "travel:option_remove",
            kwargs={"request_id": travel_request.public_id, "option_id": first.public_id},
        )
    )
    client.post(
        reverse("travel:request_state", kwargs={"request_id": travel_request.public_id}),
        {"state": TravelRequestState.OPEN},
    )

    assert list(travel_request.options.values_list("airports", flat=True)) == ["MCX IST VNO"]
    assert list(list_open_travel_requests(organisation=world.case.organisation)) == [travel_request]


@pytest.mark.parametrize(
    "name",
    ["generate_options", "option_add", "request_state"],
)
def test_a_caseworker_on_the_case_may_read_but_not_change(world: TravelWorld, name: str) -> None:
    # Given a request and the caseworker on the case, whose role only views travel
    travel_request = _create(world, client_for(world.coordinator))
    client = client_for(world.caseworker)
    before = _writes()

    # When they try to change it
    response = client.post(
        reverse(f"travel:{name}", kwargs={"request_id": travel_request.public_id}),
        {"excluded_countries": "", "limit": "2", "itinerary": "MCX IST VNO", "state": "open"},
    )

    # Then they are refused and nothing is written
    assert response.status_code == 403
    assert _writes() == before
    detail = reverse("travel:request_detail", kwargs={"request_id": travel_request.public_id})
    assert client.get(detail).status_code == 200


def test_another_organisations_coordinator_gets_404_and_nothing_is_written(
    world: TravelWorld,
) -> None:
    # Given a request and a coordinator of another organisation
    travel_request = _create(world, client_for(world.coordinator))
    other_organisation, _ = keyed_organisation()
    outsider = client_for(make_keyed_staff(Role.TRAVEL_COORDINATOR, other_organisation))
    before = _writes()
    kwargs = {"request_id": travel_request.public_id}

    # Then every page and write answers 404, and nothing changes
    assert outsider.get(reverse("travel:request_detail", kwargs=kwargs)).status_code == 404
    for name, data in (
        ("generate_options", {"excluded_countries": "", "limit": "2"}),
        ("option_add", {"itinerary": "MCX IST VNO", "carriers": ""}),
        ("request_state", {"state": "open"}),
    ):
        assert outsider.post(reverse(f"travel:{name}", kwargs=kwargs), data).status_code == 404
    create = reverse("travel:request_create", kwargs={"case_id": world.case.public_id})
    assert outsider.post(create, _request_form(world)).status_code == 404
    assert _writes() == before


def test_a_coordinator_not_on_the_case_gets_404(world: TravelWorld) -> None:
    travel_request = _create(world, client_for(world.coordinator))
    stranger = client_for(make_keyed_staff(Role.TRAVEL_COORDINATOR, world.case.organisation))
    url = reverse("travel:request_detail", kwargs={"request_id": travel_request.public_id})
    assert stranger.get(url).status_code == 404


def test_a_cash_price_makes_a_fare_buyable_and_clearing_it_undoes_that(world: TravelWorld) -> None:
    # Given an option whose fare no program can book
    client = client_for(world.coordinator)
    travel_request = _create(world, client)
    client.post(
        reverse("travel:option_add", kwargs={"request_id": travel_request.public_id}),
        {"itinerary": "MCX SVO VNO", "carriers": ""},
    )
    fare = TravelFare.objects.get(option__request=travel_request)
    url = reverse(
        "travel:fare_cash",
        kwargs={"request_id": travel_request.public_id, "fare_id": fare.public_id},
    )

    # When the coordinator sets a cash price, then clears it
    client.post(url, {"cash_price": "240.00", "currency": "eur"})
    fare.refresh_from_db()
    assert (fare.cash_price, fare.cash_currency) == (Decimal("240.00"), "EUR")
    client.post(url, {"cash_price": "", "currency": "EUR"})
    fare.refresh_from_db()

    # Then the fare is again not for cash, and both changes are audited
    assert (fare.cash_price, fare.cash_currency) == (None, "")
    assert AuditEvent.objects.filter(action="travel.fare_cash_price_set").count() == 2


def test_a_coordinator_changes_the_request_and_a_caseworker_cannot(world: TravelWorld) -> None:
    # Given a request for two travellers to Lithuania or Canada
    client = client_for(world.coordinator)
    travel_request = _create(world, client)
    url = reverse("travel:request_edit", kwargs={"request_id": travel_request.public_id})
    assert "Traveller 2" in client.get(url).content.decode()

    # When the caseworker (who may only read) tries, nothing changes
    before = _writes()
    form = _request_form(world) | {"travellers": [str(world.members[0].public_id)]}
    assert client_for(world.caseworker).post(url, form | {"origin": "GRV"}).status_code == 403
    assert _writes() == before

    # When the coordinator keeps one traveller and adds Poland
    client.post(url, form | {"other_destinations": "LT CA PL"})

    # Then the request follows, audited
    travel_request.refresh_from_db()
    assert travel_request.party_size == 1
    assert sorted(travel_request.destinations.values_list("country", flat=True)) == [
        "CA",
        "LT",
        "PL",
    ]
    assert AuditEvent.objects.filter(action="travel.request_changed").exists()


def test_a_quote_is_what_the_allocator_sees(world: TravelWorld) -> None:
    # Given a manual option on Turkish, estimated for United at its fixed "from" level
    client = client_for(world.coordinator)
    travel_request = _create(world, client)
    client.post(
        reverse("travel:option_add", kwargs={"request_id": travel_request.public_id}),
        {"itinerary": "MCX IST VNO", "carriers": "TK"},
    )
    price = FarePrice.objects.get(program__code="UA")

    # When the coordinator quotes it and opens the request
    client.post(
        reverse(
            "travel:price_quote",
            kwargs={"request_id": travel_request.public_id, "price_id": price.public_id},
        ),
        {"miles": "30000", "taxes": "12.00", "currency": "USD"},
    )
    client.post(
        reverse("travel:request_state", kwargs={"request_id": travel_request.public_id}),
        {"state": TravelRequestState.OPEN},
    )

    # Then the allocator's entry carries the quote, not the estimate
    (entry,) = [
        allocation_request(travel_request=request)
        for request in list_open_travel_requests(organisation=world.case.organisation)
    ]
    (option,) = entry["options"]
    (fare,) = option["fares"]
    assert fare["miles"]["UA"] == 30000
    assert fare["taxes"]["UA"] == 12.0
    assert entry["travellers"] == 2


def test_a_withdrawn_request_no_longer_changes(world: TravelWorld) -> None:
    client = client_for(world.coordinator)
    travel_request = _create(world, client)
    state_url = reverse("travel:request_state", kwargs={"request_id": travel_request.public_id})
    client.post(state_url, {"state": TravelRequestState.WITHDRAWN})
    before = _writes()

    client.post(state_url, {"state": TravelRequestState.OPEN})
    response = client.post(
        reverse("travel:option_add", kwargs={"request_id": travel_request.public_id}),
        {"itinerary": "MCX IST VNO", "carriers": "TK"},
    )

    travel_request.refresh_from_db()
    assert travel_request.state == TravelRequestState.WITHDRAWN
    assert "can no longer be changed" in response.content.decode()
    assert _writes()[:4] == before[:4]


def test_the_travel_home_lists_the_coordinators_cases_planning_travel(world: TravelWorld) -> None:
    travel_request = _create(world, client_for(world.coordinator))
    page = client_for(world.coordinator).get(reverse("travel:home")).content.decode()
    assert world.case.code in page
    assert str(travel_request.public_id) in page
    assert "Plan travel" in page
    caseworker_page = client_for(world.caseworker).get(reverse("travel:home")).content.decode()
    assert world.case.code in caseworker_page
    assert "Plan travel</a>" not in caseworker_page
