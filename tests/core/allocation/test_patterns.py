"""The pattern relaxation: knapsack pricing, proven bounds at any prices, decodable plans."""

import itertools
import json
import random
import time

import numpy as np
from bench.allocation.generate import generate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safepassage.core.allocation.aggregate import build_aggregated_model
from safepassage.core.allocation.highs_model import HighsSession
from safepassage.core.allocation.instance import build_instance
from safepassage.core.allocation.models import PlanStatus, Problem
from safepassage.core.allocation.packing import CASH, PackingState, build_plan
from safepassage.core.allocation.parsing import parse_problem
from safepassage.core.allocation.patterns import (
    Choices,
    PatternSession,
    ProgramPatterns,
    ProgramPricing,
    build_pattern_model,
    class_key,
    decode_master,
    generate_patterns,
    knapsack,
    solve_master,
    start_from,
)
from safepassage.core.allocation.solver import SolveMethod, _assignments_of, solve
from safepassage.core.allocation.validator import validate_plan
from tests.core.allocation.builders import fare, pledge, problem, request
from tests.core.allocation.oracle import brute_force_optimum
from tests.core.allocation.test_solver import tiny_problems


def _brute_force_knapsack(
    sizes: list[int], values: list[float], capacity: int, cap: int | None = None
) -> float:
    best = 0.0
    limit = capacity // min(sizes) if sizes else 0
    for count in range(limit + 1):
        if cap is not None and count > cap:
            break
        for items in itertools.combinations_with_replacement(range(len(sizes)), count):
            if sum(sizes[i] for i in items) <= capacity:
                best = max(best, sum(values[i] for i in items))
    return best


knapsacks = st.tuples(
    st.lists(st.integers(1, 9), min_size=1, max_size=4, unique=True).map(sorted),
    # Values in tenths: the reconstruction treats differences below 1e-9 as ties.
    st.lists(st.integers(0, 100).map(lambda tenths: tenths / 10), min_size=4, max_size=4),
    st.integers(0, 20),
)


@settings(max_examples=80, deadline=None)
@given(knapsacks)
def test_the_knapsack_table_is_the_best_value_for_every_capacity(
    case: tuple[list[int], list[float], int],
) -> None:
    sizes, all_values, capacity = case
    values = all_values[: len(sizes)]

    table = knapsack(sizes, values, capacity)
    choices = Choices(table, sizes, values)

    for room in range(capacity + 1):
        assert abs(table[room] - _brute_force_knapsack(sizes, values, room)) < 1e-9
        pattern = choices.pattern(room)
        assert sum(sizes[i] * count for i, count in pattern) <= room
        assert abs(sum(values[i] * count for i, count in pattern) - table[room]) < 1e-9


@settings(max_examples=60, deadline=None)
@given(knapsacks, st.integers(1, 3))
def test_a_capped_class_gets_its_best_pattern_of_at_most_cap_tickets(
    case: tuple[list[int], list[float], int], cap: int
) -> None:
    sizes, all_values, capacity = case
    values = all_values[: len(sizes)]
    shape = ProgramPatterns(
        unit=1,
        sizes=sizes,
        size_rows=[],
        classes=[max(1, capacity)],
        class_caps=[cap],
        class_counts=[1],
        class_rows=[],
    )

    pricing = ProgramPricing(shape, values)
    pattern = pricing.pattern(0)

    expected = _brute_force_knapsack(sizes, values, max(1, capacity), cap)
    assert abs(pricing.capped_values()[0] - expected) < 1e-9
    assert sum(count for _, count in pattern) <= cap
    assert sum(sizes[i] * count for i, count in pattern) <= max(1, capacity)
    assert abs(sum(values[i] * count for i, count in pattern) - expected) < 1e-9


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems(), st.randoms(use_true_random=False))
def test_the_pattern_bound_holds_at_any_prices_and_when_converged(
    prob: Problem, rng: random.Random
) -> None:
    optimum = brute_force_optimum(prob)
    instance = build_instance(prob)
    session = PatternSession(build_pattern_model(instance))

    for _ in range(3):
        prices = np.asarray(
            [rng.uniform(-2, 5) for _ in session.rhs],
            dtype=np.float64,
        )
        prices[session.is_upper] = np.abs(prices[session.is_upper])
        bound, _ = session.evaluate(prices)
        assert bound >= optimum - 1e-6
    bound, converged = generate_patterns(session, deadline=time.monotonic() + 10)
    assert converged
    assert bound >= optimum - 1e-6
    # With the bound's own patterns (legs of one traveller from one limited pledge) the
    # LP comes down to the bound's relaxation, which still covers the optimum.
    session.relaxed = True
    relaxed, converged = generate_patterns(session, deadline=time.monotonic() + 10, integral=True)
    assert converged
    assert optimum - 1e-6 <= relaxed <= bound + 1e-6
    assert session.objective <= relaxed + 1e-6


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems())
def test_the_master_milp_decodes_into_a_valid_plan_worth_what_it_claims(prob: Problem) -> None:
    instance = build_instance(prob)
    model = build_pattern_model(instance)
    session = PatternSession(model)
    generate_patterns(session, deadline=time.monotonic() + 10)
    assert session.primal is not None

    values = solve_master(model, session.primal, time_limit=5, integral=False)

    assert values is not None
    assignments = decode_master(instance, model, values)
    state = PackingState(instance)
    assert all(state.try_commit(a) for a in assignments)
    plan = build_plan(instance, assignments, status=PlanStatus.FEASIBLE, bound=1e9)
    assert validate_plan(prob, plan) == ()
    claimed = sum(
        instance.requests[r].weight * values[column]
        for r, columns in enumerate(model.option_columns)
        for column in columns
    )
    assert abs(plan.totals.weighted_travellers - claimed) < 1e-6
    assert plan.totals.weighted_travellers <= brute_force_optimum(prob) + 1e-6


