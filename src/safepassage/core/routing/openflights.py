"""Parse OpenFlights-format text (airports.dat, airlines.dat, routes.dat, countries.dat).

Each parser takes the whole file as text and returns a :class:`ParseResult`: the rows that
parsed and one :class:`LineError` (line number, field, message) per malformed line. A line
with an error contributes no row. The parsers never import anything themselves: the import
command must refuse to write anything when ``errors`` is not empty ("nothing half-imported"),
and show the errors to the operator.

Malformed means the line cannot be read as a row: wrong number of fields, an id, number or
coordinate that does not parse or is out of range, a missing required value, a route airport
or airline code that is not a code. The public OpenFlights files also hold junk in optional
code fields (an airline IATA code "??" or in Cyrillic, an FAA identifier in the airport ICAO
column) and one route from an airport to itself: those values are read as absent, or the row
is kept as is, and each is listed in ``warnings`` so the operator sees it without the whole
import being refused.

Format (CSV, no header, ``\\N`` for null) as documented by OpenFlights:

- airports: id, name, city, country, IATA, ICAO, latitude, longitude, altitude (ft),
  UTC offset, DST rule, tz database name, type, source (the last three may be missing in
  older files: 11 to 14 fields are accepted);
- airlines: id, name, alias, IATA, ICAO, callsign, country, active (Y/N);
- routes: airline code, airline id, source airport code, source airport id, destination
  airport code, destination airport id, codeshare ("Y" or empty), stops, equipment;
- countries: name, ISO 3166-1 alpha-2 code, DAFIF code.
"""

import csv
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from safepassage.core.routing.network import Airport, Route

NULL = "\\N"

_IATA_AIRPORT = re.compile(r"[A-Z0-9]{3}")
_ICAO_AIRPORT = re.compile(r"[A-Z0-9]{4}")
_AIRLINE_CODE = re.compile(r"[A-Z0-9]{2,3}")
_AIRLINE_IATA = re.compile(r"[A-Z0-9]{2}")
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")


@dataclass(frozen=True, slots=True, kw_only=True)
class LineError:
    """Why one line was rejected: 1-based line number, field name, message."""

    line_number: int
    field: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ParseResult[RowT]:
    """Rows parsed from a file and the errors of the lines that were rejected."""

    rows: tuple[RowT, ...]
    errors: tuple[LineError, ...]
    warnings: tuple[LineError, ...] = ()

    @property
    def is_clean(self) -> bool:
        """True when every non-blank line parsed: only then may an import write anything."""
        return not self.errors


