"""Find itineraries from an origin airport to safe destinations, ticketed and priced per program.

What the finder does
--------------------
:func:`find_itineraries` enumerates every simple path of one to ``max_connections + 1`` legs
(at most three) from the origin to any of the destinations, never transiting an airport in an
excluded country (a traveller may be unable to transit some countries; the origin and the
destinations themselves are never excluded). It ranks paths by their *minimum journey time*
and returns the best ``limit``; for each it works out how few tickets can cover it with the
programs given, which connections are self-transfers, and what each program would charge.

Minimum connection time, honestly
---------------------------------
OpenFlights routes have no schedules: there are no departure times, so the finder cannot build
timed itineraries or promise that a connection exists on a given day. It models connection time
as a *minimum* carried into each itinerary instead:

* every connection gets a minimum connection time: the airport's own
  (:attr:`Airport.minimum_connection_minutes`) or else
  :attr:`TimingAssumptions.default_connection_minutes`;
* a self-transfer connection (see below) gets at least
  :attr:`TimingAssumptions.self_transfer_connection_minutes`, because the traveller must collect
  bags, check in again and may have to pass immigration;
* each leg gets an estimated block time: ``taxi_minutes + distance / cruise_miles_per_hour``;
* :attr:`Itinerary.minimum_journey_minutes` adds these up. It is a lower bound on the real
  journey (waits for the next departure come on top), used to rank itineraries and shown to the
  coordinator, who checks real schedules and must respect each :class:`Connection`'s minimum
  when booking.

Tickets and self-transfers
--------------------------
A program can book a leg when it can book one of the carriers flying it
(:class:`~safepassage.core.routing.booking.ProgramCarriers`). The finder splits an itinerary
into the fewest consecutive groups of legs that one program can book together (a leg no program
can book becomes a ticket of its own, paid in cash, with no offers). Where two tickets meet, the
traveller self-transfers: consecutive legs that no single program can book on one ticket. Each
ticket lists an :class:`Offer` per program that can book it, priced with that program's
:class:`~safepassage.core.pricing.awards.ProgramPricing` when one is given;
:attr:`Itinerary.separate_legs` also prices each leg as a ticket of its own, so a coordinator
can compare one award ticket with separately ticketed legs. Without any
program data the finder cannot tell tickets apart: ``tickets`` is empty and no connection is
marked as a self-transfer.

Speed
-----
The search is a bounded enumeration: for three legs it only extends a two-leg prefix through
airports that have an edge into a destination (found from the destinations' incoming edges),
and it prunes any prefix whose lower bound cannot beat the current ``limit``-th best.
"""

import heapq
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from safepassage.core.pricing.awards import AwardPrice, ProgramPricing, price_ticket
from safepassage.core.pricing.errors import PricingError
from safepassage.core.pricing.segments import PricingSegment
from safepassage.core.routing.booking import ProgramCarriers
from safepassage.core.routing.errors import UnknownAirportError
from safepassage.core.routing.network import Edge, FlightGraph

MAX_CONNECTIONS = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class TimingAssumptions:
    """The assumptions behind minimum journey times (see the module docstring)."""

    taxi_minutes: int = 30
    cruise_miles_per_hour: int = 500
    default_connection_minutes: int = 60
    self_transfer_connection_minutes: int = 180


@dataclass(frozen=True, slots=True, kw_only=True)
class Leg:
    """One flight of an itinerary: airports, the carriers flying it, distance, block time."""

    origin: str
    destination: str
    carriers: frozenset[str]
    distance_miles: float
    estimated_minutes: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Connection:
    """A change of plane at ``airport`` and the least time to allow for it."""

    airport: str
    minimum_minutes: int
    self_transfer: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Offer:
    """One program that can book a ticket; ``price`` is None when it could not be estimated
    (``problem`` says why)."""

    program: str
    price: AwardPrice | None
    problem: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Ticket:
    """Consecutive legs booked together; no offers means no program can book them (cash)."""

    legs: tuple[Leg, ...]
    offers: tuple[Offer, ...]

    @property
    def programs(self) -> tuple[str, ...]:
        """The programs that can book this ticket."""
        return tuple(offer.program for offer in self.offers)


