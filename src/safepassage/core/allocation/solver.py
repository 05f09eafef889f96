"""The allocator: the one entry point :func:`solve` and its strategy.

1. The baseline plan is computed first, so there is always a valid incumbent.
2. Problems whose exact pledge-level model is small (``EXACT_MODEL_LIMIT`` columns, about
   100 pledges x 40 requests) go to that MILP (:mod:`.exact`), which proves optimality.
3. Otherwise, or when the exact model does not finish, the pooled relaxation
   (:mod:`.aggregate`) is solved as an LP (a proven bound; its duals give first prices).
   Then the per-pledge pattern relaxation (:mod:`.patterns`: each pledge pays a
   multiset of ticket sizes that fits its balance), whose every reported bound is a
   weak-duality sum, proven whenever it stops:

   a. up to ``PATTERN_COLUMN_LIMIT`` pooled columns, and if it should converge at the
      CPU share the process gets, by column generation; its master restricted to the
      generated patterns is then solved as a MILP (price-and-branch) and decoded into
      tickets, usually the best plan found; with at least two groups' worth of
      requests, pattern neighbourhoods (below) priced by the master's duals polish it;
   b. otherwise by its Lagrangian (:mod:`.lagrangian`, subgradient steps on prices of
      ticket slots and cash). Its prices pack a greedy plan, and pick the promising
      requests, options and payments: up to ``RESTRICTED_MASTER_REQUESTS`` of them get
      one restricted pattern master (price-and-branch); more are re-solved in groups
      of ``NEIGHBOURHOOD_REQUESTS`` by the pattern master on what the others leave.

   Where neither gives a plan (the master MILP found none), tickets are packed into
   individual pledges by best fit (:mod:`.packing`) guided by the pooled LP, re-solved
   with capacities moved toward what packing used and re-priced from what each pass
   used up. Pledge-level MILPs restricted to the options and programs in use (groups
   of about 125 requests, on what the others leave) then repair what packing
   lost. If not even the pooled LP solves in time (a starved machine), a greedy priced
   by shares of all miles and of the cash budget, and a Lagrangian bound from prices
   per mile, replace it. (Mid-sized problems no longer end with the full exact MILP:
   its bound rarely beats the pattern bound in time, and the search finds better plans
   with that time: 500 x 125 gave 507 instead of 505.)
4. A seeded large-neighbourhood search then alternates small pledge-level MILPs over a
   few freed and a few unserved requests (on residual balances of sampled pledges) with
   ruin-and-recreate moves, until the gap target or the time limit.
5. The final plan is checked by the independent validator; an invalid plan is never
   returned (the validated baseline replaces it, which would be a bug worth reporting).

Objectives (2)-(4) are handled by tie-breaks, not proven: tickets are paid with miles
before cash (cash tickets only where the LP used them, or in a second fill pass), by the
best-fitting pledge (which keeps the number of pledges low) and, among equally good
pledges, the one that expires sooner. The exact model optimises (1) only.

Determinism: every HiGHS run is single-threaded with a fixed seed (master MILPs run two
seeds side by side on two threads and keep the first best), and the search uses seeded
generators, so the same input and limit give the same plan unless the time limit cuts a
phase short (time is the one non-deterministic input; on a busy machine it also decides
between column generation and the Lagrangian, see 3a).
"""

import math
import random
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial

import numpy as np

from safepassage.core.allocation.aggregate import (
    AggregatedModel,
    build_aggregated_model,
    program_capacities,
    separate_cuts,
)
from safepassage.core.allocation.baseline import solve_baseline
from safepassage.core.allocation.errors import AllocationError
from safepassage.core.allocation.exact import (
    ExactModel,
    Resources,
    build_exact_model,
    exact_model_size,
    start_values,
)
from safepassage.core.allocation.highs_model import (
    INFINITY,
    HighsSession,
    ModelResult,
    solve_model,
)
from safepassage.core.allocation.instance import NO_LIMIT, Instance, build_instance, sub_instance
from safepassage.core.allocation.knapsack_cuts import pledge_cuts
from safepassage.core.allocation.lagrangian import LagrangianBound
from safepassage.core.allocation.models import Plan, PlanStatus, Problem
from safepassage.core.allocation.packing import (
    CASH,
    Assignment,
    PackingState,
    build_plan,
    default_order,
)
from safepassage.core.allocation.patterns import (
    PatternSession,
    build_pattern_model,
    decode_master,
    generate_patterns,
    solve_master,
    start_from,
)
from safepassage.core.allocation.validator import validate_plan

EXACT_MODEL_LIMIT = 100_000
"""Largest exact model (pledge-by-fare columns times travellers) tried first in auto mode."""

REPRICE_ROUNDS = 12
"""Greedy passes with prices updated from the previous pass's usage."""

CAPACITY_ROUNDS = 10
"""LP re-solves with capacities moved toward what packing used (see _pack_with_...)."""

CAPACITY_SHARE = 0.5
"""Share of the remaining time the capacity rounds may take."""

CUT_ROUNDS = 8

CUT_SHARE = 0.25
"""Share of the remaining time the cut rounds may take."""

CUT_COLUMN_LIMIT = 100_000
"""Above this many columns a cut round's re-solve takes longer than it is worth (measured
at 20,000 x 5,000: it did not finish in 10 s), so the bound is the uncut LP's."""
"""Rounds of cut separation on the aggregated LP (each re-solve is warm-started)."""

PLEDGE_CUT_ROUNDS = 2
"""Rounds of per-pledge knapsack cuts on the exact model's LP before its MILP (decision
0022, fourth addendum): two take the benchmark's 100 x 40 LP from 168.8 to 161.4, six to
the hull's 161.1, with no faster proof."""

PLEDGE_CUT_SHARE = 0.2
"""Share of the exact model's time the cut rounds may take (~0.05-0.1 s at 100 x 40)."""

PLEDGE_CUT_PROBING_OFF = True
"""With the cuts, HiGHS's probing (``presolve_rule_off=32768``) costs more than it gains:
measured on twelve 100 x 40 problems (decision 0022, fourth addendum)."""

AGGREGATED_MILP_LIMIT = 5_000
"""Above this many columns the aggregated MILP is skipped: its bound barely beats the LP's
and the time is better spent on the pledge-level search."""

TARGET_GAP = 0.002
"""Relative gap below which the improvement search stops early."""


class SolveMethod(StrEnum):
    """Which algorithm to run."""

    AUTO = "auto"
    EXACT = "exact"
    AGGREGATE = "aggregate"
    BASELINE = "baseline"


@dataclass(frozen=True, slots=True)
class Progress:
    """A progress report: the phase, the best plan's objective and the proven bound."""

    phase: str
    incumbent: float
    bound: float
    elapsed: float

    @property
    def gap(self) -> float:
        """Relative gap between bound and incumbent (0 when proven optimal)."""
        if self.bound >= INFINITY:
            return 1.0
        return max(0.0, self.bound - self.incumbent) / max(1e-9, abs(self.bound))


