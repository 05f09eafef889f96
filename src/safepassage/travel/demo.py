"""Demo travel data: the small hand-written route set in ``travel/data/demo_routes.json``, and
one demo catalogue maintainer.

Called once from ``safepassage.demo.seed.seed_demo``; imported through the same action as
``safepassage import-routes`` (the set is rendered as the OpenFlights text that action reads).
The set is our own, not OpenFlights rows: the real OpenFlights files are only ever read from
where the operator keeps them.
"""

import json
from importlib.resources import files

from safepassage.travel.actions import (
    check_grant_catalogue_maintainer,
    check_import_routes,
    do_grant_catalogue_maintainer,
    do_import_routes,
)
from safepassage.travel.models import RouteImport

DEMO_ROUTES = files("safepassage.travel") / "data" / "demo_routes.json"


def _openflights_text() -> tuple[str, str]:
    data = json.loads(DEMO_ROUTES.read_text(encoding="utf-8"))
    airline_ids = {carrier["iata"]: number for number, carrier in enumerate(data["carriers"], 1)}
    airlines = [
        f'{airline_ids[carrier["iata"]]},"{carrier["name"]}",\\N,"{carrier["iata"]}",'
        f'"{carrier["icao"]}",\\N,"{carrier["country"]}","Y"'
        for carrier in data["carriers"]
    ]
    routes = []
    for entry in data["routes"]:
        carrier, origin, destination = entry.split()
        routes.append(f"{carrier},{airline_ids[carrier]},{origin},\\N,{destination},\\N,,0,")
    return "\n".join(airlines) + "\n", "\n".join(routes) + "\n"


def seed_demo_routes() -> RouteImport:
    """Import the demo route set (replacing any stored routes)."""
    airlines_text, routes_text = _openflights_text()
    parsed = check_import_routes(airlines_text=airlines_text, routes_text=routes_text)
    return do_import_routes(parsed=parsed, label="demo routes")


def seed_demo_catalogue_maintainer(*, email: str) -> None:
    """Make one demo user a catalogue maintainer (decision 0017), so the demo shows who may
    edit the shared charts; every other demo user, admins included, may not."""
    do_grant_catalogue_maintainer(user=check_grant_catalogue_maintainer(email=email))
