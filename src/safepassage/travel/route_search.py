"""The route finder in the app: the cached flight graph, who can book what and the award
pricing, handed to the framework-free ``find_itineraries``."""

from collections.abc import Collection
from dataclasses import dataclass

from safepassage.core.routing import (
    FlightGraph,
    Itinerary,
    TimingAssumptions,
    find_itineraries,
)
from safepassage.travel.booking_rules import load_program_carriers
from safepassage.travel.errors import (
    DestinationAirportsWithoutRoutes,
    NoAirportInDestinations,
    NoRoutesAtAirport,
    UnknownAirport,
)
from safepassage.travel.flight_graph import get_flight_graph
from safepassage.travel.models import Airport
from safepassage.travel.pricing import load_program_pricing


@dataclass(frozen=True, kw_only=True)
class RouteQuery:
    """A coordinator's search: destination airports and/or countries (ISO codes)."""

    origin: str
    destination_airports: frozenset[str] = frozenset()
    destination_countries: frozenset[str] = frozenset()
    max_connections: int = 2
    minimum_connection_minutes: int = 60
    excluded_countries: frozenset[str] = frozenset()
    limit: int = 20


def destination_codes(*, graph: FlightGraph, query: RouteQuery) -> set[str]:
    """The airports with routes among the query's airports and in its countries."""
    codes = {code for code in query.destination_airports if code in graph.index}
    for country in query.destination_countries:
        codes |= {graph.airports[position].code for position in graph.by_country.get(country, ())}
    codes.discard(query.origin)
    return codes


def search_routes(*, query: RouteQuery) -> tuple[Itinerary, ...]:
    """The best itineraries, each ticketed and priced per program that can book it.

    Raises :class:`UnknownAirport` for an origin that is no airport,
    :class:`NoRoutesAtAirport` when no route touches it, and
    :class:`DestinationAirportsWithoutRoutes` naming destination airports no route reaches,
    and :class:`NoAirportInDestinations` when no destination airport has routes.
    """
    graph = get_flight_graph()
    if query.origin not in graph.index:
        if Airport.objects.filter(code=query.origin).exists():
            raise NoRoutesAtAirport
        raise UnknownAirport
    unreached = sorted(code for code in query.destination_airports if code not in graph.index)
    if unreached:
        raise DestinationAirportsWithoutRoutes(codes=unreached)
    destinations = destination_codes(graph=graph, query=query)
    if not destinations:
        raise NoAirportInDestinations
    return find_itineraries(
        graph=graph,
        origin=query.origin,
        destinations=destinations,
        max_connections=query.max_connections,
        excluded_countries=query.excluded_countries,
        timing=TimingAssumptions(default_connection_minutes=query.minimum_connection_minutes),
        programs=load_program_carriers(),
        pricing=load_program_pricing(),
        limit=query.limit,
    )


def airport_countries(*, codes: Collection[str]) -> dict[str, str]:
    """ISO country of each airport code the graph knows."""
    graph = get_flight_graph()
    return {code: graph.airport(code).country for code in codes if code in graph.index}