ProgressCallback = Callable[[Progress], None]


class _Search:
    """Book-keeping shared by the phases: clock, incumbent, bound and progress reports."""

    def __init__(
        self,
        instance: Instance,
        time_limit: float,
        progress: ProgressCallback | None,
        *,
        started: float,
    ) -> None:
        self.instance = instance
        self.started = started
        self.cpu_started = time.process_time()
        self.deadline = self.started + time_limit
        self.time_limit = time_limit
        self.progress = progress
        self.best: list[Assignment] = []
        self.best_value = 0.0
        self.bound = sum(request.weight for request in instance.requests)
        self.integral = all(
            abs(request.weight - round(request.weight)) < 1e-9 for request in instance.requests
        )
        self.timed_out = False

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def cpu_share(self) -> float:
        """The share of a core this process has had so far (1 on an idle machine)."""
        wall = time.monotonic() - self.started
        if wall < 0.2:
            return 1.0
        return min(1.0, max(0.05, (time.process_time() - self.cpu_started) / wall))

    def offer(self, assignments: list[Assignment]) -> None:
        value = sum(self.instance.requests[a.request].weight for a in assignments)
        if value > self.best_value + 1e-9:
            self.best, self.best_value = list(assignments), value

    def tighten(self, bound: float) -> None:
        if self.integral and bound < INFINITY:
            # Every plan's objective is a whole number, so is the best bound.
            bound = math.floor(bound + 1e-6)
        self.bound = min(self.bound, bound)

    def proven(self) -> bool:
        return self.best_value >= self.bound - 1e-6 * max(1.0, self.bound)

    def gap(self) -> float:
        return max(0.0, self.bound - self.best_value) / max(1e-9, self.bound)

    def report(self, phase: str) -> None:
        if self.progress is not None:
            self.progress(
                Progress(
                    phase=phase,
                    incumbent=self.best_value,
                    bound=self.bound,
                    elapsed=time.monotonic() - self.started,
                )
            )


def solve(
    problem: Problem,
    *,
    time_limit: float = 60.0,
    method: SolveMethod = SolveMethod.AUTO,
    progress: ProgressCallback | None = None,
) -> Plan:
    """Allocate pledges to the tickets of travel requests; always returns a valid plan."""
    started = time.monotonic()
    instance = build_instance(problem)
    baseline = solve_baseline(problem, instance=instance)
    if method == SolveMethod.BASELINE:
        return _checked(problem, baseline, baseline)
    search = _Search(instance, time_limit, progress, started=started)
    search.offer(_assignments_of(instance, baseline))
    search.report("baseline")
    size = exact_model_size(instance)
    small = size <= EXACT_MODEL_LIMIT
    if method == SolveMethod.EXACT or (method == SolveMethod.AUTO and small):
        _run_exact(search, share=1.0 if method == SolveMethod.EXACT else 0.6)
    if not search.proven() and method != SolveMethod.EXACT:
        if search.remaining() > 0:
            _run_aggregated(search)
        else:
            search.timed_out = True
    if search.proven():
        status = PlanStatus.OPTIMAL
    elif search.timed_out:
        status = PlanStatus.TIMEOUT
    else:
        status = PlanStatus.FEASIBLE
    polished = PackingState(instance)
    for assignment in search.best:
        polished.commit(assignment)
    polished.polish_cash()
    plan = build_plan(
        instance, list(polished.assignments.values()), status=status, bound=search.bound
    )
    search.report("done")
    return _checked(problem, plan, baseline)


def _checked(problem: Problem, plan: Plan, baseline: Plan) -> Plan:
    if not validate_plan(problem, plan):
        return plan
    if validate_plan(problem, baseline):
        raise AllocationError("internal error: no valid plan could be built")
    return baseline


def _assignments_of(instance: Instance, plan: Plan) -> list[Assignment]:
    request_index = {data.request.id: i for i, data in enumerate(instance.requests)}
    pledge_index = {pledge_id: i for i, pledge_id in enumerate(instance.pledge_ids)}
    assignments = []
    for served in plan.served:
        index = request_index[served.request]
        request = instance.requests[index]
        option_index = next(
            i for i, o in enumerate(request.options) if o.option.id == served.option
        )
        option = request.options[option_index]
        payers = {
            (t.fare, t.traveller): (CASH if t.pledge is None else pledge_index[t.pledge])
            for t in served.tickets
        }
        assignments.append(
            Assignment(
                request=index,
                option=option_index,
                payers=tuple(
                    tuple(payers[(f.fare.id, t)] for t in range(1, request.travellers + 1))
                    for f in option.fares
                ),
            )
        )
    return assignments


def _run_exact(search: _Search, *, share: float) -> None:
    instance = search.instance
    exact = build_exact_model(instance, slots=True)
    search.report("exact model")
    cuts = pledge_cuts(
        instance,
        exact,
        rounds=PLEDGE_CUT_ROUNDS,
        time_limit=search.remaining() * share * PLEDGE_CUT_SHARE,
    )
    session = HighsSession(exact.model, integer=True)
    session.add_rows(cuts)
    if cuts and PLEDGE_CUT_PROBING_OFF:
        session.highs.setOptionValue("presolve_rule_off", 32768)
    if search.best:
        session.set_start(start_values(exact, search.best))
    if search.integral:
        # Whole-number objectives: a gap below 1 already proves the incumbent optimal.
        session.highs.setOptionValue("mip_abs_gap", 1 - 1e-3)
    result = session.run(time_limit=search.remaining() * share, relative_gap=1e-7)
    search.tighten(result.bound)
    if result.values is not None:
        assignments = _decode_exact(instance, exact, result.values)
        plan = build_plan(instance, assignments, status=PlanStatus.FEASIBLE, bound=INFINITY)
        if not validate_plan(instance.problem, plan):
            search.offer(assignments)
    if not result.optimal:
        search.timed_out = True
    search.report("exact")


