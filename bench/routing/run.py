"""Route finder benchmark on the full OpenFlights graph, side by side with networkx.

    .venv/bin/python -m bench.routing.run [--queries 40] [--seed 2026] [--limit 20]
        [--openflights ../shared/data/openflights]

Loads the OpenFlights snapshot (never copied into the repo), builds the graph once, then runs a
fixed seeded set of queries: an origin in Russia or the Caucasus, 3-6 safe destinations in the
EU or Canada, sometimes a country the traveller cannot transit. Each query runs, interleaved,

1. ``find_itineraries`` without program data (the like-for-like comparison),
2. a networkx baseline: ``all_simple_paths(cutoff=3)`` over the same edges (excluded countries
   removed first with a subgraph view), every path ranked by the same minimum-journey-time key,
   top ``limit`` kept;
3. ``find_itineraries`` with (illustrative, unverified) program data and pricing, i.e. tickets,
   self-transfers and prices for the returned itineraries.

It checks that (1) and (2) return the same itineraries in the same order and prints a markdown
table of median and p95 per query, the speed-up, and the machine it ran on.
"""

import argparse
import itertools
import os
import platform
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import airportsdata
import networkx as nx

from safepassage.core.pricing import ProgramPricing
from safepassage.core.pricing.catalogue import (
    ETIHAD_ECONOMY,
    TURKISH_PROMOTION_ECONOMY_FROM_TURKIYE,
    british_airways_pricing,
)
from safepassage.core.routing import (
    FlightGraph,
    ProgramCarriers,
    TimingAssumptions,
    airports_from_rows,
    build_flight_graph,
    find_itineraries,
    parse_airports,
    parse_countries,
    parse_routes,
)

