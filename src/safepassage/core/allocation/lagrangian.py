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

It evaluates the sum 100-200 times, so each evaluation is numpy over every request,
fare, pledge class and traveller item at once (0.017 s CPU at 20,000 x 5,000, against
0.104 s for one Python step per request, fare and class). It gives the same bound and
subgradient as those plain loops, bit for bit: tests/core/allocation/
lagrangian_reference.py keeps them, and the tests compare the two.
"""

import time
from dataclasses import dataclass

import numpy as np

from safepassage.core.allocation.instance import Instance
from safepassage.core.allocation.patterns import Knapsacks, ProgramPricing, program_patterns

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
    option_travellers: np.ndarray
    option_weight: np.ndarray
    request_start: np.ndarray
    """First option of each request that has any."""
    payment_fare: np.ndarray
    """Fare of each payment."""
    fare_option: np.ndarray
    """Option of each fare."""
    option_request: np.ndarray
    """Position (in ``request_start``) of each option's request."""
    unpayable: np.ndarray
    """The stand-ins (slot -2) of fares nothing can pay."""
    cost_index: np.ndarray
    """Index of each payment's price in the prices with a 0 appended (cash and unpayable
    fares: the 0)."""


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
        option_travellers: list[float] = []
        option_weight: list[float] = []
        request_start: list[int] = []
        for request in instance.requests:
            options = [option for option in request.options if option.fares]
            if not options:
                continue
            request_start.append(len(option_start))
            for option in options:
                option_start.append(len(fare_start))
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
        slots = np.asarray(slot, dtype=np.int64)
        starts = [
            np.asarray(start, dtype=np.int64) for start in (fare_start, option_start, request_start)
        ]
        self.payments = _Payments(
            slot=slots,
            tax=np.asarray(tax, dtype=np.float64),
            fare_start=starts[0],
            option_start=starts[1],
            option_travellers=np.asarray(option_travellers, dtype=np.float64),
            option_weight=np.asarray(option_weight, dtype=np.float64),
            request_start=starts[2],
            payment_fare=_owners(starts[0], len(slots)),
            fare_option=_owners(starts[1], len(fare_start)),
            option_request=_owners(starts[2], len(option_start)),
            unpayable=np.flatnonzero(slots == -2),
            cost_index=np.where(slots >= 0, slots, len(self.slots)),
        )
        self.budget = float(instance.cash_budget)
        # Supply: every program with classes, its class counts and (size_slots) its
        # slot of each size, padded with the 0 appended to the prices.
        supplied = [program for program, shape in enumerate(self.programs) if shape.classes]
        self.supply = [
            (self.programs[program], np.asarray(self.programs[program].class_counts))
            for program in supplied
        ]
        self.knapsacks = Knapsacks([shape for shape, _ in self.supply])
        self.size_slots = np.full((len(supplied), self.knapsacks.columns), len(self.slots))
        for row, program in enumerate(supplied):
            shape = self.programs[program]
            for column, size in enumerate(shape.sizes):
                self.size_slots[row, column] = self.slots[(program, size * shape.unit)]
        self.best_prices = np.zeros(len(self.slots))
        self.best_mu = 0.0

    def evaluate(self, prices: np.ndarray, mu: float) -> tuple[float, np.ndarray, float]:
        """The bound at slot prices ``prices`` (>= 0) and cash price ``mu`` (>= 0), and a
        subgradient: (bound, d bound / d prices, d bound / d mu)."""
        payments = self.payments
        if not len(payments.option_start):
            return 0.0, np.zeros(len(self.slots)), 0.0
        extended = np.append(prices, 0.0)
        cost = extended[payments.cost_index]
        cost = cost + mu * payments.tax
        cost[payments.unpayable] = np.inf
        fare_cost = np.minimum.reduceat(cost, payments.fare_start)
        option_cost = np.add.reduceat(fare_cost, payments.option_start)
        option_value = payments.option_weight - payments.option_travellers * option_cost
        request_value = np.maximum.reduceat(option_value, payments.request_start)
        served = request_value > 0
        total = float(request_value[served].sum()) + mu * self.budget
        # Demand side: the chosen option of each served request (its first best) and the
        # first cheapest payment of each of its fares.
        best_option = _first_at(
            option_value, request_value, payments.request_start, payments.option_request
        )[served]
        chosen_option = np.zeros(len(option_value), dtype=bool)
        chosen_option[best_option] = True
        fares = np.flatnonzero(chosen_option[payments.fare_option])
        chosen = _first_at(cost, fare_cost, payments.fare_start, payments.payment_fare)[fares]
        travellers = payments.option_travellers[payments.fare_option[fares]]
        paid = payments.slot[chosen]
        miles = paid >= 0
        gradient = np.zeros(len(self.slots))
        gradient -= np.bincount(paid[miles], weights=travellers[miles], minlength=len(self.slots))
        # Taken off one by one in request order, as a running total, so the sum rounds
        # as it always did.
        cash_gradient = float(
            np.subtract.accumulate(np.append(self.budget, travellers * payments.tax[chosen]))[-1]
        )
        # Supply side: every pledge class at its best pattern.
        values = extended[self.size_slots]
        tables = self.knapsacks.tables(values)
        for row, ((shape, counts), free) in enumerate(zip(self.supply, tables, strict=True)):
            sizes = len(shape.sizes)
            pricing = ProgramPricing(shape, values[row, :sizes].tolist(), capped=False, free=free)
            best = pricing.limited_values()
            total += float(np.dot(best, counts)) * (1 + 1e-9)
            tickets = pricing.limited_tickets(np.where(best > 0, counts, 0))
            gradient[self.size_slots[row, :sizes]] += tickets
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


def _owners(starts: np.ndarray, length: int) -> np.ndarray:
    """For each of ``length`` entries, the segment (of those starting at ``starts``) it is
    in."""
    return np.repeat(np.arange(len(starts)), np.diff(np.append(starts, length)))


def _first_at(
    values: np.ndarray, peaks: np.ndarray, starts: np.ndarray, owners: np.ndarray
) -> np.ndarray:
    """Per segment (starting at ``starts``; ``owners``: the segment of each entry) the
    index of its first entry equal to its ``peaks`` entry (its minimum or maximum): what
    argmin or argmax of each slice gives."""
    index = np.arange(len(values))
    return np.minimum.reduceat(np.where(values == peaks[owners], index, len(values)), starts)