def _decode_exact(instance: Instance, exact: ExactModel, values: list[float]) -> list[Assignment]:
    """Turn the counts of the exact model into tickets per traveller.

    A limited pledge keeps a "home" set of travellers and is given the same travellers on
    every fare of the option where possible, so its distinct travellers equal its largest
    count, as the model assumed. In a model with ticket slots, the tickets a fare buys of
    a slot are handed out from what its pledges supply, pledge after pledge.
    """
    supplied = {
        key: deque(
            pledge for pledge, column in pairs for _ in range(round(max(0.0, values[column])))
        )
        for key, pairs in exact.supply.items()
    }
    assignments = []
    for position, request_index in enumerate(exact.requests):
        request = instance.requests[request_index]
        for option_index, column in enumerate(exact.option_columns[position]):
            if values[column] < 0.5:
                continue
            homes: dict[int, set[int]] = {}
            payers = []
            for fare in exact.fare_columns[position][option_index]:
                counts = [
                    (pledge, round(values[col]))
                    for pledge, col in fare.pledges
                    if values[col] > 0.5
                ]
                for key, col in fare.slots:
                    queue = supplied[key]
                    taken = Counter(
                        queue.popleft() for _ in range(min(len(queue), round(values[col])))
                    )
                    counts.extend(taken.items())
                counts.sort(key=lambda pc: (instance.pledge_limit[pc[0]] >= NO_LIMIT, -pc[1]))
                free = set(range(request.travellers))
                row = [CASH] * request.travellers
                for pledge, count in counts:
                    home = homes.setdefault(pledge, set())
                    others = set().union(*(h for p, h in homes.items() if p != pledge))
                    chosen = sorted(free, key=lambda t: (t not in home, t in others, t))[:count]
                    for traveller in chosen:
                        row[traveller] = pledge
                    home.update(chosen)
                    free.difference_update(chosen)
                payers.append(tuple(row))
            assignments.append(
                Assignment(request=request_index, option=option_index, payers=tuple(payers))
            )
    return assignments


class _GuidedPacker:
    """Packs a (possibly fractional) solution of the aggregated model into pledges."""

    def __init__(
        self, instance: Instance, aggregated: AggregatedModel, row_duals: list[float]
    ) -> None:
        self.instance = instance
        self.aggregated = aggregated
        self.mile_price = [
            abs(row_duals[row]) if row < len(row_duals) else 0.0 for row in aggregated.program_rows
        ]
        budget = aggregated.budget_row
        self.cash_price = abs(row_duals[budget]) if budget < len(row_duals) else 0.0
        self.capacity = program_capacities(instance)[0]
        self.slot_price: dict[tuple[int, int], float] = {}
        self._order()
        self.guide: list[float] = []

    def _order(self) -> None:
        instance = self.instance
        self.options_by_cost = [
            sorted(range(len(request.options)), key=partial(self.cost, r))
            for r, request in enumerate(instance.requests)
        ]
        # Most weight per unit of dual-priced resources first.
        self.fill_order = sorted(
            range(len(instance.requests)),
            key=lambda r: (
                -instance.requests[r].weight / max(1e-12, self.cost(r, self.options_by_cost[r][0])),
                r,
            ),
        )

    def reprice(self, state: PackingState) -> None:
        """Raise the price of what the last plan used up, lower the rest (multiplicative).

        The LP's prices assume pooled miles; after packing, a program whose pledges are
        fragmented should look cheaper and an exhausted resource dearer.
        """
        instance = self.instance
        used = [0] * len(instance.programs)
        for pledge, program in enumerate(instance.pledge_program):
            used[program] += instance.pledge_miles[pledge] - state.residual[pledge]
        floor = 0.2 * sum(self.mile_price) / max(1, len(self.mile_price))
        self.mile_price = [
            max(price, floor) * math.exp(0.5 * (used[p] / max(1, self.capacity[p]) - 0.85))
            for p, price in enumerate(self.mile_price)
        ]
        if instance.cash_budget:
            cash_used = 1 - state.cash / instance.cash_budget
            self.cash_price *= math.exp(0.5 * (cash_used - 0.95))
        self._order()

    def reprice_order(self) -> None:
        """Re-derive option and fill orders after the prices were changed."""
        self._order()

    def use_slot_prices(self, prices: dict[tuple[int, int], float], cash_price: float) -> None:
        """Price tickets by (program, miles) slot, as the Lagrangian bound does, instead
        of per mile: a size that fragments a program's pledges costs more than its miles."""
        self.slot_price = prices
        self.cash_price = cash_price
        self._order()

    def payment_cost(self, payment: tuple[int, int, int]) -> float:
        program, miles, tax = payment
        if self.slot_price:
            return self.slot_price.get((program, miles), 0.0) + self.cash_price * tax
        return self.mile_price[program] * miles + self.cash_price * tax

    def cost(self, request_index: int, option_index: int) -> float:
        """Dual-priced cost of serving the request on the option."""
        request = self.instance.requests[request_index]
        total = 0.0
        for fare in request.options[option_index].fares:
            prices = [self.payment_cost(payment) for payment in fare.payments]
            if fare.cash_price is not None:
                prices.append(self.cash_price * fare.cash_price)
            total += min(prices, default=INFINITY)
        return total * request.travellers

    def program_order(self, request_index: int, option_index: int) -> list[list[int]]:
        """Per fare, the payments to try: those the guide uses most, then cheapest."""
        option = self.instance.requests[request_index].options[option_index]
        columns = self.aggregated.payment_columns[request_index][option_index]
        order = []
        for fare, (fare_columns, _) in zip(option.fares, columns, strict=True):
            keys = [
                (
                    -round(self.guide[column]) if self.guide else 0,
                    self.payment_cost(payment),
                    index,
                )
                for index, (payment, column) in enumerate(
                    zip(fare.payments, fare_columns, strict=True)
                )
            ]
            order.append([key[2] for key in sorted(keys)])
        return order

    def largest_ticket(self, request_option: tuple[int, int]) -> int:
        request_index, option_index = request_option
        option = self.instance.requests[request_index].options[option_index]
        return max((m for fare in option.fares for _, m, _ in fare.payments), default=0)

    def pack(self, guide: list[float]) -> PackingState:
        """Serve the guide's chosen options (largest tickets first), then fill the rest."""
        self.guide = guide
        chosen = [
            (request_index, option_index)
            for request_index, columns in enumerate(self.aggregated.option_columns)
            for option_index, column in enumerate(columns)
            if guide[column] > 0.5
        ]
        chosen.sort(key=lambda ro: (-self.largest_ticket(ro), ro[0]))
        state = PackingState(self.instance)
        for request_index, option_index in chosen:
            cash_columns = self.aggregated.payment_columns[request_index][option_index]
            cash_allowed = [cash >= 0 and guide[cash] > 0.5 for _, cash in cash_columns]
            if state.try_serve(
                request_index,
                option_index,
                self.program_order(request_index, option_index),
                cash_allowed,
            ):
                continue
            for other in self.options_by_cost[request_index]:
                if other != option_index and state.try_serve(
                    request_index, other, self.program_order(request_index, other), False
                ):
                    break
        self.fill(state, self.fill_order, allow_cash=False)
        self.fill(state, self.fill_order, allow_cash=True)
        return state

    def greedy(self, guide: list[float]) -> PackingState:
        """Serve requests by value density alone (the guide only orders programs)."""
        self.guide = guide
        state = PackingState(self.instance)
        self.fill(state, self.fill_order, allow_cash=False)
        self.fill(state, self.fill_order, allow_cash=True)
        return state

    def fill(self, state: PackingState, candidates: list[int], *, allow_cash: bool) -> None:
        """Try to serve each unserved candidate on its cheapest option that fits.

        Cash tickets spend the budget fast, so callers fill without them first.
        """
        for request_index in candidates:
            if request_index in state.assignments:
                continue
            for option_index in self.options_by_cost[request_index]:
                if state.try_serve(
                    request_index,
                    option_index,
                    self.program_order(request_index, option_index),
                    allow_cash,
                ):
                    break


