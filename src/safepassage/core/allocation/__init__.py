"""The allocator: which pledge pays which ticket (see ALLOCATION.md).

Framework-free: it imports nothing from Django and nothing outside ``safepassage.core``.

Public interface::

    problem = load_problem_json(text)            # or parse_problem(data); ProblemError if bad
    plan = solve(problem, time_limit=60.0)        # always a valid plan, with a proven bound
    assert validate_plan(problem, plan) == ()     # independent check of every rule
    document = plan_to_json(plan)

Modules, by role:

- ``models``: frozen dataclasses of the problem and the plan; ``errors``: ProblemError.
- ``parsing``: JSON in (every field checked, errors name the id and field) and out.
- ``validator``: checks a plan against every rule; shares no code with the solvers.
- ``baseline``: hand-matching (one pledge per request, priority order).
- ``instance``: the indexed, integer view the solvers work on.
- ``highs_model``: the one adapter to HiGHS (``highspy``); ``exact``: the pledge-level
  MILP; ``aggregate``: the pooled relaxation and its cuts (proven bounds);
  ``patterns``: the per-pledge pattern relaxation (column generation, the tightest
  bound) and its master MILP (price-and-branch plans);
  ``packing``: tickets into individual pledges; ``solver``: the strategy.

What the solver does, and what it does not prove, is described in ``solver``'s docstring.
"""

from safepassage.core.allocation.baseline import solve_baseline
from safepassage.core.allocation.errors import AllocationError, ProblemError
from safepassage.core.allocation.models import (
    Fare,
    Plan,
    PlanStatus,
    PlanTotals,
    Pledge,
    Problem,
    RouteOption,
    ServedRequest,
    Ticket,
    TravelRequest,
)
from safepassage.core.allocation.parsing import (
    load_problem_json,
    parse_problem,
    plan_from_json,
    plan_to_json,
)
from safepassage.core.allocation.solver import Progress, SolveMethod, solve
from safepassage.core.allocation.validator import Violation, validate_plan

__all__ = [
    "AllocationError",
    "Fare",
    "Plan",
    "PlanStatus",
    "PlanTotals",
    "Pledge",
    "Problem",
    "ProblemError",
    "Progress",
    "RouteOption",
    "ServedRequest",
    "SolveMethod",
    "Ticket",
    "TravelRequest",
    "Violation",
    "load_problem_json",
    "parse_problem",
    "plan_from_json",
    "plan_to_json",
    "solve",
    "solve_baseline",
    "validate_plan",
]