@dataclass(frozen=True, slots=True, kw_only=True)
class Itinerary:
    """A way from the origin to one destination, with its tickets and minimum journey time.

    ``tickets`` is the fewest-tickets way to book it (what ``connections`` and
    ``minimum_journey_minutes`` assume). ``separate_legs`` prices every leg as its own ticket,
    for comparison: booking that way makes every connection a self-transfer, with at least
    :attr:`TimingAssumptions.self_transfer_connection_minutes` at each. Both are empty
    without program data.
    """

    airports: tuple[str, ...]
    legs: tuple[Leg, ...]
    connections: tuple[Connection, ...]
    tickets: tuple[Ticket, ...]
    minimum_journey_minutes: int
    distance_miles: float
    separate_legs: tuple[Ticket, ...] = ()

    @property
    def destination(self) -> str:
        """The safe destination this itinerary reaches."""
        return self.airports[-1]

    @property
    def self_transfer(self) -> bool:
        """Whether any connection is a self-transfer (two tickets meet there)."""
        return any(connection.self_transfer for connection in self.connections)

    @property
    def single_ticket_programs(self) -> tuple[str, ...]:
        """Programs that can book the whole itinerary as one ticket."""
        return self.tickets[0].programs if len(self.tickets) == 1 else ()


type _Entry = tuple[
    float, int, tuple[int, ...], tuple[int, ...], tuple[Edge, ...], tuple[tuple[int, int], ...]
]

# Ways to cut 1, 2 or 3 legs into consecutive tickets, as (start, end) slices, fewest first.
_PARTITIONS: dict[int, tuple[tuple[tuple[int, int], ...], ...]] = {
    1: (((0, 1),),),
    2: (((0, 2),), ((0, 1), (1, 2))),
    3: (
        ((0, 3),),
        ((0, 1), (1, 3)),
        ((0, 2), (2, 3)),
        ((0, 1), (1, 2), (2, 3)),
    ),
}


@dataclass(slots=True)
class _Search:
    """Per-query state: bit masks of programs per edge, connection minimums, the best heap."""

    graph: FlightGraph
    timing: TimingAssumptions
    program_bits: Mapping[str, int]
    only_bookable: bool
    limit: int
    connection_minutes: Mapping[int, int]
    heap: list[_Entry]
    edge_masks: dict[int, int]

    def minimum_connection(self, node: int) -> int:
        return self.connection_minutes.get(node, self.timing.default_connection_minutes)

    def bound(self) -> float:
        """The key to beat (paths with an equal key may still win on the tie-break)."""
        return -self.heap[0][0] if len(self.heap) >= self.limit else float("inf")

    def edge_mask(self, edge: Edge) -> int:
        key = id(edge)
        mask = self.edge_masks.get(key)
        if mask is None:
            mask = 0
            for carrier in edge.carriers:
                mask |= self.program_bits.get(carrier, 0)
            self.edge_masks[key] = mask
        return mask

    def ticketing(
        self, nodes: tuple[int, ...], edges: tuple[Edge, ...]
    ) -> tuple[float, tuple[tuple[int, int], ...]] | None:
        """Extra minutes for self-transfers and the fewest tickets, or None if unwanted."""
        if not self.program_bits:
            return 0.0, ()
        masks = [self.edge_mask(edge) for edge in edges]
        if self.only_bookable and not all(masks):
            return None
        if _bookable_together(masks):
            return 0.0, ((0, len(edges)),)
        best: tuple[float, tuple[tuple[int, int], ...]] | None = None
        for partition in _PARTITIONS[len(edges)]:
            if best is not None and len(partition) > len(best[1]):
                break
            if not all(_bookable_together(masks[start:end]) for start, end in partition):
                continue
            extra = 0.0
            for start, _ in partition[1:]:
                node = nodes[start]
                usual = self.minimum_connection(node)
                extra += max(usual, self.timing.self_transfer_connection_minutes) - usual
            if best is None or extra < best[0]:
                best = (extra, partition)
        return best

    def consider(self, lower_bound: float, nodes: tuple[int, ...], edges: tuple[Edge, ...]) -> None:
        """Keep the path if it is among the ``limit`` best by (key, legs, airport codes)."""
        if lower_bound > self.bound():
            return
        ticketing = self.ticketing(nodes, edges)
        if ticketing is None:
            return
        key = lower_bound + ticketing[0]
        # Max-heap on the ranking order: node indices follow airport-code order, so negating
        # them reverses the code tie-break.
        entry = (-key, -len(nodes), tuple(-node for node in nodes), nodes, edges, ticketing[1])
        if len(self.heap) < self.limit:
            heapq.heappush(self.heap, entry)
        elif entry > self.heap[0]:
            heapq.heapreplace(self.heap, entry)


