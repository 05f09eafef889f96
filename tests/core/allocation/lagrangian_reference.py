"""The Lagrangian bound's evaluation as it was before it was vectorised (2026-11-26): a
frozen, plain-Python copy of ``LagrangianBound.evaluate`` and the pattern pricing it
called, kept as the reference the faster code must match bit for bit.

Readable rather than fast: per request, per chosen fare and per pledge class, one Python
step each. Not used by the allocator.
"""

from collections import Counter

import numpy as np

from safepassage.core.allocation.instance import Instance
from safepassage.core.allocation.patterns import MAX_CAP, ProgramPatterns, program_patterns


def knapsack(sizes: list[int], values: list[float], capacity: int) -> np.ndarray:
    """Best value of a multiset of ``sizes`` fitting each capacity ``0..capacity``."""
    best = np.zeros(capacity + 1, dtype=np.float64)
    for size, value in zip(sizes, values, strict=True):
        if value <= 0 or size > capacity:
            continue
        rows = -(-(capacity + 1) // size)
        padded = np.full(rows * size, -np.inf)
        padded[: capacity + 1] = best
        grid = padded.reshape(rows, size)
        steps = (np.arange(rows, dtype=np.float64) * value)[:, None]
        grid = np.maximum.accumulate(grid - steps, axis=0) + steps
        best = np.maximum(best, grid.reshape(-1)[: capacity + 1])
    return best


class Choices:
    """For every capacity of a knapsack table, an item that ends a best multiset."""

    def __init__(self, table: np.ndarray, sizes: list[int], values: list[float]) -> None:
        capacity = len(table) - 1
        item = np.full(capacity + 1, -1, dtype=np.int64)
        tolerance = 1e-9 * np.maximum(1.0, table)
        for i, (size, value) in enumerate(zip(sizes, values, strict=True)):
            if value <= 0 or size > capacity:
                continue
            candidate = np.full(capacity + 1, -np.inf)
            candidate[size:] = table[: capacity + 1 - size] + value
            hit = (item < 0) & (candidate >= table - tolerance) & (table > 1e-12)
            item[hit] = i
        positions = np.arange(capacity + 1)
        self.last = np.maximum.accumulate(np.where(item >= 0, positions, -1))
        self.item = item
        self.sizes = sizes

    def pattern(self, capacity: int) -> tuple[tuple[int, int], ...]:
        """A best multiset for ``capacity`` as ((size index, count), ...)."""
        counts: Counter[int] = Counter()
        position = int(self.last[capacity])
        while position > 0:
            choice = int(self.item[position])
            counts[choice] += 1
            position -= self.sizes[choice]
            if position <= 0:
                break
            position = int(self.last[position])
        return tuple(sorted(counts.items()))


class ReferencePricing:
    """One program's unbounded knapsack and traveller-group layers at given values."""

    def __init__(self, shape: ProgramPatterns, values: list[float]) -> None:
        self.shape = shape
        self.values = values
        self.free = knapsack(shape.sizes, values, shape.classes[-1])
        self.choices: Choices | None = None
        self.group_items: list[tuple[tuple[int, ...], int, float]] = []
        self.group_layers: list[np.ndarray] = []

    def limited_values(self) -> np.ndarray:
        """Best pattern value of every class for the bound."""
        shape = self.shape
        best = self.free[shape.classes].copy()
        limits = [cap for cap in shape.class_caps if 0 < cap < MAX_CAP]
        if not limits:
            return best
        layers = self._group_layers(max(limits))
        for class_index, (units, cap) in enumerate(
            zip(shape.classes, shape.class_caps, strict=True)
        ):
            if 0 < cap < MAX_CAP:
                best[class_index] = min(best[class_index], layers[cap][units])
        return best

    def _group_layers(self, count: int) -> list[np.ndarray]:
        if len(self.group_layers) > count:
            return self.group_layers
        shape = self.shape
        capacity = shape.classes[-1]
        candidates: list[tuple[tuple[int, ...], int, float]] = [
            ((i,), size, value)
            for i, (size, value) in enumerate(zip(shape.sizes, self.values, strict=True))
        ]
        for group in shape.groups:
            candidates.append(
                (
                    group,
                    sum(shape.sizes[i] for i in group),
                    float(sum(self.values[i] for i in group)),
                )
            )
        candidates.sort(key=lambda item: (item[1], -item[2]))
        items: list[tuple[tuple[int, ...], int, float]] = []
        for item in candidates:
            if item[2] > 0 and item[1] <= capacity and (not items or item[2] > items[-1][2]):
                items.append(item)
        self.group_items = items
        layers = [np.zeros(capacity + 1)]
        for _ in range(count):
            previous = layers[-1]
            layer = previous.copy()
            for _, size, value in items:
                np.maximum(layer[size:], previous[: capacity + 1 - size] + value, out=layer[size:])
            layers.append(layer)
        self.group_layers = layers
        return layers

    def limited_pattern(self, class_index: int) -> tuple[tuple[int, int], ...]:
        """A best pattern of the class for the bound."""
        shape = self.shape
        cap = shape.class_caps[class_index]
        if not 0 < cap < MAX_CAP:
            return self.relaxed_pattern(class_index)
        layers = self._group_layers(cap)
        capacity = shape.classes[class_index]
        if layers[cap][capacity] >= self.free[capacity] - 1e-9 * max(1.0, self.free[capacity]):
            return self.relaxed_pattern(class_index)
        counts: Counter[int] = Counter()
        layer = cap
        while layer > 0 and capacity > 0:
            here = layers[layer][capacity]
            if here <= 1e-12:
                break
            tolerance = 1e-9 * max(1.0, here)
            if layers[layer - 1][capacity] >= here - tolerance:
                layer -= 1
                continue
            for group, size, value in self.group_items:
                if (
                    size <= capacity
                    and layers[layer - 1][capacity - size] + value >= here - tolerance
                ):
                    counts.update(group)
                    capacity -= size
                    break
            else:
                break
            layer -= 1
        return tuple(sorted(counts.items()))

    def relaxed_pattern(self, class_index: int) -> tuple[tuple[int, int], ...]:
        """A best pattern of the class ignoring its cap."""
        if self.choices is None:
            self.choices = Choices(self.free, self.shape.sizes, self.values)
        return self.choices.pattern(self.shape.classes[class_index])


class ReferenceBound:
    """``LagrangianBound.evaluate`` as it was: one Python step per served request, chosen
    fare and pledge class."""

    def __init__(self, instance: Instance) -> None:
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
                        slot.append(-2)
                        tax.append(0.0)
        self.slot = np.asarray(slot, dtype=np.int64)
        self.tax = np.asarray(tax, dtype=np.float64)
        self.fare_start = np.asarray(fare_start, dtype=np.int64)
        self.option_start = np.asarray(option_start, dtype=np.int64)
        self.option_travellers = np.asarray(option_travellers, dtype=np.float64)
        self.option_weight = np.asarray(option_weight, dtype=np.float64)
        self.request_start = np.asarray(request_start, dtype=np.int64)
        self.budget = float(instance.cash_budget)

    def evaluate(self, prices: np.ndarray, mu: float) -> tuple[float, np.ndarray, float]:
        """(bound, d bound / d prices, d bound / d mu) at ``prices`` and ``mu``."""
        if not len(self.option_start):
            return 0.0, np.zeros(len(self.slots)), 0.0
        extended = np.append(prices, 0.0)
        cost = extended[np.where(self.slot >= 0, self.slot, len(prices))]
        cost = cost + mu * self.tax
        cost[self.slot == -2] = np.inf
        fare_cost = np.minimum.reduceat(cost, self.fare_start)
        option_cost = np.add.reduceat(fare_cost, self.option_start)
        option_value = self.option_weight - self.option_travellers * option_cost
        request_value = np.maximum.reduceat(option_value, self.request_start)
        served = request_value > 0
        total = float(request_value[served].sum()) + mu * self.budget
        gradient = np.zeros(len(self.slots))
        cash_gradient = self.budget
        best_option = np.full(len(request_value), -1, dtype=np.int64)
        ends = np.append(self.request_start[1:], len(option_value))
        for position in np.flatnonzero(served).tolist():
            start, end = int(self.request_start[position]), int(ends[position])
            best_option[position] = start + int(np.argmax(option_value[start:end]))
        fare_ends = np.append(self.fare_start[1:], len(cost))
        option_ends = np.append(self.option_start[1:], len(self.fare_start))
        for option in best_option[best_option >= 0].tolist():
            travellers = self.option_travellers[option]
            for fare in range(int(self.option_start[option]), int(option_ends[option])):
                start, end = int(self.fare_start[fare]), int(fare_ends[fare])
                chosen = start + int(np.argmin(cost[start:end]))
                if self.slot[chosen] >= 0:
                    gradient[self.slot[chosen]] -= travellers
                cash_gradient -= travellers * self.tax[chosen]
        for program, shape in enumerate(self.programs):
            if not shape.classes:
                continue
            values = [float(prices[self.slots[(program, s * shape.unit)]]) for s in shape.sizes]
            pricing = ReferencePricing(shape, values)
            best = pricing.limited_values()
            total += float(np.dot(best, shape.class_counts)) * (1 + 1e-9)
            for class_index, count in enumerate(shape.class_counts):
                if best[class_index] <= 0:
                    continue
                for size_index, used in pricing.limited_pattern(class_index):
                    key = (program, shape.sizes[size_index] * shape.unit)
                    gradient[self.slots[key]] += count * used
        return total, gradient, cash_gradient
