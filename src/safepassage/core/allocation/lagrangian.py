"""A Lagrangian bound of the pattern relaxation, for problems too large for its LP.

Price each ticket slot of a program and size (``u``, miles-free prices per slot) and the
cash budget (``mu``). Then the pattern relaxation (:mod:`.patterns`) splits into
independent pieces, each solved exactly:

- each request: serve its best option, at the cheapest priced payment of every fare,
  if that costs less than its weight (``max(0, weight - travellers * sum of cheapest
  fare prices)``), so the option choice and fares need no prices of their own;
- each pledge class: its best pattern at prices ``u`` (an unbounded knapsack);
- the budget: ``mu * budget``.

The sum is an upper bound on objective (1) for *any* ``u >= 0, mu >= 0`` (weak duality;
a pledge limited to ``L`` travellers pays at most ``L`` travellers' tickets, each one
ticket or one traveller's fares of one option: a relaxation). A projected subgradient
method lowers it from the pooled LP's prices; every bound it reports is one such sum,
computed from scratch.
"""

import time
from dataclasses import dataclass

import numpy as np

from safepassage.core.allocation.instance import Instance
from safepassage.core.allocation.patterns import ProgramPricing, program_patterns

PLATEAU_ROUNDS = 40
PLATEAU_GAIN = 2e-5
"""Stop when the best bound fell by less than this share over the last PLATEAU_ROUNDS
evaluations (at 20,000 x 5,000 it flattens after about 100, at 2,000 x 500 it keeps
falling slowly for a few hundred)."""


@dataclass(frozen=True, slots=True)
class _Payments:
    """Every way to pay a fare (payments and cash tickets), grouped by fare, option and
    request, as flat arrays for numpy."""

    slot: np.ndarray
    """Slot (program, size) index of each payment, or -1 for a cash ticket."""
    tax: np.ndarray
    """Cash (units) each payment costs: the tax, or the cash price."""
    fare_start: np.ndarray
    option_start: np.ndarray
    """First fare of each option (fares are in option order)."""
    option_request: np.ndarray
    option_travellers: np.ndarray
    option_weight: np.ndarray
    request_start: np.ndarray
    """First option of each request that has any."""


