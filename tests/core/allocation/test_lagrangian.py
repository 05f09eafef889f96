"""The Lagrangian bound of the pattern relaxation: proven at any prices, and lowered."""

import json
import random
import time

import numpy as np
from bench.allocation.generate import generate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safepassage.core.allocation.instance import build_instance
from safepassage.core.allocation.lagrangian import LagrangianBound
from safepassage.core.allocation.models import PlanStatus, Problem
from safepassage.core.allocation.parsing import parse_problem
from safepassage.core.allocation.solver import SolveMethod, solve
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