DEFAULT_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "openflights"
ORIGINS: tuple[str, ...] = (
    *("MCX", "GRV", "AER", "LED", "SVO", "DME", "VKO", "KZN", "MRV", "ROV", "KRR", "NAL"),
    *("OGZ", "TBS", "EVN", "GYD"),
)
SAFE: tuple[str, ...] = (
    *("VNO", "RIX", "TLL", "HEL", "WAW", "TXL", "BER", "FRA", "CDG", "AMS", "VIE", "PRG"),
    *("ARN", "CPH", "OSL", "MAD", "LIS", "DUB", "YYZ", "YUL", "YVR", "YOW"),
)
EXCLUSIONS: tuple[frozenset[str], ...] = (
    frozenset(),
    frozenset(),
    frozenset({"TR"}),
    frozenset({"AE", "QA"}),
    frozenset({"RU"}),
    frozenset({"BY"}),
)
# Illustrative only: alliance membership as commonly known, not verified, for exercising the
# ticketing and pricing code path on realistic carriers. Never seed the product from this.
PROGRAMS = (
    ProgramCarriers(
        program="TK",
        carriers=frozenset({"TK", "LH", "LX", "OS", "LO", "SK", "AC", "UA", "A3", "OU", "SN"}),
    ),
    ProgramCarriers(
        program="BA", carriers=frozenset({"BA", "AY", "IB", "AA", "QR", "S7", "AB", "LA"})
    ),
    ProgramCarriers(program="EY", carriers=frozenset({"EY", "AB", "AZ", "JU"})),
    ProgramCarriers(program="SU", carriers=frozenset({"SU", "AF", "KL", "AZ", "OK", "KQ"})),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Query:
    """One benchmark query."""

    origin: str
    destinations: tuple[str, ...]
    excluded: frozenset[str]


def load_graph(data: Path) -> FlightGraph:
    """Parse the OpenFlights files and build the graph (countries via airportsdata)."""
    airports = parse_airports(text=(data / "airports.dat").read_text(encoding="utf-8"))
    countries = parse_countries(text=(data / "countries.dat").read_text(encoding="utf-8"))
    routes = parse_routes(text=(data / "routes.dat").read_text(encoding="utf-8"))
    country_by_iata = {code: row["country"] for code, row in airportsdata.load("IATA").items()}
    return build_flight_graph(
        airports=airports_from_rows(
            rows=airports.rows, countries=countries.rows, country_by_iata=country_by_iata
        ),
        routes=[row.to_route() for row in routes.rows],
    )


def make_queries(graph: FlightGraph, *, count: int, seed: int) -> list[Query]:
    """A fixed, seeded query set over the airports the graph has."""
    rng = random.Random(seed)
    origins = [code for code in ORIGINS if code in graph.index]
    safe = [code for code in SAFE if code in graph.index]
    queries = []
    for number in range(count):
        queries.append(
            Query(
                origin=origins[number % len(origins)],
                destinations=tuple(sorted(rng.sample(safe, rng.randint(3, 6)))),
                excluded=rng.choice(EXCLUSIONS),
            )
        )
    return queries


def networkx_graph(graph: FlightGraph) -> "nx.DiGraph[str]":
    """The same edges as a networkx DiGraph, with distance and country attributes."""
    digraph: nx.DiGraph[str] = nx.DiGraph()
    for airport in graph.airports:
        digraph.add_node(airport.code, country=airport.country, mct=None)
    for start, edges in enumerate(graph.outgoing):
        for edge in edges:
            digraph.add_edge(
                graph.airports[start].code,
                graph.airports[edge.destination].code,
                miles=edge.distance_miles,
            )
    return digraph


def networkx_search(
    digraph: "nx.DiGraph[str]", query: Query, *, limit: int, timing: TimingAssumptions
) -> list[tuple[str, ...]]:
    """Baseline: every simple path of up to 3 legs, ranked by the finder's key."""
    keep = {query.origin, *query.destinations}
    view = nx.subgraph_view(
        digraph,
        filter_node=lambda node: (
            node in keep or digraph.nodes[node]["country"] not in query.excluded
        ),
    )
    per_mile = 60.0 / timing.cruise_miles_per_hour
    ranked = []
    for path in nx.all_simple_paths(view, query.origin, set(query.destinations), cutoff=3):
        key = 0.0
        for position, (a, b) in enumerate(itertools.pairwise(path)):
            if position:
                key += timing.default_connection_minutes
            key += timing.taxi_minutes + digraph[a][b]["miles"] * per_mile
        ranked.append((key, len(path), tuple(path)))
    ranked.sort()
    return [path for _, _, path in ranked[:limit]]


def timed[T](function: Callable[[], T]) -> tuple[float, T]:
    """Seconds taken by one call, and its result."""
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def p95(samples: Sequence[float]) -> float:
    """95th percentile (inclusive method)."""
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def machine() -> str:
    """nproc, CPU model, memory and load, for the record."""
    model = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as meminfo:
        memory_kib = int(meminfo.readline().split()[1])
    load = os.getloadavg()
    return (
        f"nproc {os.cpu_count()}, CPU {model}, memory {memory_kib / 1024 / 1024:.1f} GiB, "
        f"load average {load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}, Python "
        f"{platform.python_version()}, networkx {nx.__version__}"
    )


def main() -> None:
    """Run the benchmark and print a markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--openflights", type=Path, default=DEFAULT_DATA)
    arguments = parser.parse_args()

    print(f"Machine at start: {machine()}")
    load_seconds, graph = timed(lambda: load_graph(arguments.openflights))
    print(
        f"Graph: {len(graph.airports)} airports, {graph.edge_count} directed airport pairs, "
        f"parsed and built in {load_seconds:.2f} s"
    )
    digraph = networkx_graph(graph)
    queries = make_queries(graph, count=arguments.queries, seed=arguments.seed)
    timing = TimingAssumptions()
    pricing: dict[str, ProgramPricing] = {
        "BA": british_airways_pricing(peak=False),
        "TK": ProgramPricing(
            program="TK",
            chart=TURKISH_PROMOTION_ECONOMY_FROM_TURKIYE,
            short_haul_max_miles=2000,
            currency="USD",
        ),
        "EY": ProgramPricing(
            program="EY", chart=ETIHAD_ECONOMY, short_haul_max_miles=2000, currency="USD"
        ),
    }

    def plain(query: Query) -> list[tuple[str, ...]]:
        found = find_itineraries(
            graph=graph,
            origin=query.origin,
            destinations=query.destinations,
            excluded_countries=query.excluded,
            timing=timing,
            limit=arguments.limit,
        )
        return [itinerary.airports for itinerary in found]

    def priced(query: Query) -> int:
        found = find_itineraries(
            graph=graph,
            origin=query.origin,
            destinations=query.destinations,
            excluded_countries=query.excluded,
            timing=timing,
            programs=PROGRAMS,
            pricing=pricing,
            limit=arguments.limit,
        )
        return sum(itinerary.self_transfer for itinerary in found)

    plain(queries[0])  # warm-up
    finder_times: list[float] = []
    baseline_times: list[float] = []
    priced_times: list[float] = []
    mismatches = 0
    for query in queries:
        finder_seconds, found = timed(partial(plain, query))
        baseline_seconds, expected = timed(
            partial(networkx_search, digraph, query, limit=arguments.limit, timing=timing)
        )
        priced_seconds, _ = timed(partial(priced, query))
        finder_times.append(finder_seconds * 1000)
        baseline_times.append(baseline_seconds * 1000)
        priced_times.append(priced_seconds * 1000)
        if found != expected:
            mismatches += 1
            print(f"MISMATCH for {query}")

    rows = (
        ("find_itineraries, no programs", finder_times),
        ("networkx all_simple_paths(cutoff=3) + same ranking", baseline_times),
        ("find_itineraries, 4 programs, tickets and prices", priced_times),
    )
    print()
    print(
        f"{len(queries)} queries (seed {arguments.seed}, top {arguments.limit}), "
        f"results identical to networkx: {len(queries) - mismatches}/{len(queries)}"
    )
    print()
    print("| search | median ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|")
    for name, samples in rows:
        print(
            f"| {name} | {statistics.median(samples):.2f} | {p95(samples):.2f} | "
            f"{max(samples):.2f} |"
        )
    ratios = [base / mine for base, mine in zip(baseline_times, finder_times, strict=True)]
    print()
    print(
        f"Speed-up (networkx / finder): median of medians "
        f"{statistics.median(baseline_times) / statistics.median(finder_times):.1f}x; per query "
        f"median {statistics.median(ratios):.1f}x, min {min(ratios):.1f}x, max {max(ratios):.1f}x"
    )
    slowest = min(range(len(queries)), key=lambda number: ratios[number])
    print(
        f"Lowest speed-up: {ratios[slowest]:.1f}x for {queries[slowest]} "
        f"(finder {finder_times[slowest]:.2f} ms, networkx {baseline_times[slowest]:.2f} ms)"
    )
    print(f"Machine at end: {machine()}")


if __name__ == "__main__":
    main()