def _bookable_together(masks: Sequence[int]) -> bool:
    """One program books all these legs, or it is a single leg (a cash ticket if none can)."""
    if len(masks) == 1:
        return True
    combined = masks[0]
    for mask in masks[1:]:
        combined &= mask
    return combined != 0


def find_itineraries(
    *,
    graph: FlightGraph,
    origin: str,
    destinations: Collection[str],
    max_connections: int = MAX_CONNECTIONS,
    excluded_countries: Collection[str] = frozenset(),
    timing: TimingAssumptions = TimingAssumptions(),
    programs: Sequence[ProgramCarriers] = (),
    pricing: Mapping[str, ProgramPricing] | None = None,
    only_bookable: bool = False,
    limit: int = 20,
) -> tuple[Itinerary, ...]:
    """The ``limit`` itineraries with the shortest minimum journey time, best first.

    ``destinations`` are airport codes; itineraries to any of them are ranked together (ties
    broken by number of legs, then airport codes). ``max_connections`` is 0, 1 or 2.
    ``excluded_countries`` are ISO codes of countries the traveller must not transit.
    ``programs`` says which carriers each program can book (bits of at most a few dozen
    programs are fine); ``pricing`` prices tickets of the programs it has. ``only_bookable``
    drops itineraries with a leg no program can book. Raises :class:`UnknownAirportError` for
    an origin or destination no route touches.
    """
    if not 0 <= max_connections <= MAX_CONNECTIONS:
        raise ValueError(f"max_connections must be 0 to {MAX_CONNECTIONS}")
    if limit < 1:
        raise ValueError("limit must be at least 1")
    start = _position(graph=graph, code=origin)
    targets = {_position(graph=graph, code=code) for code in destinations} - {start}
    blocked: set[int] = set()
    for country in excluded_countries:
        blocked |= graph.by_country.get(country, frozenset())
    program_bits: dict[str, int] = {}
    for bit, program in enumerate(programs):
        for carrier in program.carriers:
            program_bits[carrier] = program_bits.get(carrier, 0) | (1 << bit)
    search = _Search(
        graph=graph,
        timing=timing,
        program_bits=program_bits,
        only_bookable=only_bookable,
        limit=limit,
        connection_minutes={
            position: airport.minimum_connection_minutes
            for position, airport in enumerate(graph.airports)
            if airport.minimum_connection_minutes is not None
        },
        heap=[],
        edge_masks={},
    )
    _enumerate(search=search, start=start, targets=targets, blocked=blocked, depth=max_connections)
    return tuple(
        _itinerary(
            search=search,
            nodes=nodes,
            edges=edges,
            partition=partition,
            key=-negative_key,
            programs=programs,
            pricing=pricing or {},
        )
        for negative_key, _, _, nodes, edges, partition in sorted(search.heap, reverse=True)
    )


def _position(*, graph: FlightGraph, code: str) -> int:
    position = graph.index.get(code)
    if position is None:
        raise UnknownAirportError(code=code)
    return position


def _enumerate(
    *, search: _Search, start: int, targets: set[int], blocked: set[int], depth: int
) -> None:
    """Offer every simple path of up to ``depth + 1`` legs to the search, pruning by bound."""
    graph = search.graph
    per_mile = 60.0 / search.timing.cruise_miles_per_hour
    taxi = float(search.timing.taxi_minutes)
    into_targets: dict[int, list[tuple[int, Edge]]] = {}
    if depth >= 2:
        for target in targets:
            for before, edge in graph.incoming[target]:
                if before != start and before not in blocked:
                    into_targets.setdefault(before, []).append((target, edge))
    consider = search.consider
    connection_minutes = search.connection_minutes.get
    default_connection = search.timing.default_connection_minutes
    # Direct flights and one connection first: they fill the heap with good paths, so the
    # bound prunes most two-connection prefixes in the second pass.
    for first in graph.outgoing[start]:
        a = first.destination
        time_a = taxi + first.distance_miles * per_mile
        if a in targets:
            consider(time_a, (start, a), (first,))
        if depth < 1 or a in blocked:
            continue
        time_a += connection_minutes(a, default_connection)
        for second in graph.outgoing[a]:
            b = second.destination
            if b in targets and b != start:
                consider(
                    time_a + taxi + second.distance_miles * per_mile,
                    (start, a, b),
                    (first, second),
                )
    if depth < 2 or not into_targets:
        return
    for first in graph.outgoing[start]:
        a = first.destination
        if a in blocked:
            continue
        time_a = taxi + first.distance_miles * per_mile + connection_minutes(a, default_connection)
        if time_a + 2 * taxi > search.bound():
            continue
        for second in graph.outgoing[a]:
            b = second.destination
            last_edges = into_targets.get(b)
            if last_edges is None or b == start:
                continue
            time_b = (
                time_a
                + taxi
                + second.distance_miles * per_mile
                + connection_minutes(b, default_connection)
            )
            if time_b + taxi > search.bound():
                continue
            for target, third in last_edges:
                if target == a:
                    continue
                consider(
                    time_b + taxi + third.distance_miles * per_mile,
                    (start, a, b, target),
                    (first, second, third),
                )


