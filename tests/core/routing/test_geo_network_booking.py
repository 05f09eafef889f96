"""Great-circle distance, graph building, and which programs can book which carriers."""

from datetime import date

import airportsdata
import pytest
from hypothesis import given
from hypothesis import strategies as st

from safepassage.core.pricing import SourceNote
from safepassage.core.routing import (
    Airport,
    Alliance,
    Route,
    build_flight_graph,
    great_circle_miles,
    program_carriers,
)

IATA = airportsdata.load("IATA")


def miles_between(a: str, b: str) -> float:
    return great_circle_miles(
        latitude_a=IATA[a]["lat"],
        longitude_a=IATA[a]["lon"],
        latitude_b=IATA[b]["lat"],
        longitude_b=IATA[b]["lon"],
    )


@pytest.mark.parametrize(
    ("a", "b", "miles"),
    [
        # awardguru.com (2011) worked example: DTW-ORD 235 mi, ORD-LAS 1,514 mi
        ("DTW", "ORD", 235),
        ("ORD", "LAS", 1514),
        # thepointsguy.com (2012): JFK-LAX 2,458 mi (priced 12,500 Avios then)
        ("JFK", "LAX", 2458),
    ],
)
def test_great_circle_matches_published_distances(a: str, b: str, miles: int) -> None:
    assert miles_between(a, b) == pytest.approx(miles, rel=0.005)


coordinates = st.tuples(
    st.floats(min_value=-90, max_value=90), st.floats(min_value=-180, max_value=180)
)


@given(coordinates, coordinates)
def test_great_circle_is_symmetric_and_bounded(
    a: tuple[float, float], b: tuple[float, float]
) -> None:
    there = great_circle_miles(latitude_a=a[0], longitude_a=a[1], latitude_b=b[0], longitude_b=b[1])
    back = great_circle_miles(latitude_a=b[0], longitude_a=b[1], latitude_b=a[0], longitude_b=a[1])
    assert there == pytest.approx(back, abs=1e-6)
    assert 0 <= there <= 12451  # half the Earth's circumference


def airport(code: str, country: str = "RU") -> Airport:
    return Airport(code=code, name=code, country=country, latitude=0.0, longitude=len(code))


def test_graph_merges_carriers_and_drops_what_it_cannot_use() -> None:
    graph = build_flight_graph(
        airports=[airport("AAA"), airport("BBB"), airport("CCC", "TR")],
        routes=[
            Route(carrier="X1", origin="AAA", destination="BBB"),
            Route(carrier="X2", origin="AAA", destination="BBB"),
            Route(carrier="X3", origin="AAA", destination="BBB", codeshare=True),
            Route(carrier="X1", origin="AAA", destination="ZZZ"),
            Route(carrier="X1", origin="AAA", destination="AAA"),
        ],
    )
    assert [a.code for a in graph.airports] == ["AAA", "BBB"]
    (edge,) = graph.outgoing[graph.index["AAA"]]
    assert edge.carriers == frozenset({"X1", "X2"})
    assert graph.incoming[graph.index["BBB"]] == ((graph.index["AAA"], edge),)
    assert graph.dropped_routes == 2
    assert graph.edge_count == 1
    assert graph.by_country["RU"] == frozenset({0, 1})


def test_graph_can_keep_codeshares() -> None:
    graph = build_flight_graph(
        airports=[airport("AAA"), airport("BBB")],
        routes=[Route(carrier="X3", origin="AAA", destination="BBB", codeshare=True)],
        include_codeshares=True,
    )
    assert graph.outgoing[0][0].carriers == frozenset({"X3"})


SOURCE = SourceNote(citation="test", as_of=date(2026, 11, 25))


def test_program_books_own_alliance_and_bilateral_carriers() -> None:
    star = Alliance(name="Star", members=frozenset({"TK", "LH", "AC"}), source=SOURCE)
    oneworld = Alliance(name="oneworld", members=frozenset({"BA", "QR"}), source=SOURCE)
    carriers = program_carriers(
        program="TK",
        own_carriers=frozenset({"TK", "AJ"}),
        alliances=[star, oneworld],
        bilateral_partners=frozenset({"EK"}),
    )
    assert carriers.carriers == frozenset({"TK", "AJ", "LH", "AC", "EK"})