PATTERN_SHARE = 0.6
"""Share of the remaining time column generation of the pattern relaxation may take."""

MASTER_SHARE = 0.5
"""Share of the time left after column generation the master MILP may take; pattern
neighbourhoods then polish its plan (see POLISH_SHARE). At 2,000 x 500 the MILP alone
reached 2,096 with 0.85 of the time; 0.5 and then neighbourhoods reach 2,100."""

PATTERN_TOLERANCE = 1e-4
"""Column generation stops when the restricted LP is this close to the proven bound
(stopping at 0.2% saved little time and cost a unit of bound at 2,000 x 500)."""


def _pooled_prices(
    aggregated: AggregatedModel, row_duals: list[float]
) -> dict[tuple[int, int], float]:
    """What the pooled LP charges for one ticket of each (program, miles): its duals on
    the miles and size rows (a starting point for pricing patterns, nothing more)."""
    model = aggregated.model
    prices = {}
    for key, columns in aggregated.size_columns.items():
        column = columns[0]
        total = 0.0
        for entry in range(model.starts[column] + 1, model.starts[column + 1]):
            row = model.rows[entry]
            if row != aggregated.budget_row and row < len(row_duals):
                total += abs(row_duals[row]) * model.values[entry]
        prices[key] = total
    return prices


PATTERN_COLUMN_LIMIT = 100_000
"""Above this many pooled-model columns column generation does not converge in time
(20,000 x 5,000 has about 150,000), so the pattern phase is skipped."""

PATTERN_SECONDS = 3.0
PATTERN_REFERENCE_COLUMNS = 15_000
"""Column generation took about PATTERN_SECONDS of CPU at PATTERN_REFERENCE_COLUMNS
pooled columns (2,000 x 500) and grows a little faster than the columns (9.5 s at
37,000). When it would not converge in its share of the time at the CPU share the
process gets (a busy machine), the Lagrangian path, cheaper per unit of progress, runs
instead."""

MASTER_GAP = 0.01
"""The master MILP is tried only when the restricted LP is within this of the bound."""


def _run_patterns(
    search: _Search, prices: dict[tuple[int, int], float]
) -> tuple[PackingState | None, bool]:
    """The pattern relaxation's proven bound, and a plan from its master MILP.

    Returns the packed plan (None if none was found) and whether column generation
    converged (then its bound dominates the pooled LP's cuts).
    """
    instance = search.instance
    model = build_pattern_model(instance, prices=prices)
    session = PatternSession(model)
    bound, converged = generate_patterns(
        session,
        deadline=time.monotonic() + PATTERN_SHARE * search.remaining(),
        tolerance=PATTERN_TOLERANCE,
    )
    search.tighten(bound)
    search.report("patterns")
    close = session.objective >= (1 - MASTER_GAP) * search.bound
    if session.primal is None or search.remaining() <= 0.1 or not close:
        return None, converged
    values = solve_master(
        model,
        session.primal,
        time_limit=MASTER_SHARE * search.remaining(),
        integral=search.integral,
    )
    if values is None:
        return None, converged
    state = PackingState(instance)
    assignments = decode_master(instance, model, values)
    assignments.sort(key=lambda a: -instance.requests[a.request].weight)
    failed = [a for a in assignments if not state.try_commit(a)]
    for assignment in failed:
        # Not expected (caps keep limits), but never lose a request to a decoding slip.
        option = instance.requests[assignment.request].options[assignment.option]
        state.try_serve(assignment.request, assignment.option, default_order(option))
    search.offer(list(state.assignments.values()))
    search.report("master MILP")
    if (
        len(instance.requests) >= 2 * POLISH_REQUESTS
        and search.remaining() > 0.5
        and search.gap() > TARGET_GAP
    ):
        # (With fewer requests a neighbourhood is the whole problem again; the
        # pledge-level search after this does better there: 507 against 506 at 500 x 125.)
        _polish(search, state, session)
    if converged and search.gap() > TARGET_GAP and search.remaining() > 0.1:
        # Plans are made: let the LP take the bound's own patterns too (a limited pledge
        # paying legs of one traveller together), which brings it down to the bound's
        # relaxation (2,000 x 500: 2,109.8 -> 2,108.9, floored to 2,108, in ~0.6 s).
        session.relaxed = True
        relaxed, _ = generate_patterns(
            session,
            deadline=time.monotonic() + search.remaining(),
            tolerance=PATTERN_TOLERANCE,
            integral=search.integral,
        )
        search.tighten(relaxed)
        search.report("patterns (bound)")
    return state, converged


POLISH_SHARE = 0.7
"""Share of the time left after the master MILP that pattern neighbourhoods (groups of
requests re-solved by column generation and the master MILP on what the others leave,
priced by the master's duals) may spend improving its plan."""


def _polish(search: _Search, state: PackingState, session: PatternSession) -> None:
    """Improve the master MILP's plan (``state``) by pattern neighbourhoods over every
    request, option and payment, priced by the master LP's duals."""
    duals = session.session.run(time_limit=max(0.1, search.remaining())).row_duals
    if duals is None:
        return
    model = session.model
    point = session.prices_of(duals)
    slot_prices = {
        (program, size * shape.unit): float(point[row])
        for program, shape in enumerate(model.programs)
        for size, row in zip(shape.sizes, shape.size_rows, strict=True)
    }
    everything = {
        r: {
            o: [list(range(len(fare.payments))) for fare in option.fares]
            for o, option in enumerate(request.options)
        }
        for r, request in enumerate(search.instance.requests)
    }
    _pattern_neighbourhoods(
        search,
        state,
        everything,
        slot_prices,
        until=time.monotonic() + POLISH_SHARE * search.remaining(),
        size=POLISH_REQUESTS,
    )


LAGRANGE_SHARE = 0.3
"""Share of the remaining time the Lagrangian bound's subgradient steps may take."""

LAGRANGE_TARGET = 0.95
"""The subgradient steps aim at this fraction of the pooled bound (Polyak steps). It must
be below the pattern bound or the steps stall at it: 0.98 stalled at 2,118 at
2,000 x 500 (pooled 2,162), 0.95 reaches 2,110.7."""