def _itinerary(
    *,
    search: _Search,
    nodes: tuple[int, ...],
    edges: tuple[Edge, ...],
    partition: tuple[tuple[int, int], ...],
    key: float,
    programs: Sequence[ProgramCarriers],
    pricing: Mapping[str, ProgramPricing],
) -> Itinerary:
    graph, timing = search.graph, search.timing
    airports = tuple(graph.airports[node] for node in nodes)
    legs = tuple(
        Leg(
            origin=airports[position].code,
            destination=airports[position + 1].code,
            carriers=edge.carriers,
            distance_miles=edge.distance_miles,
            estimated_minutes=round(
                timing.taxi_minutes + edge.distance_miles * 60 / timing.cruise_miles_per_hour
            ),
        )
        for position, edge in enumerate(edges)
    )
    splits = {start for start, _ in partition[1:]}
    connections = tuple(
        Connection(
            airport=airports[position].code,
            minimum_minutes=(
                max(
                    search.minimum_connection(nodes[position]),
                    timing.self_transfer_connection_minutes,
                )
                if position in splits
                else search.minimum_connection(nodes[position])
            ),
            self_transfer=position in splits,
        )
        for position in range(1, len(nodes) - 1)
    )
    tickets = tuple(
        _ticket(
            search=search,
            legs=legs[start:end],
            edges=edges[start:end],
            airports_countries=tuple(airport.country for airport in airports[start : end + 1]),
            programs=programs,
            pricing=pricing,
        )
        for start, end in partition
    )
    if len(tickets) == len(legs) or not programs:
        separate_legs = tickets
    else:
        separate_legs = tuple(
            _ticket(
                search=search,
                legs=legs[position : position + 1],
                edges=edges[position : position + 1],
                airports_countries=(airports[position].country, airports[position + 1].country),
                programs=programs,
                pricing=pricing,
            )
            for position in range(len(legs))
        )
    return Itinerary(
        airports=tuple(airport.code for airport in airports),
        legs=legs,
        connections=connections,
        tickets=tickets,
        minimum_journey_minutes=round(key),
        distance_miles=sum(edge.distance_miles for edge in edges),
        separate_legs=separate_legs,
    )


def _ticket(
    *,
    search: _Search,
    legs: tuple[Leg, ...],
    edges: tuple[Edge, ...],
    airports_countries: tuple[str, ...],
    programs: Sequence[ProgramCarriers],
    pricing: Mapping[str, ProgramPricing],
) -> Ticket:
    mask = -1
    for edge in edges:
        mask &= search.edge_mask(edge)
    segments = tuple(
        PricingSegment(
            origin=leg.origin,
            destination=leg.destination,
            origin_country=airports_countries[position],
            destination_country=airports_countries[position + 1],
            distance_miles=leg.distance_miles,
        )
        for position, leg in enumerate(legs)
    )
    offers = tuple(
        _offer(program=program.program, segments=segments, pricing=pricing)
        for bit, program in enumerate(programs)
        if mask & (1 << bit)
    )
    return Ticket(legs=legs, offers=offers)


def _offer(
    *, program: str, segments: tuple[PricingSegment, ...], pricing: Mapping[str, ProgramPricing]
) -> Offer:
    program_pricing = pricing.get(program)
    if program_pricing is None:
        return Offer(program=program, price=None, problem="no pricing data for this program")
    try:
        return Offer(
            program=program, price=price_ticket(pricing=program_pricing, segments=segments)
        )
    except PricingError as error:
        return Offer(program=program, price=None, problem=str(error))
