"""``safepassage import-routes DIR``: replace the stored airlines and routes with OpenFlights
files (``DIR/airlines.dat`` and ``DIR/routes.dat``).

Malformed lines are listed one per line (file, line number, field, problem) and nothing is
imported; otherwise everything is written in one transaction, with a progress bar when
standard error is a terminal, and a summary. Re-runnable: each run replaces the last.
"""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from safepassage.travel.actions import check_import_routes, do_import_routes
from safepassage.travel.errors import MalformedRouteFiles

SHOWN_WARNINGS = 20
BAR_WIDTH = 40


class ProgressBar:
    """A one-line bar redrawn in place on a terminal."""

    def __init__(self, stream: OutputWrapper) -> None:
        self.stream = stream

    def __call__(self, written: int, total: int) -> None:
        filled = BAR_WIDTH * written // max(total, 1)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        ending = "\n" if written >= total else ""
        self.stream.write(f"\r[{bar}] {written:,}/{total:,} rows", style_func=str, ending=ending)
        self.stream.flush()


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(f"{path.name} not found in {path.parent}") from None
    except UnicodeDecodeError as error:
        raise CommandError(f"{path.name} is not UTF-8 text: {error.reason}") from None


class Command(BaseCommand):
    help = (
        "Replace the stored airlines and routes with OpenFlights-format files DIR/airlines.dat "
        "and DIR/routes.dat. Malformed lines are listed and nothing is imported."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("directory", type=Path, help="directory holding the .dat files")
        parser.add_argument(
            "--label", default=None, help="name of this import (default: the directory name)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        if not directory.is_dir():
            raise CommandError(f"not a directory: {directory}")
        try:
            parsed = check_import_routes(
                airlines_text=_read(directory / "airlines.dat"),
                routes_text=_read(directory / "routes.dat"),
            )
        except MalformedRouteFiles as error:
            for file_name, line_error in error.errors:
                self.stderr.write(
                    f"{file_name}:{line_error.line_number}: {line_error.field}: "
                    f"{line_error.message}"
                )
            raise CommandError(
                f"{len(error.errors)} malformed line(s); nothing was imported."
            ) from None
        progress = ProgressBar(self.stderr) if self.stderr.isatty() else None
        route_import = do_import_routes(
            parsed=parsed, label=options["label"] or directory.resolve().name, progress=progress
        )
        shown = parsed.warnings if options["verbosity"] >= 2 else parsed.warnings[:SHOWN_WARNINGS]
        for file_name, warning in shown:
            self.stderr.write(
                f"warning: {file_name}:{warning.line_number}: {warning.field}: {warning.message}"
            )
        if len(shown) < len(parsed.warnings):
            self.stderr.write(
                f"... and {len(parsed.warnings) - len(shown)} more warnings (--verbosity 2 "
                "lists them all)"
            )
        self.stdout.write(
            f"Imported {route_import.airlines:,} airlines and {route_import.routes:,} routes "
            f"(import {route_import.pk}, {len(parsed.warnings):,} warnings). Searches use "
            "them from now on."
        )
