"""Route search page, the who-can-book page, and admins correcting who-can-book data."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.core.routing import program_carriers
from safepassage.travel.booking_rules import load_alliances, load_program_carriers
from safepassage.travel.demo import seed_demo_routes
from safepassage.travel.flight_graph import clear_flight_graph_cache
from safepassage.travel.models import AllianceMembership, ProgramCarrier
from safepassage.travel.route_search import RouteQuery, search_routes
from tests.factories import make_staff, sign_in
from tests.travel.factories import make_catalogue_maintainer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_routes() -> None:
    clear_flight_graph_cache()
    seed_demo_routes()


def _writes() -> tuple[int, ...]:
    return (
        ProgramCarrier.objects.count(),
        AllianceMembership.objects.count(),
        AuditEvent.objects.count(),
        len(mail.outbox),
    )


def test_a_coordinator_searches_routes_with_prices_and_self_transfers_marked() -> None:
    # Given a signed-in coordinator
    client = sign_in(Client(), make_staff(Role.TRAVEL_COORDINATOR))

    # When they search from Grozny to Lithuania or Canada, not through the Gulf
    response = client.post(
        reverse("travel:search"),
        {
            "origin": "grv",
            "destinations": "LT CA",
            "max_connections": "2",
            "minimum_connection_minutes": "60",
            "excluded_countries": "AE QA",
        },
    )

    # Then itineraries are listed with tickets, programs and self-transfers, none via the Gulf
    page = response.content.decode()
    assert response.status_code == 200
    assert "GRV → " in page
    assert "DXB" not in page
    assert "DOH" not in page
    assert "self-transfer" in page
    # with a legend naming every airport and its time zone
    assert "Europe/Moscow" in page


def test_the_search_is_posted_and_a_query_in_the_url_searches_nothing() -> None:
    # Given a coordinator following an old link with the route in its query string
    client = sign_in(Client(), make_staff(Role.TRAVEL_COORDINATOR))
    query = {"origin": "grv", "destinations": "LT", "max_connections": "1"} | {
        "minimum_connection_minutes": "60"
    }

    # When they open it
    page = client.get(reverse("travel:search"), query).content.decode()

    # Then the page offers a POST form (with its CSRF token) and lists no itinerary (SR-31)
    assert '<form method="post"' in page
    assert "csrfmiddlewaretoken" in page
    assert "GRV → " not in page
    assert "Itineraries" not in page


def test_an_unknown_origin_is_explained() -> None:
    client = sign_in(Client(), make_staff(Role.TRAVEL_COORDINATOR))
    response = client.post(
        reverse("travel:search"),
        {"origin": "QQQ", "destinations": "LT", "max_connections": "1"}
        | {"minimum_connection_minutes": "60"},
    )
    assert "No known airport has this code." in response.content.decode()


def test_the_finder_tickets_star_alliance_legs_together_and_splits_the_rest() -> None:
    # Given the demo routes: Grozny-Moscow only on Aeroflot (no program in the catalogue can
    # book it), Moscow-Istanbul-Vilnius on Turkish and Aeroflot
    itineraries = search_routes(
        query=RouteQuery(origin="GRV", destination_airports=frozenset({"VNO"}), limit=20)
    )

    # Then Grozny-Moscow-Istanbul-Vilnius is two tickets: a cash leg, then one Star Alliance
    # programs can book as a whole, and the traveller self-transfers in Moscow
    via_moscow = next(it for it in itineraries if it.airports == ("GRV", "SVO", "IST", "VNO"))
    assert via_moscow.self_transfer
    cash_leg, star_leg = via_moscow.tickets
    assert cash_leg.offers == ()
    assert {"TK", "UA", "AC", "LH"} <= set(star_leg.programs)


def test_program_carriers_follow_alliances_and_skip_suspended_members() -> None:
    # Given the reviewed partnership data (Aeroflot suspended from SkyTeam)
    carriers = {row.program: row.carriers for row in load_program_carriers()}

    # Then Delta books KLM and Air France but not Aeroflot; Emirates books flydubai
    assert {"DL", "AF", "KL"} <= carriers["DL"]
    assert "SU" not in carriers["DL"]
    assert {"EK", "FZ"} <= carriers["EK"]
    assert (
        carriers["TK"]
        == program_carriers(
            program="TK", own_carriers=frozenset({"TK"}), alliances=load_alliances()
        ).carriers
    )


def test_the_programs_page_shows_sources_and_unverified_facts() -> None:
    client = sign_in(Client(), make_staff(Role.TRAVEL_COORDINATOR))
    page = client.get(reverse("travel:programs")).content.decode()
    assert "suspended" in page
    assert "Unverified" in page
    assert "milelion.com" in page  # Etihad's chart source
    assert "Add a program carrier" not in page


def test_a_catalogue_maintainer_adds_and_removes_a_partner_carrier_audited() -> None:
    # Given a staff member the operator made a catalogue maintainer (decision 0017)
    staff = make_catalogue_maintainer()
    client = sign_in(Client(), staff)

    # When they add a bilateral partner with its source, then remove it
    client.post(
        reverse("travel:program_carrier_add"),
        {
            "program": ProgramCarrier.objects.get(program__code="EK", carrier="EK").program_id,
            "carrier": "b6",
            "relation": "bilateral",
            "source": "emirates.com partner page (example)",
            "as_of": "2026-11-25",
            "verified": "on",
        },
    )
    row = ProgramCarrier.objects.get(program__code="EK", carrier="B6")
    assert "B6" in {c for p in load_program_carriers() if p.program == "EK" for c in p.carriers}
    client.post(reverse("travel:partnership_remove"), {"kind": "program", "id": row.pk})

    # Then the row is gone and both changes are audited
    assert not ProgramCarrier.objects.filter(pk=row.pk).exists()
    assert AuditEvent.objects.filter(
        action="travel.program_carrier_saved", object_ref="EK:B6"
    ).exists()
    assert AuditEvent.objects.filter(action="travel.program_carrier_removed").exists()


@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.TRAVEL_COORDINATOR, Role.CASEWORKER, Role.VIEWER]
)
def test_no_organisation_role_changes_who_can_book_what(role: str) -> None:
    client = sign_in(Client(), make_staff(role))
    row = AllianceMembership.objects.get(alliance__code="skyteam", carrier="SU")
    before = _writes()

    removed = client.post(reverse("travel:partnership_remove"), {"kind": "alliance", "id": row.pk})
    added = client.post(
        reverse("travel:alliance_member_add"),
        {"alliance": row.alliance_id, "carrier": "ZZ", "source": "x", "as_of": "2026-11-25"},
    )

    assert (removed.status_code, added.status_code) == (403, 403)
    assert _writes() == before


def test_the_travel_pages_speak_russian() -> None:
    client = sign_in(Client(), make_staff(Role.TRAVEL_COORDINATOR))
    page = client.get(reverse("travel:programs"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Кто что может забронировать" in page


def test_an_airport_without_routes_is_told_apart_from_an_unknown_code() -> None:
    client = sign_in(Client(), make_staff(Role.TRAVEL_COORDINATOR))
    response = client.post(
        reverse("travel:search"),
        {"origin": "OVB", "destinations": "LT", "max_connections": "1"}
        | {"minimum_connection_minutes": "60"},
    )
    assert "No imported route touches this airport" in response.content.decode()


def test_the_flown_distance_is_translated() -> None:
    # Given a coordinator reading the site in Russian
    client = sign_in(Client(), make_staff(Role.TRAVEL_COORDINATOR))

    # When they search routes
    page = client.post(
        reverse("travel:search"),
        {"origin": "grv", "destinations": "LT", "max_connections": "2"}
        | {"minimum_connection_minutes": "60"},
        HTTP_ACCEPT_LANGUAGE="ru",
    ).content.decode()

    # Then the distance reads in Russian, not as an English abbreviation
    assert "миль: " in page
    assert " mi<" not in page
    assert " mi " not in page
