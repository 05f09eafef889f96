"""The route finder on a small hand-made graph with known answers, against a brute-force
oracle, and on the full OpenFlights graph against a networkx simple-path search."""

import itertools
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safepassage.core.money import Miles
from safepassage.core.pricing import (
    DistanceBand,
    DistanceBandChart,
    MultiSegmentRule,
    ProgramPricing,
    SourceNote,
)
from safepassage.core.routing import (
    Airport,
    FlightGraph,
    Itinerary,
    ProgramCarriers,
    Route,
    TimingAssumptions,
    UnknownAirportError,
    build_flight_graph,
    find_itineraries,
    great_circle_miles,
)
from tests.core.routing.openflights_data import MISSING_REASON, available, openflights_graph

# Origin ORG in Russia; hubs in Türkiye (HBT), Armenia (HBA, off the straight line) and the
# UAE (HBE); safe destinations SFD (Germany) and SFC (Canada). All on or near the equator so
# distances are easy to reason about.
AIRPORTS = (
    Airport(code="ORG", name="Origin", country="RU", latitude=0.0, longitude=0.0),
    Airport(code="HBT", name="Hub TR", country="TR", latitude=0.0, longitude=5.0),
    Airport(code="HBA", name="Hub AM", country="AM", latitude=2.0, longitude=5.0),
    Airport(code="HBE", name="Hub AE", country="AE", latitude=-1.0, longitude=3.0),
    Airport(code="SFD", name="Safe DE", country="DE", latitude=0.0, longitude=10.0),
    Airport(code="SFC", name="Safe CA", country="CA", latitude=0.0, longitude=20.0),
)
ROUTES = (
    Route(carrier="TK", origin="ORG", destination="HBT"),
    Route(carrier="TK", origin="HBT", destination="SFD"),
    Route(carrier="TK", origin="HBT", destination="SFC"),
    Route(carrier="U6", origin="ORG", destination="HBA"),
    Route(carrier="OS", origin="HBA", destination="SFD"),
    Route(carrier="EK", origin="ORG", destination="HBE"),
    Route(carrier="TK", origin="HBE", destination="HBT"),
    Route(carrier="LH", origin="SFD", destination="SFC"),
)
GRAPH = build_flight_graph(airports=AIRPORTS, routes=ROUTES)
TIMING = TimingAssumptions()
SOURCE = SourceNote(citation="test", as_of=date(2026, 11, 25))


def by_code(code: str) -> Airport:
    return next(airport for airport in AIRPORTS if airport.code == code)


def minutes(path: Sequence[str], connection_minutes: Sequence[int]) -> int:
    """The documented formula: taxi + distance at cruise speed per leg, plus connections."""
    total = 0.0
    for a, b in itertools.pairwise(path):
        first, second = by_code(a), by_code(b)
        distance = great_circle_miles(
            latitude_a=first.latitude,
            longitude_a=first.longitude,
            latitude_b=second.latitude,
            longitude_b=second.longitude,
        )
        total += TIMING.taxi_minutes + distance * 60 / TIMING.cruise_miles_per_hour
    return round(total + sum(connection_minutes))


def paths(itineraries: Sequence[Itinerary]) -> list[tuple[str, ...]]:
    return [itinerary.airports for itinerary in itineraries]


def test_shortest_journeys_come_first() -> None:
    found = find_itineraries(graph=GRAPH, origin="ORG", destinations=["SFD"])
    assert paths(found) == [
        ("ORG", "HBT", "SFD"),
        ("ORG", "HBA", "SFD"),
        ("ORG", "HBE", "HBT", "SFD"),
    ]
    best = found[0]
    assert best.minimum_journey_minutes == minutes(best.airports, [60])
    assert [(c.airport, c.minimum_minutes, c.self_transfer) for c in best.connections] == [
        ("HBT", 60, False)
    ]
    assert best.legs[0].carriers == frozenset({"TK"})
    assert best.distance_miles == pytest.approx(sum(leg.distance_miles for leg in best.legs))
    # Without program data, ticketing is not evaluated
    assert best.tickets == ()
    assert best.separate_legs == ()
    assert not best.self_transfer


