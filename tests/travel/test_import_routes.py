"""``safepassage import-routes DIR``: one transaction, per-line error report, re-runnable."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safepassage.audit.models import AuditEvent
from safepassage.travel.demo import seed_demo_routes
from safepassage.travel.flight_graph import clear_flight_graph_cache, get_flight_graph
from safepassage.travel.models import Airline, Route, RouteImport
from safepassage.travel.route_search import RouteQuery, search_routes

pytestmark = pytest.mark.django_db

OPENFLIGHTS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "openflights"

AIRLINES = (
    '1,"Turkish Airlines",\\N,"TK","THY","TURKISH","Turkey","Y"\n'
    '2,"Air Serbia",\\N,"JU","ASL","AIR SERBIA","Serbia","Y"\n'
)
ROUTES = "TK,1,MCX,\\N,IST,\\N,,0,320\nTK,1,IST,\\N,VNO,\\N,,0,320\nJU,2,IST,\\N,BEG,\\N,Y,0,320\n"


def _write(directory: Path, *, airlines: str = AIRLINES, routes: str = ROUTES) -> Path:
    (directory / "airlines.dat").write_text(airlines, encoding="utf-8")
    (directory / "routes.dat").write_text(routes, encoding="utf-8")
    return directory


def _import(directory: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_routes", str(directory), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_clean_pair_of_files_is_imported_with_a_summary(tmp_path: Path) -> None:
    # Given two well-formed files
    directory = _write(tmp_path)

    # When they are imported
    out, err = _import(directory)

    # Then airlines and routes are stored, the import is counted and audited, no bar is drawn
    assert Airline.objects.count() == 2
    assert Route.objects.count() == 3
    route_import = RouteImport.objects.get()
    assert f"Imported 2 airlines and 3 routes (import {route_import.pk}, 0 warnings)" in out
    assert "[" not in err
    assert AuditEvent.objects.filter(
        action="travel.routes_imported", object_ref=str(route_import.pk)
    ).exists()


def test_malformed_lines_are_reported_one_per_line_and_nothing_is_imported(
    tmp_path: Path,
) -> None:
    # Given stored routes and new files with a bad airline flag and two bad route lines
    _import(_write(tmp_path))
    bad = tmp_path / "bad"
    bad.mkdir()
    _write(
        bad,
        airlines=AIRLINES + '3,"Broken Air",\\N,"BR","BRK","BROKEN","Nowhere","maybe"\n',
        routes=ROUTES + "TK,1,MCX,\\N\nTK,1,IST,\\N,VNO,\\N,,-1,320\n",
    )
    before = (Airline.objects.count(), Route.objects.count(), RouteImport.objects.count())

    # When they are imported
    err = io.StringIO()
    with pytest.raises(CommandError, match="3 malformed line"):
        call_command("import_routes", str(bad), stdout=io.StringIO(), stderr=err)

    # Then each malformed line is named with its file, line and field, and nothing changed
    report = err.getvalue().splitlines()
    assert report == [
        "airlines.dat:3: active: expected Y or N, found 'MAYBE'",
        "routes.dat:4: (line): expected 8 to 9 fields, found 4",
        "routes.dat:5: stops: negative: -1",
    ]
    assert (Airline.objects.count(), Route.objects.count(), RouteImport.objects.count()) == before


def test_a_missing_file_is_named_and_nothing_is_imported(tmp_path: Path) -> None:
    (tmp_path / "airlines.dat").write_text(AIRLINES, encoding="utf-8")
    with pytest.raises(CommandError, match=r"routes\.dat not found"):
        _import(tmp_path)
    assert not RouteImport.objects.exists()


def test_a_second_import_replaces_the_first_and_the_cached_graph_follows(tmp_path: Path) -> None:
    # Given an import whose graph has been built
    clear_flight_graph_cache()
    first = tmp_path / "first"
    first.mkdir()
    _import(_write(first))
    assert "VNO" in get_flight_graph().index

    # When other files are imported
    second = tmp_path / "second"
    second.mkdir()
    _import(_write(second, routes="TK,1,MCX,\\N,IST,\\N,,0,320\n"))

    # Then only their rows are stored and the next search uses a rebuilt graph
    assert Route.objects.count() == 1
    assert RouteImport.objects.count() == 2
    assert "VNO" not in get_flight_graph().index


def test_unknown_airports_are_warnings_not_errors(tmp_path: Path) -> None:
    _, err = _import(_write(tmp_path, routes=ROUTES + "TK,1,IST,\\N,XXQ,\\N,,0,320\n"))
    assert "warning: routes.dat:4: destination: airport XXQ is not a known airport" in err
    assert Route.objects.count() == 4


def test_the_demo_route_set_covers_the_region() -> None:
    # When the demo routes are seeded
    clear_flight_graph_cache()
    seed_demo_routes()

    # Then the graph reaches the Caucasus, Turkey, the Gulf, the EU and Canada
    graph = get_flight_graph()
    for code in ("GRV", "MCX", "TBS", "EVN", "GYD", "IST", "BEG", "DXB", "DOH", "VNO", "YYZ"):
        assert code in graph.index, code
    assert RouteImport.objects.get().label == "demo routes"


@pytest.mark.slow
def test_the_real_openflights_files_import_in_one_go() -> None:
    if not (OPENFLIGHTS / "routes.dat").exists():
        pytest.skip(f"OpenFlights data not found at {OPENFLIGHTS} (see README: never copied here)")
    clear_flight_graph_cache()
    out, _ = _import(OPENFLIGHTS)
    assert Route.objects.count() == 67663
    assert "Imported 6,162 airlines and 67,663 routes" in out

    # And the app's route finder answers from the stored graph: Makhachkala to Lithuania or
    # Canada with up to two connections, not through the Gulf
    itineraries = search_routes(
        query=RouteQuery(
            origin="MCX",
            destination_countries=frozenset({"LT", "CA"}),
            excluded_countries=frozenset({"AE", "QA"}),
        )
    )
    assert len(itineraries) == 20
    assert all(itinerary.airports[0] == "MCX" for itinerary in itineraries)
    assert all(len(itinerary.legs) <= 3 for itinerary in itineraries)
    graph = get_flight_graph()
    assert all(
        graph.airport(code).country not in {"AE", "QA"}
        for itinerary in itineraries
        for code in itinerary.airports[1:-1]
    )


def test_the_progress_bar_redraws_one_line_and_ends_it() -> None:
    from django.core.management.base import OutputWrapper

    from safepassage.travel.management.commands.import_routes import ProgressBar

    stream = io.StringIO()
    bar = ProgressBar(OutputWrapper(stream))
    bar(5, 10)
    bar(10, 10)
    assert stream.getvalue() == (
        "\r[" + "#" * 20 + "." * 20 + "] 5/10 rows" + "\r[" + "#" * 40 + "] 10/10 rows\n"
    )