def _run_lagrangian(
    search: _Search,
    aggregated: AggregatedModel,
    row_duals: list[float],
    ticket_prices: dict[tuple[int, int], float],
) -> tuple[dict[tuple[int, int], float], float]:
    """Lower the proven bound by the Lagrangian of the pattern relaxation (for problems
    whose pattern LP would not converge in time); return its slot and cash prices."""
    lagrangian = LagrangianBound(search.instance)
    prices = np.zeros(len(lagrangian.slots))
    for key, index in lagrangian.slots.items():
        prices[index] = ticket_prices.get(key, 0.0)
    budget = aggregated.budget_row
    mu = abs(row_duals[budget]) if budget < len(row_duals) else 0.0
    bound = lagrangian.lower(
        prices,
        mu,
        target=LAGRANGE_TARGET * search.bound,
        deadline=time.monotonic() + LAGRANGE_SHARE * search.remaining(),
    )
    search.tighten(bound)
    search.report("lagrangian")
    return lagrangian.slot_prices(), lagrangian.best_mu


CANDIDATE_SLACK = 0.25
"""A request enters the restricted master if its best option, at the Lagrangian prices,
is worth at least minus this share of its weight; so does every option within this
share of its weight of the best."""

CANDIDATE_PAYMENTS = 3
"""Cheapest payments (at the Lagrangian prices) per fare in the restricted master."""

RESTRICTED_MASTER_SHARE = 0.85
"""Share of the remaining time the restricted master (patterns and MILP) may take."""


def _lagrangian_candidates(
    instance: Instance, slot_prices: dict[tuple[int, int], float], cash_price: float
) -> dict[int, dict[int, list[list[int]]]]:
    """Per promising request, its promising options and their fares' cheapest payments
    (indexes into ``fare.payments``), at the Lagrangian prices."""
    chosen: dict[int, dict[int, list[list[int]]]] = {}
    for request_index, request in enumerate(instance.requests):
        options = []
        for option_index, option in enumerate(request.options):
            total = 0.0
            fares = []
            for fare in option.fares:
                costs = sorted(
                    (slot_prices.get((program, miles), 0.0) + cash_price * tax, index)
                    for index, (program, miles, tax) in enumerate(fare.payments)
                )
                cheapest = costs[0][0] if costs else INFINITY
                if fare.cash_price is not None and fare.cash_price <= instance.cash_budget:
                    cheapest = min(cheapest, cash_price * fare.cash_price)
                total += cheapest
                fares.append([index for _, index in costs[:CANDIDATE_PAYMENTS]])
            options.append((request.weight - request.travellers * total, option_index, fares))
        best = max((value for value, _, _ in options), default=-INFINITY)
        slack = CANDIDATE_SLACK * request.weight
        if best < -slack:
            continue
        chosen[request_index] = {o: fares for value, o, fares in options if value >= best - slack}
    return chosen


def _run_restricted_master(
    search: _Search,
    chosen: dict[int, dict[int, list[list[int]]]],
    slot_prices: dict[tuple[int, int], float],
) -> PackingState | None:
    """Price-and-branch on a master restricted to the requests, options and payments
    that look promising at the Lagrangian prices (``chosen``): small enough for column
    generation and a MILP where the whole master is not. A restriction: its plans are
    valid and its bound is never used."""
    instance = search.instance

    def allowed(request: int, option: int, fare: int) -> list[int] | None:
        options = chosen.get(request)
        if options is None or option not in options:
            return None
        return options[option][fare]

    deadline = time.monotonic() + RESTRICTED_MASTER_SHARE * search.remaining()
    model = build_pattern_model(instance, prices=slot_prices, allowed=allowed)
    session = PatternSession(model)
    generate_patterns(
        session, deadline=time.monotonic() + PATTERN_SHARE * (deadline - time.monotonic())
    )
    if session.primal is None or deadline - time.monotonic() <= 0.1:
        return None
    values = solve_master(
        model,
        session.primal,
        time_limit=deadline - time.monotonic(),
        integral=search.integral,
    )
    if values is None:
        return None
    state = PackingState(instance)
    for assignment in decode_master(instance, model, values):
        state.try_commit(assignment)
    search.offer(list(state.assignments.values()))
    search.report("restricted master")
    return state


NEIGHBOURHOOD_REQUESTS = 1100
"""Requests per pattern neighbourhood at 20,000 x 5,000 (see _pattern_neighbourhoods):
about 3 groups of the ~3,200 promising requests. Larger groups let more requests trade
pledges in one re-solve; measured there: 250 -> 20,695, 500 -> 20,832, 800 -> 20,872,
950-1,100 (3 groups) -> 20,870-20,897, 1,600 -> 20,860."""

NEIGHBOURHOOD_SHARE = 0.97
"""Share of the remaining time the pattern neighbourhoods may take (the pledge-level
MILPs after them gained nothing at 20,000 x 5,000 in 4 s)."""

POLISH_REQUESTS = 250
"""Requests per neighbourhood when polishing the master MILP's plan (2,000 x 500: two
groups; each is re-solved within the time the master MILP left)."""

RESTRICTED_MASTER_REQUESTS = 1500
"""Above this many promising requests the restricted master MILP does not solve in
time (3,216 at 20,000 x 5,000: a poor plan after 15 s CPU); pattern neighbourhoods are
used instead."""


def _pattern_neighbourhoods(
    search: _Search,
    state: PackingState,
    chosen: dict[int, dict[int, list[list[int]]]],
    slot_prices: dict[tuple[int, int], float],
    *,
    until: float,
    size: int,
) -> None:
    """Large neighbourhoods solved by the pattern master: each group of about ``size``
    promising requests is released and re-solved (column generation and master MILP) on
    the balances, traveller allowances and cash the others leave; the new plan of the
    group is kept only if it serves more weight. Passes over new splits of the requests
    repeat while time is left."""
    instance = search.instance
    rng = random.Random(20261127)  # noqa: S311 - a seeded search, not cryptography
    groups = max(1, round(len(chosen) / size))
    order: list[int] = []
    group = groups
    while True:
        if group == groups:
            # A pass over every candidate, split anew into groups: the same split
            # again would only find what the last pass kept.
            order = sorted(chosen)
            rng.shuffle(order)
            group = 0
        left = until - time.monotonic()
        if left <= 0.1:
            break
        requests = sorted(order[group::groups])
        group += 1
        old = {r: state.assignments[r] for r in requests if r in state.assignments}
        old_value = sum(instance.requests[r].weight for r in old)
        for request_index in old:
            state.release(request_index)
        pledges = [
            k
            for k in range(len(instance.pledge_ids))
            if state.residual[k] > 0 and state.allowance[k] > 0
        ]
        part = sub_instance(
            instance,
            requests=requests,
            pledges=pledges,
            miles=[state.residual[k] for k in pledges],
            limits=[state.allowance[k] for k in pledges],
            cash_budget=state.cash,
        )

        def allowed(
            request: int, option: int, fare: int, requests: list[int] = requests
        ) -> list[int] | None:
            options = chosen.get(requests[request], {})
            return options[option][fare] if option in options else None

        deadline = time.monotonic() + left / (groups - group + 1)
        model = build_pattern_model(part, prices=slot_prices, allowed=allowed)
        session = PatternSession(model)
        generate_patterns(
            session, deadline=time.monotonic() + PATTERN_SHARE * (deadline - time.monotonic())
        )
        position = {request: i for i, request in enumerate(requests)}
        in_part = {pledge: i for i, pledge in enumerate(pledges)}
        start = start_from(
            part,
            model,
            [
                Assignment(
                    request=position[a.request],
                    option=a.option,
                    payers=tuple(
                        tuple(CASH if p == CASH else in_part[p] for p in row) for row in a.payers
                    ),
                )
                for a in old.values()
            ],
        )
        values = None
        if session.primal is not None and deadline - time.monotonic() > 0.05:
            values = solve_master(
                model,
                session.primal,
                time_limit=deadline - time.monotonic(),
                integral=search.integral,
                start=start,
            )
        fresh = [] if values is None else decode_master(part, model, values)
        if sum(part.requests[a.request].weight for a in fresh) > old_value + 1e-9:
            committed = []
            for assignment in fresh:
                mapped = Assignment(
                    request=requests[assignment.request],
                    option=assignment.option,
                    payers=tuple(
                        tuple(CASH if p == CASH else pledges[p] for p in row)
                        for row in assignment.payers
                    ),
                )
                if not state.try_commit(mapped):
                    break
                committed.append(mapped.request)
            else:
                search.offer(list(state.assignments.values()))
                search.report("pattern neighbourhood")
                continue
            for request_index in committed:
                state.release(request_index)
        for assignment in old.values():
            state.commit(assignment)


