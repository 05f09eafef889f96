"""Load the shared OpenFlights snapshot once per test session (it is never copied here)."""

from functools import cache
from pathlib import Path

import airportsdata

from safepassage.core.routing import (
    FlightGraph,
    airports_from_rows,
    build_flight_graph,
    parse_airports,
    parse_countries,
    parse_routes,
)

OPENFLIGHTS = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "openflights"
MISSING_REASON = f"OpenFlights data not found at {OPENFLIGHTS.resolve()}"


def available() -> bool:
    """Whether the shared snapshot is present."""
    return (OPENFLIGHTS / "routes.dat").is_file()


@cache
def openflights_graph() -> FlightGraph:
    """The full graph, countries as ISO codes (airportsdata first, countries.dat second)."""
    airports = parse_airports(text=(OPENFLIGHTS / "airports.dat").read_text(encoding="utf-8"))
    countries = parse_countries(text=(OPENFLIGHTS / "countries.dat").read_text(encoding="utf-8"))
    routes = parse_routes(text=(OPENFLIGHTS / "routes.dat").read_text(encoding="utf-8"))
    country_by_iata = {code: data["country"] for code, data in airportsdata.load("IATA").items()}
    return build_flight_graph(
        airports=airports_from_rows(
            rows=airports.rows, countries=countries.rows, country_by_iata=country_by_iata
        ),
        routes=[row.to_route() for row in routes.rows],
    )