@dataclass(frozen=True, slots=True, kw_only=True)
class AirportRow:
    """One line of airports.dat."""

    line_number: int
    openflights_id: int
    name: str
    city: str
    country: str
    iata: str | None
    icao: str | None
    latitude: float
    longitude: float
    altitude_feet: int | None
    timezone: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class AirlineRow:
    """One line of airlines.dat."""

    line_number: int
    openflights_id: int
    name: str
    alias: str | None
    iata: str | None
    icao: str | None
    callsign: str | None
    country: str | None
    active: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class RouteRow:
    """One line of routes.dat."""

    line_number: int
    airline: str
    airline_id: int | None
    origin: str
    origin_id: int | None
    destination: str
    destination_id: int | None
    codeshare: bool
    stops: int
    equipment: tuple[str, ...]

    def to_route(self) -> Route:
        """The plain route the graph builder takes."""
        return Route(
            carrier=self.airline,
            origin=self.origin,
            destination=self.destination,
            codeshare=self.codeshare,
            stops=self.stops,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CountryRow:
    """One line of countries.dat."""

    line_number: int
    name: str
    iso_code: str | None


class _FieldError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _optional(value: str) -> str | None:
    value = value.strip()
    return None if value in {NULL, ""} else value


def _required(fields: Mapping[str, str], name: str) -> str:
    value = _optional(fields[name])
    if value is None:
        raise _FieldError(name, "is empty")
    return value


def _optional_integer(fields: Mapping[str, str], name: str) -> int | None:
    value = _optional(fields[name])
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise _FieldError(name, f"not an integer: {value!r}") from None


def _integer(fields: Mapping[str, str], name: str) -> int:
    value = _optional_integer(fields, name)
    if value is None:
        raise _FieldError(name, "is empty")
    return value


def _coordinate(fields: Mapping[str, str], name: str, *, limit: float) -> float:
    value = _required(fields, name)
    try:
        number = float(value)
    except ValueError:
        raise _FieldError(name, f"not a number: {value!r}") from None
    if not -limit <= number <= limit:
        raise _FieldError(name, f"{number} is outside -{limit:g}..{limit:g}")
    return number


type _Warn = Callable[[str, str], None]


def _code(
    fields: Mapping[str, str], name: str, pattern: re.Pattern[str], warn: _Warn
) -> str | None:
    """An optional code; junk is read as absent, with a warning."""
    value = _optional(fields[name])
    if value is not None and not pattern.fullmatch(value):
        warn(name, f"not a valid code, read as absent: {value!r}")
        return None
    return value


def _warner(*, line_number: int, into: list[LineError]) -> _Warn:
    def warn(field: str, message: str) -> None:
        into.append(LineError(line_number=line_number, field=field, message=message))

    return warn


def _parse[RowT](
    *,
    text: str,
    names: tuple[str, ...],
    minimum_fields: int,
    build: Callable[[int, Mapping[str, str], _Warn], RowT],
) -> ParseResult[RowT]:
    rows: list[RowT] = []
    errors: list[LineError] = []
    warnings: list[LineError] = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        line_warnings: list[LineError] = []
        warn = _warner(line_number=line_number, into=line_warnings)

        try:
            values = next(csv.reader([line], strict=True))
        except csv.Error as error:
            errors.append(LineError(line_number=line_number, field="(line)", message=str(error)))
            continue
        if not minimum_fields <= len(values) <= len(names):
            expected = (
                str(len(names))
                if minimum_fields == len(names)
                else f"{minimum_fields} to {len(names)}"
            )
            errors.append(
                LineError(
                    line_number=line_number,
                    field="(line)",
                    message=f"expected {expected} fields, found {len(values)}",
                )
            )
            continue
        fields = dict(zip(names, values, strict=False))
        for missing in names[len(values) :]:
            fields[missing] = NULL
        try:
            rows.append(build(line_number, fields, warn))
        except _FieldError as error:
            errors.append(
                LineError(line_number=line_number, field=error.field, message=error.message)
            )
        else:
            warnings.extend(line_warnings)
    return ParseResult(rows=tuple(rows), errors=tuple(errors), warnings=tuple(warnings))


_AIRPORT_FIELDS = (
    "id",
    "name",
    "city",
    "country",
    "iata",
    "icao",
    "latitude",
    "longitude",
    "altitude",
    "utc_offset",
    "dst",
    "timezone",
    "type",
    "source",
)


def _airport(line_number: int, fields: Mapping[str, str], warn: _Warn) -> AirportRow:
    openflights_id = _integer(fields, "id")
    return AirportRow(
        line_number=line_number,
        openflights_id=openflights_id,
        name=_required(fields, "name"),
        city=_optional(fields["city"]) or "",
        country=_required(fields, "country"),
        iata=_code(fields, "iata", _IATA_AIRPORT, warn),
        icao=_code(fields, "icao", _ICAO_AIRPORT, warn),
        latitude=_coordinate(fields, "latitude", limit=90),
        longitude=_coordinate(fields, "longitude", limit=180),
        altitude_feet=_optional_integer(fields, "altitude"),
        timezone=_optional(fields["timezone"]),
    )


def parse_airports(*, text: str) -> ParseResult[AirportRow]:
    """Parse airports.dat text."""
    return _parse(text=text, names=_AIRPORT_FIELDS, minimum_fields=11, build=_airport)


_AIRLINE_FIELDS = ("id", "name", "alias", "iata", "icao", "callsign", "country", "active")


def _airline(line_number: int, fields: Mapping[str, str], warn: _Warn) -> AirlineRow:
    openflights_id = _integer(fields, "id")
    active = fields["active"].strip().upper()
    if active not in {"Y", "N"}:
        raise _FieldError("active", f"expected Y or N, found {active!r}")
    if fields["iata"].strip() in {"-", "--"}:
        iata = None
    else:
        iata = _code(fields, "iata", _AIRLINE_IATA, warn)
    icao = _optional(fields["icao"])
    if icao in {"N/A", "-"}:
        icao = None
    return AirlineRow(
        line_number=line_number,
        openflights_id=openflights_id,
        name=_required(fields, "name"),
        alias=_optional(fields["alias"]),
        iata=iata,
        icao=icao,
        callsign=_optional(fields["callsign"]),
        country=_optional(fields["country"]),
        active=active == "Y",
    )


def parse_airlines(*, text: str) -> ParseResult[AirlineRow]:
    """Parse airlines.dat text ("-" or "N/A" codes are read as absent)."""
    return _parse(text=text, names=_AIRLINE_FIELDS, minimum_fields=8, build=_airline)


_ROUTE_FIELDS = (
    "airline",
    "airline_id",
    "origin",
    "origin_id",
    "destination",
    "destination_id",
    "codeshare",
    "stops",
    "equipment",
)


def _airport_code(fields: Mapping[str, str], name: str) -> str:
    value = _required(fields, name)
    if not (_IATA_AIRPORT.fullmatch(value) or _ICAO_AIRPORT.fullmatch(value)):
        raise _FieldError(name, f"not an IATA or ICAO airport code: {value!r}")
    return value


def _route(line_number: int, fields: Mapping[str, str], warn: _Warn) -> RouteRow:
    airline = _required(fields, "airline")
    if not _AIRLINE_CODE.fullmatch(airline):
        raise _FieldError("airline", f"not an IATA or ICAO airline code: {airline!r}")
    codeshare = fields["codeshare"].strip()
    if codeshare not in {"", "Y", NULL}:
        raise _FieldError("codeshare", f"expected Y or empty, found {codeshare!r}")
    stops = _integer(fields, "stops")
    if stops < 0:
        raise _FieldError("stops", f"negative: {stops}")
    origin = _airport_code(fields, "origin")
    destination = _airport_code(fields, "destination")
    if origin == destination:
        warn("destination", "same as the origin (the graph ignores such routes)")
    return RouteRow(
        line_number=line_number,
        airline=airline,
        airline_id=_optional_integer(fields, "airline_id"),
        origin=origin,
        origin_id=_optional_integer(fields, "origin_id"),
        destination=destination,
        destination_id=_optional_integer(fields, "destination_id"),
        codeshare=codeshare == "Y",
        stops=stops,
        equipment=tuple((_optional(fields["equipment"]) or "").split()),
    )


def parse_routes(*, text: str) -> ParseResult[RouteRow]:
    """Parse routes.dat text."""
    return _parse(text=text, names=_ROUTE_FIELDS, minimum_fields=8, build=_route)


def _country(line_number: int, fields: Mapping[str, str], warn: _Warn) -> CountryRow:
    return CountryRow(
        line_number=line_number,
        name=_required(fields, "name"),
        iso_code=_code(fields, "iso_code", _COUNTRY_CODE, warn),
    )


def parse_countries(*, text: str) -> ParseResult[CountryRow]:
    """Parse countries.dat text."""
    return _parse(
        text=text, names=("name", "iso_code", "dafif_code"), minimum_fields=3, build=_country
    )


def airports_from_rows(
    *,
    rows: Iterable[AirportRow],
    countries: Iterable[CountryRow],
    country_by_iata: Mapping[str, str] | None = None,
) -> tuple[Airport, ...]:
    """Plain :class:`Airport` values for the rows that have an IATA code.

    OpenFlights names countries; an airport's ISO code comes from ``country_by_iata`` when it
    has the airport (e.g. built from the ``airportsdata`` package by the caller), else from
    countries.dat by name. An airport found in neither keeps the OpenFlights name as its
    country, so excluding a country by ISO code will not match it. When an IATA code appears
    twice, the first row wins.
    """
    iso_by_name = {country.name: country.iso_code for country in countries if country.iso_code}
    by_iata = country_by_iata or {}
    airports: dict[str, Airport] = {}
    for row in rows:
        if row.iata is None or row.iata in airports:
            continue
        airports[row.iata] = Airport(
            code=row.iata,
            name=row.name,
            country=by_iata.get(row.iata) or iso_by_name.get(row.country, row.country),
            latitude=row.latitude,
            longitude=row.longitude,
        )
    return tuple(airports.values())


def check_route_references(
    *,
    routes: Iterable[RouteRow],
    airports: Iterable[AirportRow],
    airlines: Iterable[AirlineRow] | None = None,
) -> tuple[LineError, ...]:
    """Cross-file warnings for routes.dat: airports (and airlines) a route names but the other
    files do not have.

    The public snapshot has a few hundred such routes (an airport row without an IATA code,
    say). They are warnings, not errors: the graph leaves out a route whose airport it does
    not know, and the import command should list them and store the rest. Airlines are
    checked by OpenFlights id when ``airlines`` is given and the route has an id.
    """
    airport_codes: set[str] = set()
    for airport in airports:
        airport_codes.update(code for code in (airport.iata, airport.icao) if code)
    airline_ids = None if airlines is None else {airline.openflights_id for airline in airlines}
    warnings: list[LineError] = []
    for route in routes:
        for field, code in (("origin", route.origin), ("destination", route.destination)):
            if code not in airport_codes:
                warnings.append(
                    LineError(
                        line_number=route.line_number,
                        field=field,
                        message=f"airport {code} is not in the airports file; route left out",
                    )
                )
        if (
            airline_ids is not None
            and route.airline_id is not None
            and route.airline_id not in airline_ids
        ):
            warnings.append(
                LineError(
                    line_number=route.line_number,
                    field="airline_id",
                    message=f"airline {route.airline_id} is not in the airlines file",
                )
            )
    return tuple(warnings)