class LagrangianBound:
    """Evaluates and lowers the Lagrangian bound of an instance's pattern relaxation."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.programs = program_patterns(instance)
        self.slots: dict[tuple[int, int], int] = {}
        for program, shape in enumerate(self.programs):
            for size in shape.sizes:
                self.slots[(program, size * shape.unit)] = len(self.slots)
        slot: list[int] = []
        tax: list[float] = []
        fare_start: list[int] = []
        option_start: list[int] = []
        option_request: list[int] = []
        option_travellers: list[float] = []
        option_weight: list[float] = []
        request_start: list[int] = []
        for request_index, request in enumerate(instance.requests):
            options = [option for option in request.options if option.fares]
            if not options:
                continue
            request_start.append(len(option_start))
            for option in options:
                option_start.append(len(fare_start))
                option_request.append(request_index)
                option_travellers.append(float(request.travellers))
                option_weight.append(request.weight)
                for fare in option.fares:
                    fare_start.append(len(slot))
                    for program, miles, fare_tax in fare.payments:
                        slot.append(self.slots[(program, miles)])
                        tax.append(float(fare_tax))
                    if fare.cash_price is not None and fare.cash_price <= instance.cash_budget:
                        slot.append(-1)
                        tax.append(float(fare.cash_price))
                    if len(slot) == fare_start[-1]:
                        # A fare nothing can pay: the option can never be served.
                        slot.append(-2)
                        tax.append(0.0)
        self.payments = _Payments(
            slot=np.asarray(slot, dtype=np.int64),
            tax=np.asarray(tax, dtype=np.float64),
            fare_start=np.asarray(fare_start, dtype=np.int64),
            option_start=np.asarray(option_start, dtype=np.int64),
            option_request=np.asarray(option_request, dtype=np.int64),
            option_travellers=np.asarray(option_travellers, dtype=np.float64),
            option_weight=np.asarray(option_weight, dtype=np.float64),
            request_start=np.asarray(request_start, dtype=np.int64),
        )
        self.budget = float(instance.cash_budget)
        self.best_prices = np.zeros(len(self.slots))
        self.best_mu = 0.0

    def evaluate(self, prices: np.ndarray, mu: float) -> tuple[float, np.ndarray, float]:
        """The bound at slot prices ``prices`` (>= 0) and cash price ``mu`` (>= 0), and a
        subgradient: (bound, d bound / d prices, d bound / d mu)."""
        payments = self.payments
        if not len(payments.option_start):
            return 0.0, np.zeros(len(self.slots)), 0.0
        extended = np.append(prices, 0.0)
        cost = extended[np.where(payments.slot >= 0, payments.slot, len(prices))]
        cost = cost + mu * payments.tax
        cost[payments.slot == -2] = np.inf
        fare_cost = np.minimum.reduceat(cost, payments.fare_start)
        option_cost = np.add.reduceat(fare_cost, payments.option_start)
        option_value = payments.option_weight - payments.option_travellers * option_cost
        request_value = np.maximum.reduceat(option_value, payments.request_start)
        served = request_value > 0
        total = float(request_value[served].sum()) + mu * self.budget
        gradient = np.zeros(len(self.slots))
        cash_gradient = self.budget
        # Demand side: the chosen option of each served request and its cheapest payments.
        best_option = np.full(len(request_value), -1, dtype=np.int64)
        ends = np.append(payments.request_start[1:], len(option_value))
        for position in np.flatnonzero(served).tolist():
            start, end = int(payments.request_start[position]), int(ends[position])
            best_option[position] = start + int(np.argmax(option_value[start:end]))
        fare_ends = np.append(payments.fare_start[1:], len(cost))
        option_ends = np.append(payments.option_start[1:], len(payments.fare_start))
        for option in best_option[best_option >= 0].tolist():
            travellers = payments.option_travellers[option]
            for fare in range(int(payments.option_start[option]), int(option_ends[option])):
                start, end = int(payments.fare_start[fare]), int(fare_ends[fare])
                chosen = start + int(np.argmin(cost[start:end]))
                if payments.slot[chosen] >= 0:
                    gradient[payments.slot[chosen]] -= travellers
                cash_gradient -= travellers * payments.tax[chosen]
        # Supply side: every pledge class at its best pattern.
        for program, shape in enumerate(self.programs):
            if not shape.classes:
                continue
            values = [float(prices[self.slots[(program, s * shape.unit)]]) for s in shape.sizes]
            pricing = ProgramPricing(shape, values, capped=False)
            best = pricing.limited_values()
            total += float(np.dot(best, shape.class_counts)) * (1 + 1e-9)
            for class_index, count in enumerate(shape.class_counts):
                if best[class_index] <= 0:
                    continue
                for size_index, used in pricing.limited_pattern(class_index):
                    key = (program, shape.sizes[size_index] * shape.unit)
                    gradient[self.slots[key]] += count * used
        return total, gradient, cash_gradient

    def lower(self, prices: np.ndarray, mu: float, *, target: float, deadline: float) -> float:
        """Projected subgradient steps (Polyak, toward ``target``) until ``deadline``;
        return the best (lowest) bound evaluated (its prices: ``best_prices``,
        ``best_mu``)."""
        best = np.inf
        step = 1.0
        stalled = 0
        history: list[float] = []
        while time.monotonic() < deadline:
            bound, gradient, cash_gradient = self.evaluate(prices, mu)
            if bound < best - 1e-9:
                best = bound
                self.best_prices, self.best_mu = prices, mu
                stalled = 0
            else:
                stalled += 1
                if stalled >= 5:
                    step /= 2
                    stalled = 0
            history.append(best)
            if len(history) > PLATEAU_ROUNDS and (
                history[-PLATEAU_ROUNDS - 1] - best < PLATEAU_GAIN * best
            ):
                break
            norm = float(gradient @ gradient)
            if norm <= 1e-12 or step < 1e-4:
                break
            length = step * max(bound - target, 1e-6 * bound) / norm
            prices = np.maximum(0.0, prices - length * gradient)
            # Cash is in other units than slots: a multiplicative step on its own.
            if self.budget > 0:
                share = cash_gradient / self.budget
                mu = max(0.0, mu * float(np.exp(-0.5 * step * share)))
        return best

    def slot_prices(self) -> dict[tuple[int, int], float]:
        """The best bound's price of each (program, miles) ticket slot."""
        return {key: float(self.best_prices[index]) for key, index in self.slots.items()}