def test_several_destinations_are_ranked_together() -> None:
    found = find_itineraries(graph=GRAPH, origin="ORG", destinations=["SFD", "SFC"])
    assert {itinerary.destination for itinerary in found} == {"SFD", "SFC"}
    assert ("ORG", "HBT", "SFD", "SFC") in paths(found)
    assert [i.minimum_journey_minutes for i in found] == sorted(
        i.minimum_journey_minutes for i in found
    )


def test_connections_and_limit() -> None:
    assert (
        find_itineraries(graph=GRAPH, origin="ORG", destinations=["SFD"], max_connections=0) == ()
    )
    one = find_itineraries(graph=GRAPH, origin="ORG", destinations=["SFD"], max_connections=1)
    assert paths(one) == [("ORG", "HBT", "SFD"), ("ORG", "HBA", "SFD")]
    top = find_itineraries(graph=GRAPH, origin="ORG", destinations=["SFD"], limit=1)
    assert paths(top) == [("ORG", "HBT", "SFD")]


def test_airport_minimum_connection_time_changes_the_ranking() -> None:
    slow_hub = [
        replace(a, minimum_connection_minutes=150) if a.code == "HBT" else a for a in AIRPORTS
    ]
    graph = build_flight_graph(airports=slow_hub, routes=ROUTES)
    found = find_itineraries(graph=graph, origin="ORG", destinations=["SFD"], max_connections=1)
    assert paths(found) == [("ORG", "HBA", "SFD"), ("ORG", "HBT", "SFD")]
    assert found[1].connections[0].minimum_minutes == 150
    assert found[1].minimum_journey_minutes == minutes(("ORG", "HBT", "SFD"), [150])


def test_excluded_countries_are_never_transited() -> None:
    found = find_itineraries(
        graph=GRAPH, origin="ORG", destinations=["SFD", "SFC"], excluded_countries={"TR"}
    )
    assert paths(found) == [("ORG", "HBA", "SFD"), ("ORG", "HBA", "SFD", "SFC")]


def test_origin_and_destination_countries_are_not_excluded() -> None:
    found = find_itineraries(
        graph=GRAPH, origin="ORG", destinations=["SFD"], excluded_countries={"RU", "DE"}
    )
    assert paths(found)[0] == ("ORG", "HBT", "SFD")


PROGRAMS = (
    ProgramCarriers(program="TK", carriers=frozenset({"TK", "LH"})),
    ProgramCarriers(program="SU", carriers=frozenset({"U6"})),
    ProgramCarriers(program="OS", carriers=frozenset({"OS"})),
    ProgramCarriers(program="EK", carriers=frozenset({"EK"})),
)


def test_single_ticket_when_one_program_books_every_leg() -> None:
    found = find_itineraries(
        graph=GRAPH, origin="ORG", destinations=["SFC"], programs=PROGRAMS, max_connections=2
    )
    direct_hub = next(i for i in found if i.airports == ("ORG", "HBT", "SFC"))
    assert direct_hub.single_ticket_programs == ("TK",)
    assert not direct_hub.self_transfer
    # Each leg is also offered as a separate ticket for comparison
    assert [len(ticket.legs) for ticket in direct_hub.separate_legs] == [1, 1]
    assert [ticket.programs for ticket in direct_hub.separate_legs] == [("TK",), ("TK",)]
    via_germany = next(i for i in found if i.airports == ("ORG", "HBT", "SFD", "SFC"))
    assert via_germany.single_ticket_programs == ("TK",)


def test_self_transfer_between_programs_that_cannot_book_together() -> None:
    found = find_itineraries(
        graph=GRAPH, origin="ORG", destinations=["SFD"], programs=PROGRAMS, max_connections=1
    )
    armenia = next(i for i in found if i.airports == ("ORG", "HBA", "SFD"))
    assert armenia.self_transfer
    assert [ticket.programs for ticket in armenia.tickets] == [("SU",), ("OS",)]
    assert armenia.separate_legs == armenia.tickets
    assert armenia.single_ticket_programs == ()
    (connection,) = armenia.connections
    assert (connection.airport, connection.self_transfer, connection.minimum_minutes) == (
        "HBA",
        True,
        180,
    )
    assert armenia.minimum_journey_minutes == minutes(armenia.airports, [180])


