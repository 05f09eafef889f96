"""The Lagrangian bound of the pattern relaxation: proven at any prices, and lowered."""

import json
import random
import time

import numpy as np
import pytest
from bench.allocation.generate import generate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safepassage.core.allocation.instance import build_instance
from safepassage.core.allocation.lagrangian import LagrangianBound
from safepassage.core.allocation.models import PlanStatus, Problem
from safepassage.core.allocation.parsing import parse_problem
from safepassage.core.allocation.patterns import ProgramPricing, _float_sums
from safepassage.core.allocation.solver import SolveMethod, solve
from tests.core.allocation.lagrangian_reference import ReferenceBound, ReferencePricing
from tests.core.allocation.oracle import brute_force_optimum
from tests.core.allocation.test_solver import tiny_problems


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems(), st.randoms(use_true_random=False))
def test_the_lagrangian_bound_holds_at_any_prices_and_after_lowering(
    prob: Problem, rng: random.Random
) -> None:
    optimum = brute_force_optimum(prob)
    lagrangian = LagrangianBound(build_instance(prob))

    for _ in range(3):
        prices = np.asarray([rng.uniform(0, 5) for _ in lagrangian.slots], dtype=np.float64)
        bound, _, _ = lagrangian.evaluate(prices, rng.uniform(0, 0.1))
        assert bound >= optimum - 1e-6
    lowered = lagrangian.lower(
        np.ones(len(lagrangian.slots)), 0.01, target=0.0, deadline=time.monotonic() + 1
    )
    assert lowered >= optimum - 1e-6


def test_on_a_generated_problem_lowering_tightens_a_bound_that_still_covers_the_optimum() -> None:
    prob = parse_problem(json.loads(json.dumps(generate(40, 16, seed=3))))
    lagrangian = LagrangianBound(build_instance(prob))
    start = np.ones(len(lagrangian.slots))
    first, _, _ = lagrangian.evaluate(start, 0.0)

    lowered = lagrangian.lower(start, 0.0, target=0.0, deadline=time.monotonic() + 5)
    exact = solve(prob, time_limit=30, method=SolveMethod.EXACT)

    assert exact.status == PlanStatus.OPTIMAL
    assert exact.totals.weighted_travellers - 1e-6 <= lowered < first


GENERATED = [(40, 16, 3), (120, 40, 1), (300, 90, 2), (1000, 250, 5)]
"""(pledges, requests, seed) of the generated problems the fast evaluation is checked on:
limited pledges, options of one to three fares, cash prices and a cash budget in each."""


def _price_vectors(slots: int, seed: int) -> list[tuple[np.ndarray, float]]:
    """Slot and cash prices like the subgradient steps visit (0-4 per ticket, cash
    ~1e-4 per unit), some zero, and some on a coarse grid so that many patterns, items and
    payments tie (the tie-breaking must match too)."""
    rng = np.random.default_rng(seed)
    vectors = []
    for round_index in range(6):
        prices = rng.uniform(0.0, 4.0, slots)
        prices[rng.random(slots) < 0.1] = 0.0
        if round_index % 2:
            prices = np.round(prices * 4) / 4
        mu = 0.0 if round_index == 0 else float(rng.uniform(0.0, 2e-4))
        vectors.append((prices, mu))
    vectors.append((np.zeros(slots), 0.0))
    return vectors


