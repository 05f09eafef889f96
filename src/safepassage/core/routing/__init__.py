"""Flight network and itinerary search: OpenFlights parsing, the route graph, great-circle
distance, which programs can book which carriers, and the route finder. Framework-free;
imports nothing outside ``safepassage.core``.

Typical use (the Django layer stores the rows and rebuilds plain values from them)::

    routes = parse_routes(text=routes_text)          # refuse the import if routes.errors
    graph = build_flight_graph(airports=airports, routes=[row.to_route() for row in routes.rows])
    itineraries = find_itineraries(
        graph=graph,
        origin="MCX",
        destinations=["VNO", "YYZ"],
        excluded_countries={"AE"},
        programs=[program_carriers(program="TK", own_carriers=frozenset({"TK"}),
                                   alliances=alliances)],
        pricing={"TK": turkish_pricing},
    )

Build the graph once and share it: it is read-only, and a query takes milliseconds.
"""

from safepassage.core.routing.booking import Alliance, ProgramCarriers, program_carriers
from safepassage.core.routing.errors import RoutingError, UnknownAirportError
from safepassage.core.routing.finder import (
    Connection,
    Itinerary,
    Leg,
    Offer,
    Ticket,
    TimingAssumptions,
    find_itineraries,
)
from safepassage.core.routing.geo import great_circle_miles
from safepassage.core.routing.network import Airport, Edge, FlightGraph, Route, build_flight_graph
from safepassage.core.routing.openflights import (
    AirlineRow,
    AirportRow,
    CountryRow,
    LineError,
    ParseResult,
    RouteRow,
    airports_from_rows,
    check_route_references,
    parse_airlines,
    parse_airports,
    parse_countries,
    parse_routes,
)

__all__ = [
    "AirlineRow",
    "Airport",
    "AirportRow",
    "Alliance",
    "Connection",
    "CountryRow",
    "Edge",
    "FlightGraph",
    "Itinerary",
    "Leg",
    "LineError",
    "Offer",
    "ParseResult",
    "ProgramCarriers",
    "Route",
    "RouteRow",
    "RoutingError",
    "Ticket",
    "TimingAssumptions",
    "UnknownAirportError",
    "airports_from_rows",
    "build_flight_graph",
    "check_route_references",
    "find_itineraries",
    "great_circle_miles",
    "parse_airlines",
    "parse_airports",
    "parse_countries",
    "parse_routes",
    "program_carriers",
]