def test_fewest_tickets_for_three_legs() -> None:
    found = find_itineraries(
        graph=GRAPH, origin="ORG", destinations=["SFD"], programs=PROGRAMS, max_connections=2
    )
    via_uae = next(i for i in found if i.airports == ("ORG", "HBE", "HBT", "SFD"))
    assert [ticket.programs for ticket in via_uae.tickets] == [("EK",), ("TK",)]
    assert [len(ticket.legs) for ticket in via_uae.tickets] == [1, 2]
    assert [c.self_transfer for c in via_uae.connections] == [True, False]


def test_a_leg_no_program_books_is_a_cash_ticket_or_dropped() -> None:
    only_tk = (PROGRAMS[0],)
    found = find_itineraries(graph=GRAPH, origin="ORG", destinations=["SFD"], programs=only_tk)
    armenia = next(i for i in found if i.airports == ("ORG", "HBA", "SFD"))
    assert [ticket.offers for ticket in armenia.tickets] == [(), ()]
    assert armenia.self_transfer
    bookable = find_itineraries(
        graph=GRAPH, origin="ORG", destinations=["SFD"], programs=only_tk, only_bookable=True
    )
    assert paths(bookable) == [("ORG", "HBT", "SFD")]


def test_tickets_are_priced_per_program() -> None:
    chart = DistanceBandChart(
        name="test",
        bands=(
            DistanceBand(min_miles=0, max_miles=500, miles=5000),
            DistanceBand(min_miles=501, max_miles=1000, miles=9000),
        ),
        multi_segment=MultiSegmentRule.PER_SEGMENT,
        source=SOURCE,
    )
    pricing = {
        "TK": ProgramPricing(program="TK", chart=chart, short_haul_max_miles=2000, currency="EUR")
    }
    found = find_itineraries(
        graph=GRAPH, origin="ORG", destinations=["SFD", "SFC"], programs=PROGRAMS, pricing=pricing
    )
    turkey = next(i for i in found if i.airports == ("ORG", "HBT", "SFD"))
    (offer,) = turkey.tickets[0].offers
    assert offer.price is not None
    assert offer.price.miles == Miles(amount=10000, program="TK")
    to_canada = next(i for i in found if i.airports == ("ORG", "HBT", "SFC"))
    assert to_canada.tickets[0].offers[0].price is None
    assert "beyond chart" in (to_canada.tickets[0].offers[0].problem or "")
    armenia = next(i for i in found if i.airports == ("ORG", "HBA", "SFD"))
    assert armenia.tickets[0].offers[0].problem == "no pricing data for this program"


def test_no_destination_means_no_itinerary() -> None:
    assert find_itineraries(graph=GRAPH, origin="ORG", destinations=[]) == ()
    assert find_itineraries(graph=GRAPH, origin="ORG", destinations=["ORG"]) == ()


def test_bad_arguments() -> None:
    with pytest.raises(UnknownAirportError):
        find_itineraries(graph=GRAPH, origin="XXX", destinations=["SFD"])
    with pytest.raises(UnknownAirportError):
        find_itineraries(graph=GRAPH, origin="ORG", destinations=["XXX"])
    with pytest.raises(ValueError, match="max_connections"):
        find_itineraries(graph=GRAPH, origin="ORG", destinations=["SFD"], max_connections=3)
    with pytest.raises(ValueError, match="limit"):
        find_itineraries(graph=GRAPH, origin="ORG", destinations=["SFD"], limit=0)


# --- Brute-force oracle -------------------------------------------------------------------

CODES = ("AAA", "BBB", "CCC", "DDD", "EEE", "FFF")
CARRIERS = ("C1", "C2", "C3")