def test_on_a_generated_problem_the_pattern_bound_covers_the_exact_optimum() -> None:
    prob = parse_problem(json.loads(json.dumps(generate(40, 16, seed=3))))
    instance = build_instance(prob)
    session = PatternSession(build_pattern_model(instance))

    bound, converged = generate_patterns(session, deadline=time.monotonic() + 20)
    exact = solve(prob, time_limit=30, method=SolveMethod.EXACT)

    assert converged
    assert exact.status == PlanStatus.OPTIMAL
    assert bound >= exact.totals.weighted_travellers - 1e-6
    assert bound < sum(request.weight for request in instance.requests)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems(), st.randoms(use_true_random=False))
def test_a_master_restricted_to_some_options_and_payments_decodes_into_a_valid_plan(
    prob: Problem, rng: random.Random
) -> None:
    instance = build_instance(prob)
    closed = {
        (r, o)
        for r, request in enumerate(instance.requests)
        for o in range(len(request.options))
        if rng.random() < 0.3
    }
    kept = {
        (r, o, f): [i for i in range(len(fare.payments)) if rng.random() < 0.7]
        for r, request in enumerate(instance.requests)
        for o, option in enumerate(request.options)
        for f, fare in enumerate(option.fares)
    }

    def allowed(request: int, option: int, fare: int) -> list[int] | None:
        return None if (request, option) in closed else kept[(request, option, fare)]

    model = build_pattern_model(instance, allowed=allowed)
    session = PatternSession(model)
    generate_patterns(session, deadline=time.monotonic() + 10)
    assert session.primal is not None
    values = solve_master(model, session.primal, time_limit=5, integral=False)

    assert values is not None
    assignments = decode_master(instance, model, values)
    assert all((a.request, a.option) not in closed for a in assignments)
    state = PackingState(instance)
    assert all(state.try_commit(a) for a in assignments)
    plan = build_plan(instance, assignments, status=PlanStatus.FEASIBLE, bound=1e9)
    assert validate_plan(prob, plan) == ()
    assert plan.totals.weighted_travellers <= brute_force_optimum(prob) + 1e-6


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems())
def test_the_large_problem_path_gives_valid_plans_and_proven_bounds(prob: Problem) -> None:
    from safepassage.core.allocation import solver

    limits = solver.PATTERN_COLUMN_LIMIT, solver.RESTRICTED_MASTER_REQUESTS
    optimum = brute_force_optimum(prob)
    # As if the pattern LP were too large, then also the restricted master.
    for requests in (limits[1], 0):
        solver.PATTERN_COLUMN_LIMIT, solver.RESTRICTED_MASTER_REQUESTS = 0, requests
        try:
            plan = solve(prob, time_limit=2, method=SolveMethod.AGGREGATE)
        finally:
            solver.PATTERN_COLUMN_LIMIT, solver.RESTRICTED_MASTER_REQUESTS = limits

        assert validate_plan(prob, plan) == ()
        assert plan.totals.weighted_travellers <= optimum + 1e-6
        assert plan.bound_weighted_travellers >= optimum - 1e-6


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems())
def test_a_packed_plan_is_a_feasible_start_of_the_master(prob: Problem) -> None:
    instance = build_instance(prob)
    plan = solve(prob, time_limit=2, method=SolveMethod.AGGREGATE)
    assignments = _assignments_of(instance, plan)
    model = build_pattern_model(instance)

    values = start_from(instance, model, assignments)

    # Requests served through a limited pledge paying more tickets than its class's cap
    # (legs of one traveller) cannot be expressed; the others all are.
    tickets: dict[int, int] = {}
    for assignment in assignments:
        for payers in assignment.payers:
            for payer in payers:
                if payer != CASH:
                    tickets[payer] = tickets.get(payer, 0) + 1
    over = set()
    for payer, count in tickets.items():
        shape = model.programs[instance.pledge_program[payer]]
        key = class_key(instance, payer, shape.unit, shape.sizes)
        if key is not None and key[1] and count > key[1]:
            over.add(payer)
    expected = sum(
        instance.requests[a.request].weight
        for a in assignments
        if not any(p in over for payers in a.payers for p in payers)
    )
    if values is None:
        assert expected == 0
        return
    builder = model.model
    activity = [0.0] * len(builder.row_lower)
    for column, value in enumerate(values):
        assert 0 <= value <= builder.upper[column]
        for k in range(builder.starts[column], builder.starts[column + 1]):
            activity[builder.rows[k]] += builder.values[k] * value
    for row, total in enumerate(activity):
        assert builder.row_lower[row] - 1e-6 <= total <= builder.row_upper[row] + 1e-6
    objective = sum(c * v for c, v in zip(builder.cost, values, strict=True))
    assert abs(objective - expected) < 1e-6


