"""Every staff and public page at the scale of a real network: queries, time, size.

    .venv/bin/python -m bench.web.run [--scale 1.0] [--repeat 3] [--data-dir DIR]
        [--only donations:pledge_list,cases:queue] [--markdown OUT.md]

Creates a fresh SQLite data folder in /tmp (or ``--data-dir``, which must not exist yet),
migrates it, seeds one organisation with ``bench.web.seed`` (20,000 pledges, 3,000 cases,
5,000 gifts, 200 campaigns and events, 300 allocation runs, 600 trips at ``--scale 1``;
about 15 minutes on two cores), then signs in as each role with Django's test client and
GETs every URL of ``tests/test_permission_matrix.py`` (its ``MATRIX`` names every URL, its
``URL_KWARGS`` builds the arguments). For each page and role it records the status, the
number of SQL queries (``CaptureQueriesContext``), the median wall time of ``--repeat``
requests and the response size, and prints a markdown table of the pages that answered
200: per page the role with the most queries. ``--markdown`` also writes the full table
(every role) to a file. Results: ``docs/benchmarks.md``, "Web pages at scale".
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measurement:
    page: str
    role: str
    status: int
    queries: int
    milliseconds: float
    kilobytes: float


def _configure(data_dir: Path) -> None:
    os.environ["SAFEPASSAGE_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safepassage.config.settings")
    os.environ["SAFEPASSAGE_EMAIL"] = "console"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment(debug=False)  # locmem e-mail, DEBUG off as in production


def _measure(*, client: object, url: str, repeat: int) -> tuple[int, int, float, float]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    times = []
    status = queries = size = 0
    for _ in range(repeat):
        # The log keeps at most 9,000 queries; once full, a capture would count none.
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)  # type: ignore[attr-defined]  # a django.test.Client
            times.append(time.perf_counter() - started)
        status, queries = response.status_code, len(captured.captured_queries)
        size = len(response.content) if not response.streaming else 0
        if status != 200:
            break
    return status, queries, statistics.median(times) * 1000, size / 1024


def walk(*, seeded: object, repeat: int, only: set[str]) -> list[Measurement]:
    from django.urls import reverse
    from tests import test_permission_matrix as matrix

    from safepassage.accounts.models import Invitation
    from safepassage.accounts.roles import Role
    from safepassage.accounts.tokens import make_invitation_token

    admin = seeded.members[Role.ADMIN]  # type: ignore[attr-defined]  # bench.web.seed.Seeded
    # The open invitation the matrix's world holds (its pages look it up by this address).
    invitation, _created = Invitation.objects.get_or_create(
        organisation=admin.organisation,
        email="invitee@example.org",
        defaults={"role": Role.VIEWER, "invited_by": admin.user, "expires_at": "2999-01-01T00:00Z"},
    )
    world = matrix.World(
        members=seeded.members,  # type: ignore[attr-defined]
        outsider=seeded.outsider,  # type: ignore[attr-defined]
        invitation_token=make_invitation_token(invitation.public_id),
    )
    results = []
    for role in matrix.ROLES:
        client = matrix.client_for(role, world)
        client.raise_request_exception = False  # a page that fails is measured as a 500
        for name, row in sorted(matrix.MATRIX.items()):
            if only and name not in only:
                continue
            if row[role] != 200:
                continue  # refusals and redirects say nothing about scale
            url = reverse(name, kwargs=matrix.URL_KWARGS.get(name, lambda _world: {})(world))
            status, queries, milliseconds, kilobytes = _measure(
                client=client, url=url, repeat=repeat
            )
            results.append(Measurement(name, str(role), status, queries, milliseconds, kilobytes))
            print(
                f"{name:42} {role!s:26} {status} {queries:5} q {milliseconds:8.0f} ms",
                file=sys.stderr,
            )
    return results


def worst_per_page(results: list[Measurement]) -> list[Measurement]:
    pages: dict[str, Measurement] = {}
    for result in results:
        kept = pages.get(result.page)
        if kept is None or (result.queries, result.milliseconds) > (
            kept.queries,
            kept.milliseconds,
        ):
            pages[result.page] = result
    return [pages[name] for name in sorted(pages)]


def table(results: list[Measurement]) -> str:
    lines = [
        "| page | role | status | SQL queries | time (ms) | size (KB) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| `{r.page}` | {r.role} | {r.status} | {r.queries} | {r.milliseconds:.0f} "
        f"| {r.kilobytes:.0f} |"
        for r in results
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every data size")
    parser.add_argument("--repeat", type=int, default=3, help="requests per page and role")
    parser.add_argument("--data-dir", type=Path, help="a new folder (default: one in /tmp)")
    parser.add_argument(
        "--again", type=Path, help="measure the data folder of an earlier run without seeding"
    )
    parser.add_argument("--only", default="", help="comma-separated URL names to visit")
    parser.add_argument("--markdown", type=Path, help="also write every role's rows here")
    options = parser.parse_args(argv)
    data_dir = options.again or options.data_dir
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="safepassage-bench-web-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    if options.again is None and any(data_dir.iterdir()):
        parser.error(f"{data_dir} is not empty: the benchmark needs a fresh data folder")
    print(f"data folder: {data_dir}", file=sys.stderr)
    _configure(data_dir)

    from django.core.management import call_command

    from bench.web.seed import Sizes, load_seeded, seed

    call_command("migrate", verbosity=0)
    sizes = Sizes().scaled(options.scale)
    started = time.perf_counter()
    if options.again:
        seeded = load_seeded()
    else:
        seeded = seed(sizes=sizes, progress=lambda line: print(line, file=sys.stderr))
    seeding = time.perf_counter() - started
    only = {name for name in options.only.split(",") if name}
    results = walk(seeded=seeded, repeat=options.repeat, only=only)
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, SQLite; data: {sizes}; seeded in {seeding:.0f} s; "
        f"median of {options.repeat} requests.\n"
    )
    print(table(worst_per_page(results)))
    if options.markdown:
        options.markdown.write_text(table(results) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
