"""The flight graph of the stored airports and routes, built once per process and import.

Building it from the full OpenFlights data takes about a second; a search takes milliseconds.
Each process keeps the graph it built together with the import it was built from (the newest
:class:`RouteImport`: primary key and time), and rebuilds it when a newer import exists.
"""

import threading

from safepassage.core.routing import Airport as CoreAirport
from safepassage.core.routing import FlightGraph, build_flight_graph
from safepassage.core.routing import Route as CoreRoute
from safepassage.travel.errors import NoRoutesImported
from safepassage.travel.models import Airport, Route, RouteImport

type ImportKey = tuple[int, str]

_lock = threading.Lock()
_cache: dict[str, tuple[ImportKey, FlightGraph]] = {}


def current_import_key() -> ImportKey | None:
    """The newest import's (primary key, time): the counter that invalidates cached graphs.

    The time is part of the key because SQLite may hand out a rolled-back primary key again.
    """
    newest = RouteImport.objects.order_by("-pk").values_list("pk", "imported_at").first()
    return None if newest is None else (newest[0], newest[1].isoformat())


def build_stored_flight_graph() -> FlightGraph:
    """A new graph from every stored airport and non-codeshare route."""
    airports = [
        CoreAirport(code=code, name=name, country=country, latitude=latitude, longitude=longitude)
        for code, name, country, latitude, longitude in Airport.objects.values_list(
            "code", "name", "country", "latitude", "longitude"
        ).iterator(chunk_size=2000)
    ]
    routes = [
        CoreRoute(carrier=carrier, origin=origin, destination=destination, stops=stops)
        for carrier, origin, destination, stops in Route.objects.filter(codeshare=False)
        .values_list("carrier", "origin", "destination", "stops")
        .iterator(chunk_size=5000)
    ]
    return build_flight_graph(airports=airports, routes=routes)


def get_flight_graph() -> FlightGraph:
    """The graph of the newest import, cached per process; :class:`NoRoutesImported` if none."""
    key = current_import_key()
    if key is None:
        raise NoRoutesImported
    with _lock:
        cached = _cache.get("graph")
        if cached is not None and cached[0] == key:
            return cached[1]
        graph = build_stored_flight_graph()
        _cache["graph"] = (key, graph)
        return graph


def clear_flight_graph_cache() -> None:
    """Forget the cached graph (tests)."""
    with _lock:
        _cache.clear()