def _run_aggregated(search: _Search) -> None:
    instance = search.instance
    aggregated = build_aggregated_model(instance)
    search.report("aggregated model")
    session = HighsSession(aggregated.model, integer=False)
    relaxation = session.run(time_limit=search.remaining() * 0.4)
    search.tighten(relaxation.bound)
    search.report("relaxation")
    if relaxation.values is None or not relaxation.optimal:
        # No LP in time (a huge problem or a starved machine): greedy by weight per
        # share of all miles and of the cash budget used, then the search, rather than
        # the baseline alone (4,707 against the baseline's 2,783 at 5,000 x 1,250).
        search.timed_out = True
        packer = _GuidedPacker(instance, aggregated, [])
        packer.mile_price = [1.0 / max(1, sum(packer.capacity))] * len(instance.programs)
        packer.cash_price = 1.0 / max(1, instance.cash_budget)
        packer.reprice_order()
        state = packer.greedy([])
        search.offer(list(state.assignments.values()))
        search.report("greedy")
        if search.remaining() > 0:
            # A proven bound without any LP: the Lagrangian from prices per mile.
            per_mile = sum(r.weight for r in instance.requests) / max(1, sum(packer.capacity))
            crude = {
                (program, miles): per_mile * miles
                for request in instance.requests
                for option in request.options
                for fare in option.fares
                for program, miles, _ in fare.payments
            }
            packer.use_slot_prices(*_run_lagrangian(search, aggregated, [], crude))
            candidate = packer.greedy([])
            if candidate.weighted_travellers() > state.weighted_travellers():
                state = candidate
                search.offer(list(state.assignments.values()))
        _improve(search, state, packer)
        return
    patterned: PackingState | None = None
    converged = False
    prices = _pooled_prices(aggregated, relaxation.row_duals or [])
    columns = aggregated.model.num_columns
    expected = PATTERN_SECONDS * (columns / PATTERN_REFERENCE_COLUMNS) ** 1.3
    if (
        columns <= PATTERN_COLUMN_LIMIT
        and expected / search.cpu_share() <= PATTERN_SHARE * search.remaining()
    ):
        patterned, converged = _run_patterns(search, prices)
    slot_prices = None
    if not converged and search.remaining() > 0:
        slot_prices = _run_lagrangian(search, aggregated, relaxation.row_duals or [], prices)
    guide_session = session
    if aggregated.model.num_columns <= CUT_COLUMN_LIMIT and not converged and not slot_prices:
        # (The pattern bound, or its Lagrangian, already implies every cut.)
        _cut_rounds(search, aggregated, session, relaxation)
        # The heuristic LPs of the capacity rounds change capacities, so they get their
        # own copy of the model; ``session`` keeps the true one for bounds.
        guide_session = HighsSession(aggregated.model, integer=False)
    if slot_prices is not None:
        # Slot prices know that some ticket sizes fragment a program's pledges: one
        # greedy pass with them beats the capacity rounds' many passes.
        packer = _GuidedPacker(instance, aggregated, relaxation.row_duals or [])
        packer.use_slot_prices(*slot_prices)
        state = packer.greedy([])
    else:
        state, packer = _pack_with_capacity_rounds(
            search,
            aggregated,
            guide_session,
            relaxation,
            rounds=1 if patterned is not None else CAPACITY_ROUNDS,
            reprice=patterned is None,
        )
    if slot_prices is not None:
        chosen = _lagrangian_candidates(instance, *slot_prices)
        if len(chosen) <= RESTRICTED_MASTER_REQUESTS:
            master = _run_restricted_master(search, chosen, slot_prices[0])
            if master is not None:
                packer.fill(master, packer.fill_order, allow_cash=False)
                packer.fill(master, packer.fill_order, allow_cash=True)
                if master.weighted_travellers() > state.weighted_travellers():
                    state = master
        else:
            _pattern_neighbourhoods(
                search,
                state,
                chosen,
                slot_prices[0],
                until=time.monotonic() + NEIGHBOURHOOD_SHARE * search.remaining(),
                size=NEIGHBOURHOOD_REQUESTS,
            )
    if patterned is not None:
        packer.fill(patterned, packer.fill_order, allow_cash=False)
        packer.fill(patterned, packer.fill_order, allow_cash=True)
        if patterned.weighted_travellers() >= state.weighted_travellers():
            state = patterned
    search.offer(list(state.assignments.values()))
    search.report("packed")
    if (
        search.gap() > TARGET_GAP
        and search.remaining() > 0
        and aggregated.model.num_columns <= AGGREGATED_MILP_LIMIT
    ):
        session.make_integer()
        integer = session.run(time_limit=search.remaining() * 0.15, relative_gap=1e-4)
        search.tighten(integer.bound)
        search.report("aggregated MILP")
        if integer.values is not None:
            candidate = packer.pack(integer.values)
            if candidate.weighted_travellers() > state.weighted_travellers():
                state = candidate
            search.offer(list(state.assignments.values()))
    if search.gap() > TARGET_GAP and search.remaining() > 0:
        state = _restricted_exact(search, state, packer, relaxation.values)
    _improve(search, state, packer)


RESTRICTED_PAYMENTS = 2
"""Cheapest (dual-priced) payments per fare kept in the restricted pledge-level MILP."""

RESTRICTED_COLUMN_LIMIT = 150_000
"""Largest restricted pledge-level MILP tried (columns)."""

