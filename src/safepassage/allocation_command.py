"""``safepassage allocate``: run the allocator on a problem file and write the plan.

    safepassage allocate PROBLEM.json -o PLAN.json [--time-limit S] [--method METHOD]

Exit codes: 0 a plan was written; 2 the problem (or the command line) was rejected, with
the reason on stderr. A progress line (phase, incumbent, bound, gap) is drawn on stderr
only when stderr is a terminal; a one-line summary goes to stdout at the end.
"""

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TextIO

from safepassage.core.allocation.errors import ProblemError
from safepassage.core.allocation.parsing import load_problem_json, plan_to_json
from safepassage.core.allocation.solver import Progress, SolveMethod, solve

EXIT_OK = 0
EXIT_REJECTED = 2


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]  # exits instead
        self.print_usage(sys.stderr)
        sys.stderr.write(f"safepassage allocate: {message}\n")
        raise SystemExit(EXIT_REJECTED)


def _parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="safepassage allocate",
        description="Assign pledged miles to the tickets of travel requests (ALLOCATION.md).",
    )
    parser.add_argument("problem", type=Path, help="problem document (JSON)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="where to write the plan")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=60.0,
        help="seconds to search before returning the best plan found (default 60)",
    )
    parser.add_argument(
        "--method",
        choices=[method.value for method in SolveMethod],
        default=SolveMethod.AUTO.value,
        help="auto (default), exact (pledge-level MILP), aggregate, or baseline (hand-matching)",
    )
    return parser


class _ProgressLine:
    """Redraws one status line on a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.width = 0

    def __call__(self, progress: Progress) -> None:
        bound = "?" if progress.bound == float("inf") else f"{progress.bound:.1f}"
        text = (
            f"{progress.elapsed:6.1f}s  {progress.phase:<18} incumbent {progress.incumbent:.1f}"
            f"  bound {bound}  gap {100 * progress.gap:.2f}%"
        )
        self.width = max(self.width, len(text))
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()

    def close(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def main(argv: list[str]) -> int:
    """Run the command with ``argv`` (without the program and command names)."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:
        return EXIT_OK if exit_.code in (0, None) else EXIT_REJECTED
    if args.time_limit <= 0:
        sys.stderr.write("safepassage allocate: --time-limit must be positive\n")
        return EXIT_REJECTED
    try:
        text = args.problem.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        sys.stderr.write(f"safepassage allocate: cannot read {args.problem}: {error}\n")
        return EXIT_REJECTED
    try:
        problem = load_problem_json(text)
    except ProblemError as error:
        sys.stderr.write(f"safepassage allocate: rejected problem: {error}\n")
        return EXIT_REJECTED
    line = _ProgressLine(sys.stderr) if sys.stderr.isatty() else None
    started = time.monotonic()
    try:
        plan = solve(
            problem, time_limit=args.time_limit, method=SolveMethod(args.method), progress=line
        )
    finally:
        if line is not None:
            line.close()
    elapsed = time.monotonic() - started
    try:
        args.output.write_text(json.dumps(plan_to_json(plan), indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        sys.stderr.write(f"safepassage allocate: cannot write {args.output}: {error}\n")
        return EXIT_REJECTED
    totals = plan.totals
    bound = plan.bound_weighted_travellers
    gap = 0.0 if bound <= 0 else max(0.0, bound - totals.weighted_travellers) / bound
    sys.stdout.write(
        f"{plan.status.value}: {totals.weighted_travellers:g} weighted travellers "
        f"({totals.travellers} people, {len(plan.served)} requests), bound {bound:g} "
        f"(gap {100 * gap:.2f}%), {totals.miles} miles from {totals.pledges_used} pledges, "
        f"cash {totals.cash} {problem.currency}, {elapsed:.1f}s -> {args.output}\n"
    )
    return EXIT_OK