@pytest.mark.parametrize(("pledges", "requests", "seed"), GENERATED)
def test_the_evaluation_matches_the_plain_python_reference_bit_for_bit(
    pledges: int, requests: int, seed: int
) -> None:
    instance = build_instance(parse_problem(generate(pledges, requests, seed=seed)))
    lagrangian = LagrangianBound(instance)
    reference = ReferenceBound(instance)
    assert reference.slots == lagrangian.slots

    for prices, mu in _price_vectors(len(lagrangian.slots), seed):
        bound, gradient, cash_gradient = lagrangian.evaluate(prices, mu)
        expected_bound, expected_gradient, expected_cash = reference.evaluate(prices, mu)

        assert bound == expected_bound
        assert np.array_equal(gradient, expected_gradient)
        assert cash_gradient == expected_cash


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems(), st.randoms(use_true_random=False))
def test_on_tiny_problems_the_evaluation_matches_the_reference_bit_for_bit(
    prob: Problem, rng: random.Random
) -> None:
    instance = build_instance(prob)
    lagrangian = LagrangianBound(instance)
    reference = ReferenceBound(instance)

    for _ in range(3):
        prices = np.asarray(
            [rng.choice((0.0, 0.5, 1.0, rng.uniform(0, 5))) for _ in lagrangian.slots],
            dtype=np.float64,
        )
        mu = rng.choice((0.0, rng.uniform(0, 0.1)))
        bound, gradient, cash_gradient = lagrangian.evaluate(prices, mu)
        expected_bound, expected_gradient, expected_cash = reference.evaluate(prices, mu)

        assert bound == expected_bound
        assert np.array_equal(gradient, expected_gradient)
        assert cash_gradient == expected_cash


@pytest.mark.parametrize(("pledges", "requests", "seed"), GENERATED[:3])
def test_lowering_reaches_the_same_best_bound_and_prices_as_the_reference(
    pledges: int, requests: int, seed: int
) -> None:
    instance = build_instance(parse_problem(generate(pledges, requests, seed=seed)))
    lagrangian = LagrangianBound(instance)
    following = LagrangianBound(instance)
    following.evaluate = ReferenceBound(instance).evaluate  # type: ignore[method-assign]  # the reference steps
    start = np.full(len(lagrangian.slots), 1.0)

    best = lagrangian.lower(start, 1e-4, target=0.0, deadline=time.monotonic() + 600)
    expected = following.lower(start, 1e-4, target=0.0, deadline=time.monotonic() + 600)

    assert best == expected
    assert np.array_equal(lagrangian.best_prices, following.best_prices)
    assert lagrangian.best_mu == following.best_mu


@pytest.mark.parametrize(("pledges", "requests", "seed"), GENERATED[1:3])
def test_every_class_gets_the_reference_pattern_and_the_walks_add_them_up(
    pledges: int, requests: int, seed: int
) -> None:
    instance = build_instance(parse_problem(generate(pledges, requests, seed=seed)))
    lagrangian = LagrangianBound(instance)

    for prices, _ in _price_vectors(len(lagrangian.slots), seed):
        for program, shape in enumerate(lagrangian.programs):
            if not shape.classes:
                continue
            values = [
                float(prices[lagrangian.slots[(program, s * shape.unit)]]) for s in shape.sizes
            ]
            pricing = ProgramPricing(shape, values)
            reference = ReferencePricing(shape, values)
            patterns = [pricing.limited_pattern(c) for c in range(len(shape.classes))]
            weights = np.arange(len(shape.classes)) % 3

            assert np.array_equal(pricing.limited_values(), reference.limited_values())
            assert patterns == [reference.limited_pattern(c) for c in range(len(shape.classes))]
            assert [pricing.relaxed_pattern(c) for c in range(len(shape.classes))] == [
                reference.relaxed_pattern(c) for c in range(len(shape.classes))
            ]
            expected = np.zeros(len(shape.sizes))
            for weight, pattern in zip(weights.tolist(), patterns, strict=True):
                for size_index, count in pattern:
                    expected[size_index] += weight * count
            assert np.array_equal(pricing.limited_tickets(weights), expected)


@given(
    st.lists(
        st.one_of(st.floats(0, 5), st.floats(0, 1e-3), st.sampled_from((0.0, 0.1, 0.2, 0.3, 1e16))),
        min_size=1,
        max_size=8,
    ),
    st.lists(st.lists(st.integers(0, 7), min_size=1, max_size=4), min_size=1, max_size=10),
)
def test_item_values_are_summed_as_python_sums_them(
    values: list[float], rows: list[list[int]]
) -> None:
    rows = [[i % len(values) for i in row] for row in rows]
    width = max(len(row) for row in rows)
    padded = np.full((len(rows), width), len(values))
    for position, row in enumerate(rows):
        padded[position, : len(row)] = row

    sums = _float_sums(np.append(values, 0.0), [padded[:, c].copy() for c in range(width)])

    assert sums.tolist() == [sum(values[i] for i in row) for row in rows]