RESTRICTED_GROUP = 125
"""Requests per restricted MILP (the requests are split into groups of about this size)."""

RESTRICTED_GROUP_SECONDS = 1.0
"""Least time a group's MILP gets (when time is short, later groups are skipped)."""

RESTRICTED_PLEDGES = 80
"""Pledges per program in a restricted MILP besides those its requests already use:
half the largest residuals, half sampled."""

RESTRICTED_SHARE = 0.9
"""Share of the remaining time the restricted pledge-level MILP may take."""


def _restricted_exact(
    search: _Search, state: PackingState, packer: _GuidedPacker, values: list[float]
) -> PackingState:
    """Solve the pledge-level MILP over the options and programs the LP or the packed plan
    use (plus the cheapest priced ones), warm started from the packed plan.

    It is a restriction (no bound is taken from it) containing the packed plan, so it can
    only improve it; it repairs what greedy packing loses to fragmentation.
    """
    instance = search.instance
    aggregated = packer.aggregated
    incumbent = dict(state.assignments)

    def allowed(request_index: int, option_index: int, fare_index: int) -> list[int] | None:
        current = incumbent.get(request_index)
        on_current = current is not None and current.option == option_index
        lp_value = values[aggregated.option_columns[request_index][option_index]]
        cheapest = packer.options_by_cost[request_index][0] == option_index
        if not (on_current or lp_value > 0.01 or (current is None and cheapest)):
            return None
        fare = instance.requests[request_index].options[option_index].fares[fare_index]
        ranked = sorted(
            range(len(fare.payments)), key=lambda i: packer.payment_cost(fare.payments[i])
        )
        keep = set(ranked[:RESTRICTED_PAYMENTS])
        columns, _ = aggregated.payment_columns[request_index][option_index][fare_index]
        keep.update(i for i, column in enumerate(columns) if values[column] > 1e-6)
        if current is not None and on_current:
            programs = {instance.pledge_program[p] for p in current.payers[fare_index] if p != CASH}
            keep.update(i for i, payment in enumerate(fare.payments) if payment[0] in programs)
        return sorted(keep)

    rng = random.Random(20261125)  # noqa: S311 - a seeded search, not cryptography
    order = list(range(len(instance.requests)))
    rng.shuffle(order)
    groups = max(1, round(len(order) / RESTRICTED_GROUP))
    until = time.monotonic() + search.remaining() * RESTRICTED_SHARE
    for group in range(groups):
        left = until - time.monotonic()
        if left <= 0.05:
            break
        chunk = tuple(sorted(order[group::groups]))
        _restricted_group(
            instance,
            state,
            chunk=chunk,
            allowed=allowed,
            rng=rng,
            time_limit=min(left, max(RESTRICTED_GROUP_SECONDS, left / (groups - group))),
        )
    packer.fill(state, packer.fill_order, allow_cash=False)
    packer.fill(state, packer.fill_order, allow_cash=True)
    search.offer(list(state.assignments.values()))
    search.report("restricted MILP")
    return state