def _brute_force_limited(items: list[tuple[int, float]], capacity: int, travellers: int) -> float:
    best = 0.0
    for count in range(travellers + 1):
        for chosen in itertools.combinations_with_replacement(range(len(items)), count):
            if sum(items[i][0] for i in chosen) <= capacity:
                best = max(best, sum(items[i][1] for i in chosen))
    return best


@settings(max_examples=60, deadline=None)
@given(
    knapsacks,
    st.integers(1, 3),
    st.lists(st.lists(st.integers(0, 3), min_size=2, max_size=3), max_size=3),
)
def test_a_limited_class_is_priced_by_travellers_each_one_ticket_or_one_group(
    case: tuple[list[int], list[float], int], limit: int, raw_groups: list[list[int]]
) -> None:
    sizes, all_values, capacity = case
    values = all_values[: len(sizes)]
    groups = sorted({tuple(sorted(i % len(sizes) for i in g)) for g in raw_groups})
    capacity = max(1, capacity)
    shape = ProgramPatterns(
        unit=1,
        sizes=sizes,
        size_rows=[],
        classes=[capacity],
        class_caps=[limit],
        class_counts=[1],
        class_rows=[],
        groups=groups,
    )

    pricing = ProgramPricing(shape, values)
    pattern = pricing.limited_pattern(0)

    items = [(s, v) for s, v in zip(sizes, values, strict=True)]
    items += [(sum(sizes[i] for i in g), sum(values[i] for i in g)) for g in groups]
    expected = _brute_force_limited(items, capacity, limit)
    assert abs(pricing.limited_values()[0] - expected) < 1e-9
    assert sum(sizes[i] * count for i, count in pattern) <= capacity
    assert abs(sum(values[i] * count for i, count in pattern) - expected) < 1e-9


def test_a_pledge_limited_to_one_traveller_bounds_one_traveller_but_may_pay_both_legs() -> None:
    # Given a pledge for one traveller that could pay three single-leg trips...
    three_trips = problem(
        [pledge("P1", "AA", 60000, max_travellers=1)],
        [request(f"R{i}", 1, [[fare(f"F{i}", {"AA": 20000})]]) for i in range(3)],
    )
    # ...and one whose only traveller needs two legs, both payable from it.
    two_legs = problem(
        [pledge("P1", "AA", 60000, max_travellers=1)],
        [request("R1", 1, [[fare("F1", {"AA": 20000}), fare("F2", {"AA": 20000})]])],
    )

    # When the pattern bound converges
    bounds = []
    for prob in (three_trips, two_legs):
        session = PatternSession(build_pattern_model(build_instance(prob)))
        bounds.append(generate_patterns(session, deadline=time.monotonic() + 10)[0])

    # Then it counts travellers, not tickets: one trip, not three; and both legs of one
    # traveller stay possible (the bound is still a bound).
    assert bounds[0] < 1.5
    assert bounds[1] >= 1 - 1e-6
    assert solve(two_legs, time_limit=5).totals.weighted_travellers == 1


def test_a_session_solved_before_gets_its_whole_time_limit_again() -> None:
    # Given an LP that took a while to solve (HiGHS counts its time limit over every
    # run of one instance, so a later solve could be refused at once)
    prob = parse_problem(json.loads(json.dumps(generate(2000, 500, seed=2))))
    model = build_aggregated_model(build_instance(prob)).model
    session = HighsSession(model, integer=False)
    assert session.run(time_limit=30).optimal
    spent = session.highs.getRunTime()

    # When 400 of its prices change and it is re-solved (warm, a fraction of the first
    # solve) with a limit below what it already spent: 0.9 of it rather than half, so
    # that load on the machine during the warm solve does not make it miss its limit
    rng = random.Random(1)
    changed = rng.sample([c for c in range(model.num_columns) if model.cost[c] > 0], 400)
    session.highs.changeColsCost(
        len(changed),
        np.asarray(changed, dtype=np.int32),
        np.asarray([model.cost[c] * rng.uniform(0.5, 1.5) for c in changed]),
    )
    result = session.run(time_limit=spent * 0.9)

    # Then that limit is for this solve alone: it finishes
    assert result.optimal