def oracle(
    *,
    airports: Sequence[Airport],
    routes: Sequence[Route],
    origin: str,
    destinations: set[str],
    excluded: set[str],
    programs: Sequence[ProgramCarriers],
    only_bookable: bool = False,
) -> list[tuple[float, tuple[str, ...], tuple[bool, ...]]]:
    """Every simple path of up to three legs, with the documented key and self-transfers."""
    place = {airport.code: airport for airport in airports}
    carriers: dict[tuple[str, str], set[str]] = {}
    for route in routes:
        if route.origin != route.destination:
            carriers.setdefault((route.origin, route.destination), set()).add(route.carrier)

    def mct(code: str) -> int:
        own = place[code].minimum_connection_minutes
        return TIMING.default_connection_minutes if own is None else own

    def bookers(leg: tuple[str, str]) -> set[str]:
        return {p.program for p in programs if p.carriers & carriers[leg]}

    results = []
    for length in (1, 2, 3):
        for middle in itertools.permutations([c for c in place if c != origin], length - 1):
            path = (origin, *middle)
            for end in sorted(destinations):
                full = (*path, end)
                if len(set(full)) != len(full):
                    continue
                legs = list(itertools.pairwise(full))
                if any(leg not in carriers for leg in legs):
                    continue
                if any(place[c].country in excluded for c in full[1:-1]):
                    continue
                if only_bookable and programs and not all(bookers(leg) for leg in legs):
                    continue
                key = 0.0
                for a, b in legs:
                    key += (
                        TIMING.taxi_minutes
                        + great_circle_miles(
                            latitude_a=place[a].latitude,
                            longitude_a=place[a].longitude,
                            latitude_b=place[b].latitude,
                            longitude_b=place[b].longitude,
                        )
                        * 60
                        / TIMING.cruise_miles_per_hour
                    )
                key += sum(mct(c) for c in full[1:-1])
                splits: tuple[int, ...] = ()
                if programs:
                    best: tuple[int, float, tuple[int, ...]] | None = None
                    for cut_count in range(len(legs)):
                        for cuts in itertools.combinations(range(1, len(legs)), cut_count):
                            bounds = [0, *cuts, len(legs)]
                            groups = [legs[s:e] for s, e in itertools.pairwise(bounds)]
                            if any(
                                len(g) > 1 and not set.intersection(*(bookers(leg) for leg in g))
                                for g in groups
                            ):
                                continue
                            extra = sum(
                                max(mct(full[c]), TIMING.self_transfer_connection_minutes)
                                - mct(full[c])
                                for c in cuts
                            )
                            candidate = (len(groups), extra, cuts)
                            if best is None or candidate[:2] < best[:2]:
                                best = candidate
                    assert best is not None
                    key += best[1]
                    splits = best[2]
                flags = tuple(position in splits for position in range(1, len(full) - 1))
                results.append((key, full, flags))
    return sorted(results, key=lambda r: (r[0], len(r[1]), r[1]))


@st.composite
def networks(draw: st.DrawFn) -> tuple[list[Airport], list[Route], list[ProgramCarriers]]:
    airports = [
        Airport(
            code=code,
            name=code,
            country=draw(st.sampled_from(["RU", "TR", "DE"])),
            latitude=draw(st.integers(-40, 40)),
            longitude=draw(st.integers(-60, 60)),
            minimum_connection_minutes=draw(st.none() | st.integers(30, 240)),
        )
        for code in CODES
    ]
    routes = draw(
        st.lists(
            st.builds(
                Route,
                carrier=st.sampled_from(CARRIERS),
                origin=st.sampled_from(CODES),
                destination=st.sampled_from(CODES),
            ),
            min_size=20,
            max_size=50,
        )
    )
    programs = draw(
        st.lists(
            st.frozensets(st.sampled_from(CARRIERS), min_size=1, max_size=2).map(
                lambda carriers: ProgramCarriers(
                    program="P" + "".join(sorted(carriers)), carriers=carriers
                )
            ),
            max_size=3,
            unique_by=lambda program: program.program,
        )
    )
    return airports, routes, programs


