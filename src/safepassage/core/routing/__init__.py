"""Flight network and itinerary search: OpenFlights parsing, the route graph, great-circle
distance, which programs can book which carriers, and the route finder. Framework-free;
imports nothing outside ``safepassage.core``.
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