def _restricted_group(
    instance: Instance,
    state: PackingState,
    *,
    chunk: tuple[int, ...],
    allowed: Callable[[int, int, int], list[int] | None],
    rng: random.Random,
    time_limit: float,
) -> None:
    """Re-solve the requests of ``chunk`` exactly on what the others leave (in place)."""
    old = {r: state.assignments[r] for r in chunk if r in state.assignments}
    old_value = sum(instance.requests[r].weight for r in old)
    for request_index in old:
        state.release(request_index)
    used: list[set[int]] = [set() for _ in instance.programs]
    for assignment in old.values():
        for payers in assignment.payers:
            for pledge in payers:
                if pledge != CASH:
                    used[instance.pledge_program[pledge]].add(pledge)
    pool: list[set[int]] = []
    for program, entries in enumerate(state.by_program):
        chosen = set(used[program])
        ranked = [k for _, _, k in entries]
        chosen.update(ranked[-RESTRICTED_PLEDGES // 2 :])
        rest = ranked[: -RESTRICTED_PLEDGES // 2]
        chosen.update(rng.sample(rest, min(len(rest), RESTRICTED_PLEDGES // 2)))
        pool.append(chosen)
    pledges = tuple(sorted(set().union(*pool)))
    resources = Resources(
        pledges=pledges,
        miles=tuple(state.residual[k] for k in pledges),
        limits=tuple(state.allowance[k] for k in pledges),
        cash=state.cash,
    )
    model = build_exact_model(instance, requests=chunk, resources=resources, allowed=allowed)
    if model.model.num_columns <= RESTRICTED_COLUMN_LIMIT:
        session = HighsSession(model.model, integer=True)
        session.set_start(start_values(model, old.values()))
        result = session.run(time_limit=time_limit, relative_gap=1e-4)
        if result.values is not None and result.objective > old_value + 1e-6:
            committed = []
            for assignment in _decode_exact(instance, model, result.values):
                if not state.try_commit(assignment):
                    break
                committed.append(assignment.request)
            else:
                return
            for request_index in committed:
                state.release(request_index)
    for assignment in old.values():
        state.commit(assignment)


def _cut_rounds(
    search: _Search,
    aggregated: AggregatedModel,
    session: HighsSession,
    relaxation: ModelResult,
) -> None:
    """Tighten the proven bound: add violated cuts and re-solve (warm), a few rounds."""
    until = time.monotonic() + CUT_SHARE * search.remaining()
    values = relaxation.values
    for _ in range(CUT_ROUNDS):
        if values is None or time.monotonic() >= until:
            break
        cuts = separate_cuts(aggregated, values)
        if not cuts:
            break
        session.add_rows(cuts)
        tightened = session.run(time_limit=until - time.monotonic())
        if tightened.values is None or not tightened.optimal:
            break
        search.tighten(tightened.bound)
        search.report("cuts")
        values = tightened.values


def _pack_with_capacity_rounds(
    search: _Search,
    aggregated: AggregatedModel,
    session: HighsSession,
    relaxation: ModelResult,
    *,
    rounds: int = CAPACITY_ROUNDS,
    reprice: bool = True,
) -> tuple[PackingState, _GuidedPacker]:
    """Pack the LP's plan, then re-solve the LP with each program's capacity moved toward
    what packing could really use, so choices and prices account for fragmentation.

    These LPs are heuristics (their capacities are not the true ones); the true capacities
    are restored before returning, so a bound taken from ``session`` afterwards (the
    aggregated MILP) is a bound of the problem again.
    """
    instance = search.instance
    upper = [float(miles) for miles in program_capacities(instance)[0]]
    true_upper = list(upper)
    guide = relaxation
    best: tuple[PackingState, _GuidedPacker] | None = None
    until = time.monotonic() + CAPACITY_SHARE * search.remaining()
    for _ in range(rounds):
        assert guide.values is not None
        packer = _GuidedPacker(instance, aggregated, guide.row_duals or [])
        for state in (packer.pack(guide.values), packer.greedy(guide.values)):
            if best is None or state.weighted_travellers() > best[0].weighted_travellers():
                best = (state, packer)
            last = state
        if time.monotonic() > until:
            break
        used = [0] * len(instance.programs)
        for pledge, program in enumerate(instance.pledge_program):
            used[program] += instance.pledge_miles[pledge] - last.residual[pledge]
        for program, row in enumerate(aggregated.program_rows):
            upper[program] = 0.5 * upper[program] + 0.5 * 1.02 * used[program]
            session.highs.changeRowBounds(row, -INFINITY, upper[program])
        guide = session.run(time_limit=max(0.05, until - time.monotonic()))
        if guide.values is None or guide.row_duals is None:
            break
        search.report("capacity round")
    for program, row in enumerate(aggregated.program_rows):
        session.highs.changeRowBounds(row, -INFINITY, true_upper[program])
    assert best is not None
    state, packer = best
    reprice_until = time.monotonic() + 0.1 * search.remaining()
    for _ in range(REPRICE_ROUNDS if reprice else 0):
        if time.monotonic() > reprice_until:
            break
        packer.reprice(state)
        greedy = packer.greedy(packer.guide)
        if greedy.weighted_travellers() > state.weighted_travellers():
            state = greedy
    return state, packer


def _improve(search: _Search, state: PackingState, packer: _GuidedPacker) -> None:
    """Large-neighbourhood search until the gap target or the time limit.

    Each round frees a few served requests, adds promising unserved ones, and solves the
    exact pledge-level model over them on the residual balances of a sample of pledges
    (a small MILP); the result replaces the old assignment only if it serves more weight.
    Between rounds a cheap ruin-and-recreate move runs. Everything is seeded.
    """
    rng = random.Random(20261201)  # noqa: S311 - a seeded search, not cryptography
    last_report = time.monotonic()
    rounds = 0
    while search.gap() > TARGET_GAP:
        if search.remaining() <= 0.05:
            search.timed_out = True
            break
        if not state.assignments:
            break
        rounds += 1
        if rounds % RUIN_PER_MILP == 1:
            _exact_neighbourhood(search, state, packer, rng)
        else:
            _ruin_and_recreate(state, packer, rng)
        if state.weighted_travellers() > search.best_value + 1e-9:
            search.offer(list(state.assignments.values()))
        if time.monotonic() - last_report > 0.5:
            search.report("improving")
            last_report = time.monotonic()


RUIN_PER_MILP = 10
"""Cheap ruin-and-recreate moves per MILP neighbourhood (they cost ~1/100 of one)."""

SUB_SERVED = 12
SUB_UNSERVED = 24
SUB_PLEDGES_PER_PROGRAM = 30


def _exact_neighbourhood(
    search: _Search, state: PackingState, packer: _GuidedPacker, rng: random.Random
) -> None:
    instance = search.instance
    served = sorted(state.assignments)
    kind = rng.random()
    focus = rng.randrange(len(instance.programs)) if kind < 0.4 else -1
    if kind >= 0.7:
        # Cash is usually the scarce resource: free the requests that spend most per weight.
        spend = sorted(served, key=lambda r: -state.cash_spent(r) / instance.requests[r].weight)
        served = spend[: max(SUB_SERVED, len(spend) // 5)]
    if focus >= 0:
        # Re-pack one program: free requests that it pays for.
        using = [
            r
            for r in served
            if any(
                p != CASH and instance.pledge_program[p] == focus
                for payers in state.assignments[r].payers
                for p in payers
            )
        ]
        served = using or served
    released = rng.sample(served, min(len(served), SUB_SERVED))
    unserved = [r for r in packer.fill_order if r not in state.assignments]
    head = unserved[: SUB_UNSERVED // 2]
    tail = unserved[SUB_UNSERVED // 2 :]
    extra = head + rng.sample(tail, min(len(tail), SUB_UNSERVED - len(head)))
    old = {r: state.assignments[r] for r in released}
    old_value = sum(instance.requests[r].weight for r in released)
    touched: set[int] = set()
    for assignment in old.values():
        for payers in assignment.payers:
            touched.update(p for p in payers if p != CASH)
    for request_index in released:
        state.release(request_index)
    requests = tuple(sorted(set(released) | set(extra)))
    smallest: dict[int, int] = {}
    for request_index in requests:
        for option in instance.requests[request_index].options:
            for fare in option.fares:
                for program, miles, _ in fare.payments:
                    smallest[program] = min(smallest.get(program, NO_LIMIT), miles)
    pledges: list[int] = sorted(touched)
    for program, entries in enumerate(state.by_program):
        if program not in smallest:
            continue
        fitting = [k for _, _, k in entries if state.residual[k] >= smallest[program]]
        fitting = [k for k in fitting if k not in touched]
        pledges.extend(rng.sample(fitting, min(len(fitting), SUB_PLEDGES_PER_PROGRAM)))
    resources = Resources(
        pledges=tuple(pledges),
        miles=tuple(state.residual[k] for k in pledges),
        limits=tuple(state.allowance[k] for k in pledges),
        cash=state.cash,
    )
    model = build_exact_model(instance, requests=requests, resources=resources)
    result = solve_model(
        model.model,
        integer=True,
        time_limit=min(2.0, max(0.05, search.remaining())),
        relative_gap=1e-4,
    )
    if result.values is not None and result.objective > old_value + 1e-6:
        fresh = _decode_exact(instance, model, result.values)
        committed = []
        for assignment in fresh:
            if not state.try_commit(assignment):
                break
            committed.append(assignment.request)
        else:
            return
        for request_index in committed:
            state.release(request_index)
    for assignment in old.values():
        state.commit(assignment)


def _ruin_and_recreate(state: PackingState, packer: _GuidedPacker, rng: random.Random) -> None:
    before = dict(state.assignments)
    value_before = state.weighted_travellers()
    ruined = rng.sample(sorted(before), min(len(before), rng.randint(1, 6)))
    for request_index in ruined:
        state.release(request_index)
    unserved = [r for r in packer.fill_order if r not in state.assignments]
    rank = {request: position for position, request in enumerate(packer.fill_order)}
    candidates = sorted(
        set(rng.sample(unserved, min(len(unserved), 40))) - set(ruined), key=rank.__getitem__
    )
    if rng.random() < 0.5:
        # Perturb the order a little so the refill does not rebuild the same plan.
        candidates.sort(key=lambda r: rank[r] * rng.uniform(0.7, 1.3))
    packer.fill(state, candidates + ruined, allow_cash=rng.random() < 0.2)
    if state.weighted_travellers() < value_before - 1e-9:
        for request_index in list(state.assignments):
            if state.assignments[request_index] != before.get(request_index):
                state.release(request_index)
        for request_index, assignment in before.items():
            if request_index not in state.assignments:
                state.commit(assignment)
