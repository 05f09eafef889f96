"""Parsing OpenFlights-format text: rows, per-line errors, warnings for junk optional codes."""

import pytest

from safepassage.core.routing import (
    AirportRow,
    CountryRow,
    LineError,
    airports_from_rows,
    check_route_references,
    parse_airlines,
    parse_airports,
    parse_countries,
    parse_routes,
)
from tests.core.routing.openflights_data import MISSING_REASON, OPENFLIGHTS, available

AIRPORTS = (
    '2965,"Sochi International Airport","Sochi","Russia","AER","URSS",43.449902,39.9566,'
    '89,3,"N","Europe/Moscow","airport","OurAirports"\n'
    '4029,"Domodedovo International Airport","Moscow","Russia","DME","UUDD",'
    '55.40879821777344,37.90629959106445,588,3,"N","Europe/Moscow","airport","OurAirports"\n'
)

ROUTES = """\
2B,410,AER,2965,KZN,2990,,0,CR2
SU,130,SVO,2985,CDG,1382,Y,0,320 321
"""


def test_airports_parse() -> None:
    result = parse_airports(text=AIRPORTS)
    assert result.is_clean
    assert [row.iata for row in result.rows] == ["AER", "DME"]
    sochi = result.rows[0]
    assert (sochi.line_number, sochi.country, sochi.timezone) == (1, "Russia", "Europe/Moscow")
    assert sochi.latitude == pytest.approx(43.449902)


def test_routes_parse() -> None:
    result = parse_routes(text=ROUTES)
    assert result.is_clean
    first, second = result.rows
    assert (first.airline, first.origin, first.destination, first.codeshare) == (
        "2B",
        "AER",
        "KZN",
        False,
    )
    assert second.codeshare
    assert second.equipment == ("320", "321")
    assert second.to_route().carrier == "SU"


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("SU,130,SVO,2985,CDG,1382,", "(line)", "expected 8 to 9 fields, found 7"),
        ("SU,130,SVO,2985,CDG", "(line)", "expected 8 to 9 fields, found 5"),
        ("SU,130,SVO,2985,CDG,1382,,0,320,extra", "(line)", "found 10"),
        ("S,130,SVO,2985,CDG,1382,,0,320", "airline", "not an IATA or ICAO airline code"),
        ("SU,x,SVO,2985,CDG,1382,,0,320", "airline_id", "not an integer"),
        ("SU,130,Moscow,2985,CDG,1382,,0,320", "origin", "not an IATA or ICAO airport code"),
        ("SU,130,SVO,2985,\\N,1382,,0,320", "destination", "is empty"),
        ("SU,130,SVO,2985,CDG,1382,N,0,320", "codeshare", "expected Y or empty"),
        ("SU,130,SVO,2985,CDG,1382,,-1,320", "stops", "negative"),
        ("SU,130,SVO,2985,CDG,1382,,one,320", "stops", "not an integer"),
    ],
)
def test_malformed_route_lines_are_reported(text: str, field: str, message: str) -> None:
    # Given a file with a good line, a malformed one and a blank one
    result = parse_routes(text=f"2B,410,AER,2965,KZN,2990,,0,CR2\n{text}\n\n")
    # Then only the good line is a row and the bad one is reported with its number and field
    assert [row.line_number for row in result.rows] == [1]
    assert not result.is_clean
    (error,) = result.errors
    assert (error.line_number, error.field) == (2, field)
    assert message in error.message


def test_route_lines_count_from_one_including_blank_lines() -> None:
    result = parse_routes(text="\nSU,130,SVO,2985,CDG,1382,,0,320\n\nbad\n")
    assert [row.line_number for row in result.rows] == [2]
    assert [error.line_number for error in result.errors] == [4]


def test_route_from_an_airport_to_itself_is_a_warning() -> None:
    result = parse_routes(text="SU,130,SVO,2985,SVO,2985,,0,320\n")
    assert result.is_clean
    assert result.warnings == (
        LineError(
            line_number=1,
            field="destination",
            message="same as the origin (the graph ignores such routes)",
        ),
    )


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ('x,"A","B","Russia","AER","URSS",43.4,39.9,89,3,"N","Z","airport","O"', "id", "integer"),
        (
            '1,"A","B","Russia","AER","URSS",93.4,39.9,89,3,"N","Z","airport","O"',
            "latitude",
            "outside",
        ),
        (
            '1,"A","B","Russia","AER","URSS",43.4,180.1,89,3,"N","Z","airport","O"',
            "longitude",
            "outside",
        ),
        (
            '1,"A","B","Russia","AER","URSS",north,39.9,89,3,"N","Z","airport","O"',
            "latitude",
            "number",
        ),
        ('1,"","B","Russia","AER","URSS",43.4,39.9,89,3,"N","Z","airport","O"', "name", "empty"),
        ('1,"A","B",\\N,"AER","URSS",43.4,39.9,89,3,"N","Z","airport","O"', "country", "empty"),
        ('1,"A","B","Russia","AER"', "(line)", "expected 11 to 14 fields"),
        ('1,"A,"B","Russia"', "(line)", ""),
    ],
)
def test_malformed_airport_lines_are_reported(line: str, field: str, message: str) -> None:
    result = parse_airports(text=AIRPORTS + line + "\n")
    assert len(result.rows) == 2
    (error,) = result.errors
    assert (error.line_number, error.field) == (3, field)
    assert message in error.message


