"""Writes of the travel app: the route import (operators) and travel requests (coordinators).

Every ``do_*`` performs its whole change in one transaction, audit event included; audit
events carry public ids only.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from safepassage.audit.actions import SYSTEM_ACTOR, record_audit_event
from safepassage.core.routing import (
    AirlineRow,
    LineError,
    RouteRow,
    parse_airlines,
    parse_routes,
)
from safepassage.travel.errors import MalformedRouteFiles
from safepassage.travel.models import Airline, Airport, Route, RouteImport

BATCH_SIZE = 5000

type Progress = Callable[[int, int], None]
"""Called with (rows written, rows to write) while an import writes."""


@dataclass(frozen=True, kw_only=True)
class ParsedRouteFiles:
    """Airlines and routes that parsed, and the warnings to show (file name, line warning)."""

    airlines: tuple[AirlineRow, ...]
    routes: tuple[RouteRow, ...]
    warnings: tuple[tuple[str, LineError], ...]

    @property
    def row_count(self) -> int:
        return len(self.airlines) + len(self.routes)


def check_import_routes(*, airlines_text: str, routes_text: str) -> ParsedRouteFiles:
    """Parse airlines.dat and routes.dat text; :class:`MalformedRouteFiles` lists every
    malformed line of both files (then nothing may be imported).

    Warnings (kept rows): junk optional codes read as absent, routes whose airport is not a
    known airport (kept, but the flight graph leaves them out) or whose airline id is not in
    the airlines file.
    """
    airlines = parse_airlines(text=airlines_text)
    routes = parse_routes(text=routes_text)
    errors = [("airlines.dat", error) for error in airlines.errors] + [
        ("routes.dat", error) for error in routes.errors
    ]
    if errors:
        raise MalformedRouteFiles(errors=errors)
    known_airports = set(Airport.objects.values_list("code", flat=True))
    known_airports |= set(Airport.objects.exclude(icao="").values_list("icao", flat=True))
    airline_ids = {airline.openflights_id for airline in airlines.rows}
    warnings = [("airlines.dat", warning) for warning in airlines.warnings]
    warnings += [("routes.dat", warning) for warning in routes.warnings]
    for route in routes.rows:
        for field, code in (("origin", route.origin), ("destination", route.destination)):
            if code not in known_airports:
                warnings.append(
                    (
                        "routes.dat",
                        LineError(
                            line_number=route.line_number,
                            field=field,
                            message=f"airport {code} is not a known airport; left out of the graph",
                        ),
                    )
                )
        if route.airline_id is not None and route.airline_id not in airline_ids:
            warnings.append(
                (
                    "routes.dat",
                    LineError(
                        line_number=route.line_number,
                        field="airline_id",
                        message=f"airline {route.airline_id} is not in the airlines file",
                    ),
                )
            )
    return ParsedRouteFiles(airlines=airlines.rows, routes=routes.rows, warnings=tuple(warnings))


def _airline(row: AirlineRow) -> Airline:
    return Airline(
        openflights_id=row.openflights_id,
        name=row.name[:120],
        alias=(row.alias or "")[:120],
        iata=row.iata or "",
        icao=(row.icao or "")[:8],
        callsign=(row.callsign or "")[:120],
        country=(row.country or "")[:120],
        active=row.active,
    )


def _route(row: RouteRow) -> Route:
    return Route(
        carrier=row.airline,
        airline_openflights_id=row.airline_id,
        origin=row.origin,
        destination=row.destination,
        codeshare=row.codeshare,
        stops=row.stops,
    )


def _write_batches[ModelT: models.Model](
    *,
    objects: list[ModelT],
    create: Callable[[list[ModelT]], object],
    written: int,
    total: int,
    progress: Progress | None,
) -> int:
    for start in range(0, len(objects), BATCH_SIZE):
        batch = objects[start : start + BATCH_SIZE]
        create(batch)
        written += len(batch)
        if progress is not None:
            progress(written, total)
    return written


def do_import_routes(
    *, parsed: ParsedRouteFiles, label: str, progress: Progress | None = None
) -> RouteImport:
    """Replace every stored airline and route with ``parsed``, in one transaction.

    A new :class:`RouteImport` row bumps the import counter, so every process rebuilds its
    cached flight graph on its next search. Re-runnable: a second run replaces the first.
    """
    total = parsed.row_count
    with transaction.atomic():
        Route.objects.all().delete()
        Airline.objects.all().delete()
        written = _write_batches(
            objects=[_airline(row) for row in parsed.airlines],
            create=Airline.objects.bulk_create,
            written=0,
            total=total,
            progress=progress,
        )
        _write_batches(
            objects=[_route(row) for row in parsed.routes],
            create=Route.objects.bulk_create,
            written=written,
            total=total,
            progress=progress,
        )
        route_import = RouteImport.objects.create(
            imported_at=timezone.now(),
            label=label[:64],
            airlines=len(parsed.airlines),
            routes=len(parsed.routes),
            warnings=len(parsed.warnings),
        )
        record_audit_event(
            actor_ref=SYSTEM_ACTOR,
            action="travel.routes_imported",
            object_type="route_import",
            object_ref=str(route_import.pk),
        )
    return route_import
