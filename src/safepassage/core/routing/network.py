"""The flight network as plain data: airports, routes, and the indexed graph the finder uses.

:func:`build_flight_graph` merges the routes of every carrier between two airports into one
directed edge that knows its carriers and great-circle distance. Routes whose airports are
unknown are dropped and counted; codeshare rows are dropped unless asked for, because they
name the marketing carrier, not the operating one, and booking rules follow the operator.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from safepassage.core.routing.geo import great_circle_miles


@dataclass(frozen=True, slots=True, kw_only=True)
class Airport:
    """An airport: IATA code, ISO 3166-1 country code, coordinates in degrees.

    ``minimum_connection_minutes`` is the airport's own minimum connection time when known;
    None means the finder's default applies.
    """

    code: str
    name: str
    country: str
    latitude: float
    longitude: float
    minimum_connection_minutes: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Route:
    """A carrier flies from ``origin`` to ``destination`` (airport codes), nonstop or not.

    ``codeshare`` is True when ``carrier`` only markets a flight another carrier operates.
    """

    carrier: str
    origin: str
    destination: str
    codeshare: bool = False
    stops: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Edge:
    """All routes from one airport to another, merged: index of the far end, carriers, miles."""

    destination: int
    carriers: frozenset[str]
    distance_miles: float


@dataclass(frozen=True, slots=True, kw_only=True)
class FlightGraph:
    """Airports (by index) with their outgoing and incoming edges. Build with
    :func:`build_flight_graph`; treat as read-only and share it between queries."""

    airports: tuple[Airport, ...]
    outgoing: tuple[tuple[Edge, ...], ...]
    incoming: tuple[tuple[tuple[int, Edge], ...], ...]
    index: Mapping[str, int] = field(repr=False)
    by_country: Mapping[str, frozenset[int]] = field(repr=False)
    dropped_routes: int = 0

    @property
    def edge_count(self) -> int:
        """Number of directed airport pairs with at least one route."""
        return sum(len(edges) for edges in self.outgoing)

    def airport(self, code: str) -> Airport:
        """The airport with IATA ``code`` (KeyError if absent)."""
        return self.airports[self.index[code]]


def build_flight_graph(
    *, airports: Iterable[Airport], routes: Iterable[Route], include_codeshares: bool = False
) -> FlightGraph:
    """Index airports and merge routes into directed edges.

    Only airports that appear in a kept route are in the graph. Self-loops, routes with an
    unknown airport and (by default) codeshare rows are not edges; all but codeshares are
    counted in ``dropped_routes``.
    """
    by_code = {airport.code: airport for airport in airports}
    carriers: dict[tuple[str, str], set[str]] = {}
    dropped = 0
    for route in routes:
        if route.codeshare and not include_codeshares:
            continue
        if (
            route.origin not in by_code
            or route.destination not in by_code
            or route.origin == route.destination
        ):
            dropped += 1
            continue
        carriers.setdefault((route.origin, route.destination), set()).add(route.carrier)
    codes = sorted({code for pair in carriers for code in pair})
    index = {code: position for position, code in enumerate(codes)}
    outgoing: list[list[Edge]] = [[] for _ in codes]
    incoming: list[list[tuple[int, Edge]]] = [[] for _ in codes]
    for (origin, destination), pair_carriers in sorted(carriers.items()):
        start, end = by_code[origin], by_code[destination]
        edge = Edge(
            destination=index[destination],
            carriers=frozenset(pair_carriers),
            distance_miles=great_circle_miles(
                latitude_a=start.latitude,
                longitude_a=start.longitude,
                latitude_b=end.latitude,
                longitude_b=end.longitude,
            ),
        )
        outgoing[index[origin]].append(edge)
        incoming[index[destination]].append((index[origin], edge))
    by_country: dict[str, set[int]] = {}
    for position, code in enumerate(codes):
        by_country.setdefault(by_code[code].country, set()).add(position)
    return FlightGraph(
        airports=tuple(by_code[code] for code in codes),
        outgoing=tuple(tuple(edges) for edges in outgoing),
        incoming=tuple(tuple(edges) for edges in incoming),
        index=MappingProxyType(index),
        by_country=MappingProxyType(
            {country: frozenset(positions) for country, positions in by_country.items()}
        ),
        dropped_routes=dropped,
    )
