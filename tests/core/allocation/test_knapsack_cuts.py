"""Per-pledge knapsack cuts: valid for every integer plan, found when the LP point is
outside a pledge's hull, and the exact model keeps its optimum with them."""

import itertools
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safepassage.core.allocation.exact import ExactModel, build_exact_model, start_values
from safepassage.core.allocation.highs_model import HighsSession
from safepassage.core.allocation.instance import Instance, build_instance
from safepassage.core.allocation.knapsack_cuts import (
    SLACK,
    Row,
    _SmallLp,
    knapsack_cut,
    pledge_cuts,
)
from safepassage.core.allocation.models import Problem
from safepassage.core.allocation.solver import SolveMethod, _assignments_of, solve
from tests.core.allocation.test_solver import _generated, tiny_problems


def _fitting(weights: list[int], capacity: int) -> list[tuple[int, ...]]:
    """Every integer count vector that fits the capacity."""
    ranges = [range(capacity // weight + 1) for weight in weights]
    return [
        counts
        for counts in itertools.product(*ranges)
        if sum(w * c for w, c in zip(weights, counts, strict=True)) <= capacity
    ]


@st.composite
def knapsacks(draw: st.DrawFn) -> tuple[list[int], int, list[float]]:
    weights = draw(st.lists(st.integers(1, 12), min_size=1, max_size=4))
    capacity = draw(st.integers(max(weights), 40))
    point = [
        draw(st.floats(0, capacity / weight + 0.5, allow_nan=False)) * draw(st.sampled_from((0, 1)))
        for weight in weights
    ]
    return weights, capacity, point


@settings(max_examples=300, deadline=None)
@given(knapsacks())
def test_every_cut_holds_for_every_integer_point_and_cuts_off_the_lp_point(
    case: tuple[list[int], int, list[float]],
) -> None:
    weights, capacity, point = case

    pi = knapsack_cut(weights, capacity, point, _SmallLp())

    if pi is not None:
        assert min(pi) >= 0
        assert sum(p * x for p, x in zip(pi, point, strict=True)) > 1
        for counts in _fitting(weights, capacity):
            assert sum(p * c for p, c in zip(pi, counts, strict=True)) <= 1 + SLACK


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(1, 12), min_size=1, max_size=4),
    st.integers(12, 40),
    st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=6),
    st.randoms(use_true_random=False),
)
def test_no_cut_is_found_for_a_point_inside_the_hull(
    weights: list[int], capacity: int, mix: list[float], rng: random.Random
) -> None:
    # Given a convex combination of integer points that fit
    fitting = _fitting(weights, capacity)
    corners = [fitting[rng.randrange(len(fitting))] for _ in mix]
    total = sum(mix) or 1.0
    point = [
        sum(m * corner[s] for m, corner in zip(mix, corners, strict=True)) / total
        for s in range(len(weights))
    ]

    # Then it is not cut off
    assert knapsack_cut(weights, capacity, point, _SmallLp()) is None


@pytest.mark.parametrize(
    ("weights", "capacity", "point"),
    [
        ([3], 10, [10 / 3]),  # one size: at most 3 tickets
        ([4, 7], 10, [0.75, 1.0]),  # the LP fills the balance with part of a ticket
        ([6, 7, 8], 20, [1.0, 1.0, 1.0]),  # one ticket of each size is 21 miles of 20
    ],
)
def test_a_point_outside_the_hull_is_cut_off(
    weights: list[int], capacity: int, point: list[float]
) -> None:
    pi = knapsack_cut(weights, capacity, point, _SmallLp())

    assert pi is not None
    assert sum(p * x for p, x in zip(pi, point, strict=True)) > 1


def _holds(cuts: list[Row], values: list[float]) -> bool:
    return all(
        sum(value * values[column] for column, value in entries) <= upper + 1e-7
        for upper, entries in cuts
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems())
def test_the_cuts_hold_for_the_plans_every_method_finds(prob: Problem) -> None:
    # Given the cuts of a small problem's exact model
    instance = build_instance(prob)
    exact = build_exact_model(instance, slots=True)
    cuts = pledge_cuts(instance, exact, rounds=6, time_limit=10)

    # Then every plan, written into the model, satisfies them
    for method in (SolveMethod.BASELINE, SolveMethod.AGGREGATE, SolveMethod.EXACT):
        plan = solve(prob, time_limit=5, method=method)
        assert _holds(cuts, start_values(exact, _assignments_of(instance, plan)))


def _generated_exact_model() -> tuple[Problem, Instance, ExactModel]:
    """A generated 60 x 24 problem, its instance and its exact model (ticket slots)."""
    prob = _generated(60, 24)
    instance = build_instance(prob)
    return prob, instance, build_exact_model(instance, slots=True)


def test_on_a_generated_problem_the_cuts_tighten_the_lp_and_keep_the_optimum() -> None:
    # Given a generated problem's exact model with and without the cuts
    prob, instance, exact = _generated_exact_model()
    cuts = pledge_cuts(instance, exact, rounds=6, time_limit=10)
    assert cuts

    def optimum(rows: list[Row], *, integer: bool) -> float:
        session = HighsSession(exact.model, integer=integer)
        session.add_rows(rows)
        session.highs.setOptionValue("mip_abs_gap", 1 - 1e-3)
        result = session.run(time_limit=20, relative_gap=1e-7)
        assert result.optimal
        return result.objective

    # Then the LP bound falls, the MILP optimum does not, and the plans satisfy the cuts
    assert optimum(cuts, integer=False) < optimum([], integer=False) - 1
    assert abs(optimum(cuts, integer=True) - optimum([], integer=True)) < 1e-6
    plan = solve(prob, time_limit=5, method=SolveMethod.AGGREGATE)
    assert _holds(cuts, start_values(exact, _assignments_of(instance, plan)))


def test_the_time_limit_stops_a_round_between_pledges_and_keeps_what_was_found() -> None:
    # Given a problem whose first round cuts several pledges, and a clock that advances one
    # second each time it is read (one read to start, one per round, one per pledge tried)
    _prob, instance, exact = _generated_exact_model()
    first_round = pledge_cuts(instance, exact, rounds=1, time_limit=1e9)
    assert len(first_round) > 3
    ticks = itertools.count()

    def clock() -> float:
        return float(next(ticks))

    # When the limit allows only the first three pledges of the first round
    cuts = pledge_cuts(instance, exact, rounds=6, time_limit=4.5, clock=clock)

    # Then separation stopped after them, and the cuts it kept are the first round's first
    assert 0 < len(cuts) <= 3
    assert cuts == first_round[: len(cuts)]
