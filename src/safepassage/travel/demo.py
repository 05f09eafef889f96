"""Demo travel data: the small hand-written route set in ``travel/data/demo_routes``.

Called once from ``safepassage.demo.seed.seed_demo``; imported through the same action as
``safepassage import-routes``.
"""

from importlib.resources import files

from safepassage.travel.actions import check_import_routes, do_import_routes
from safepassage.travel.models import RouteImport

DEMO_ROUTES = files("safepassage.travel") / "data" / "demo_routes"


def seed_demo_routes() -> RouteImport:
    """Import the demo route set (replacing any stored routes)."""
    parsed = check_import_routes(
        airlines_text=(DEMO_ROUTES / "airlines.dat").read_text(encoding="utf-8"),
        routes_text=(DEMO_ROUTES / "routes.dat").read_text(encoding="utf-8"),
    )
    return do_import_routes(parsed=parsed, label="demo routes")