@settings(max_examples=150, deadline=None)
@given(
    networks(),
    st.sets(st.sampled_from(["TR", "DE"]), max_size=1),
    st.integers(1, 8),
    st.booleans(),
)
def test_finder_agrees_with_brute_force(
    network: tuple[list[Airport], list[Route], list[ProgramCarriers]],
    excluded: set[str],
    limit: int,
    only_bookable: bool,
) -> None:
    airports, routes, programs = network
    graph = build_flight_graph(airports=airports, routes=routes)
    if "AAA" not in graph.index:
        return
    destinations = {code for code in ("EEE", "FFF") if code in graph.index}
    if not destinations:
        return
    expected = oracle(
        airports=airports,
        routes=routes,
        origin="AAA",
        destinations=destinations,
        excluded=excluded,
        programs=programs,
        only_bookable=only_bookable,
    )
    found = find_itineraries(
        graph=graph,
        origin="AAA",
        destinations=destinations,
        excluded_countries=excluded,
        programs=programs,
        only_bookable=only_bookable,
        limit=limit,
    )
    assert len(found) == min(limit, len(expected))
    for itinerary, (key, path, flags) in zip(found, expected, strict=False):
        assert itinerary.minimum_journey_minutes == round(key)
        if itinerary.airports != path:  # only a tie within float noise may reorder
            match = next(e for e in expected if e[1] == itinerary.airports)
            assert match[0] == pytest.approx(key, abs=1e-6)
        else:
            assert tuple(c.self_transfer for c in itinerary.connections) == flags


# --- The full OpenFlights graph -----------------------------------------------------------

needs_openflights = pytest.mark.skipif(not available(), reason=MISSING_REASON)
SAFE = ("VNO", "RIX", "TLL", "HEL", "WAW", "BER", "TXL", "CDG", "AMS", "YYZ", "YUL", "YVR")


@pytest.fixture(scope="module")
def openflights() -> FlightGraph:
    return openflights_graph()


def networkx_best(
    graph: FlightGraph, origin: str, destinations: Sequence[str], excluded: set[str], limit: int
) -> list[tuple[float, tuple[str, ...]]]:
    """The same ranking over networkx.all_simple_paths(cutoff=3)."""
    digraph = nx.DiGraph()
    for start, edges in enumerate(graph.outgoing):
        for edge in edges:
            digraph.add_edge(
                graph.airports[start].code,
                graph.airports[edge.destination].code,
                miles=edge.distance_miles,
            )
    targets = {code for code in destinations if code in graph.index}
    ranked = []
    for path in nx.all_simple_paths(digraph, origin, targets, cutoff=3):
        if any(graph.airport(code).country in excluded for code in path[1:-1]):
            continue
        key = 0.0
        for position, (a, b) in enumerate(itertools.pairwise(path)):
            if position:
                key += TIMING.default_connection_minutes
            key += TIMING.taxi_minutes + digraph[a][b]["miles"] * 60 / TIMING.cruise_miles_per_hour
        ranked.append((key, tuple(path)))
    ranked.sort(key=lambda item: (item[0], len(item[1]), item[1]))
    return ranked[:limit]


@needs_openflights
@pytest.mark.parametrize(("origin", "excluded"), [("MCX", set()), ("AER", {"TR", "AE"})])
def test_openflights_matches_networkx(
    openflights: FlightGraph, origin: str, excluded: set[str]
) -> None:
    destinations = [code for code in SAFE if code in openflights.index]
    found = find_itineraries(
        graph=openflights,
        origin=origin,
        destinations=destinations,
        excluded_countries=excluded,
        limit=25,
    )
    expected = networkx_best(openflights, origin, destinations, excluded, 25)
    assert [itinerary.airports for itinerary in found] == [path for _, path in expected]


@needs_openflights
def test_openflights_itineraries_from_the_caucasus(openflights: FlightGraph) -> None:
    programs = (
        ProgramCarriers(program="TK", carriers=frozenset({"TK", "LH", "LO", "AC", "OS", "LX"})),
        ProgramCarriers(program="BA", carriers=frozenset({"BA", "AY", "IB", "S7", "AA"})),
    )
    found = find_itineraries(
        graph=openflights,
        origin="MCX",
        destinations=["YYZ", "VNO", "CDG"],
        excluded_countries={"AE"},
        programs=programs,
        limit=30,
    )
    assert len(found) == 30
    for itinerary in found:
        assert 2 <= len(itinerary.legs) <= 3
        assert itinerary.destination in {"YYZ", "VNO", "CDG"}
        assert all(openflights.airport(c).country != "AE" for c in itinerary.airports[1:-1])
        assert len(itinerary.tickets) >= 1
        assert itinerary.self_transfer == (len(itinerary.tickets) > 1)
    assert [i.minimum_journey_minutes for i in found] == sorted(
        i.minimum_journey_minutes for i in found
    )