def test_junk_optional_codes_are_read_as_absent_with_a_warning() -> None:
    text = (
        '4436,"Field","Town","United States","AAA","Q51",40.1,-75.2,10,-5,"A",'
        '"America/New_York","airport","OurAirports"\n'
    )
    result = parse_airports(text=text)
    assert result.is_clean
    assert result.rows[0].icao is None
    assert [warning.field for warning in result.warnings] == ["icao"]


def test_airlines_parse_with_junk_codes_as_warnings() -> None:
    text = (
        '39,"Aban Air",\\N,"K5","ABE","ABAN","Iran","n"\n'
        '11767,"Polar Airlines","","ЯП",\\N,"","Russia","Y"\n'
        '2,"135 Airways",\\N,"","GNL","GENERAL","United States","N"\n'
        '3,"Bad",\\N,"","GNL","GENERAL","United States","maybe"\n'
    )
    result = parse_airlines(text=text)
    assert [row.iata for row in result.rows] == ["K5", None, None]
    assert [row.active for row in result.rows] == [False, True, False]
    assert [(warning.line_number, warning.field) for warning in result.warnings] == [(2, "iata")]
    assert [(error.line_number, error.field) for error in result.errors] == [(4, "active")]


def test_a_line_with_an_error_contributes_no_warnings() -> None:
    result = parse_airlines(text='x,"Polar Airlines","","ЯП",\\N,"","Russia","Y"\n')
    assert result.rows == ()
    assert result.warnings == ()
    assert [error.field for error in result.errors] == ["id"]


def test_airports_get_iso_countries() -> None:
    rows = parse_airports(text=AIRPORTS).rows
    countries = parse_countries(text='"Russia","RU","RS"\n').rows
    by_name = airports_from_rows(rows=rows, countries=countries)
    assert [airport.country for airport in by_name] == ["RU", "RU"]
    by_iata = airports_from_rows(rows=rows, countries=(), country_by_iata={"DME": "XX"})
    assert [airport.country for airport in by_iata] == ["Russia", "XX"]


def test_airports_without_iata_are_skipped_and_first_duplicate_wins() -> None:
    def row(line: int, iata: str | None) -> AirportRow:
        return AirportRow(
            line_number=line,
            openflights_id=line,
            name=f"Airport {line}",
            city="",
            country="Russia",
            iata=iata,
            icao=None,
            latitude=0,
            longitude=0,
            altitude_feet=None,
            timezone=None,
        )

    airports = airports_from_rows(
        rows=[row(1, None), row(2, "AER"), row(3, "AER")],
        countries=[CountryRow(line_number=1, name="Russia", iso_code="RU")],
    )
    assert [(airport.code, airport.name) for airport in airports] == [("AER", "Airport 2")]


@pytest.mark.skipif(not available(), reason=MISSING_REASON)
def test_the_public_openflights_files_import_cleanly() -> None:
    # The public files hold junk in optional fields (warnings) but no malformed line.
    for parse, name, rows in (
        (parse_airports, "airports.dat", 7000),
        (parse_airlines, "airlines.dat", 6000),
        (parse_routes, "routes.dat", 67000),
        (parse_countries, "countries.dat", 250),
    ):
        result = parse(text=(OPENFLIGHTS / name).read_text(encoding="utf-8"))
        assert result.errors == (), name
        assert len(result.rows) > rows, name


def test_routes_naming_unknown_airports_or_airlines_are_warned() -> None:
    airports = parse_airports(text=AIRPORTS).rows
    airlines = parse_airlines(
        text='410,"Aerocondor",\\N,"2B","ARD","AEROCONDOR","Portugal","Y"\n'
    ).rows
    routes = parse_routes(
        text="2B,410,AER,2965,DME,4029,,0,CR2\n2B,411,AER,2965,KZN,2990,,0,CR2\n"
    ).rows
    warnings = check_route_references(routes=routes, airports=airports, airlines=airlines)
    assert [(w.line_number, w.field) for w in warnings] == [(2, "destination"), (2, "airline_id")]
    assert "KZN" in warnings[0].message
    assert check_route_references(routes=routes[:1], airports=airports) == ()
