"""The pattern relaxation: a per-program cutting-stock LP solved by column generation.

The pooled model (:mod:`.aggregate`) lets the miles of a program flow freely between
pledges, so a pledge of 9,000 miles can pay half of an 18,000-mile ticket. Here each
pledge instead pays a *pattern*: a multiset of ticket sizes of its program whose miles
fit its balance (Gilmore-Gomory). Pledges of one program with the same usable balance
(balances are rounded down to the greatest common divisor ``g`` of the program's ticket
sizes, which loses nothing) form one *class*. Rows:

- per (program, ticket size ``s``): tickets of size ``s`` paid by the program
  ``<=`` slots of size ``s`` in the chosen patterns;
- per class: patterns chosen ``<=`` pledges in the class;
- the request rows of the pooled model (one option per request, every traveller of every
  fare ticketed, the cash budget, travellers of all-limited programs).

Every real plan gives a solution (each used pledge's tickets are a pattern of its class),
so the LP optimum bounds objective (1). The master's patterns of a limited class hold at
most as many tickets as its limit (a restriction, so that its plans decode); the bound
prices a limited class within its limit counting travellers, not tickets (see
ProgramPricing.limited_values; a relaxation). Patterns are priced by an unbounded
knapsack per program, solved once for every capacity with numpy.

The bound never depends on the column generation having converged: for *any*
non-negative row prices ``w`` (the restricted LP's duals, with each class price raised to
the best pattern value the knapsack finds for it), weak duality gives the upper bound
``sum(rhs * w) + sum(upper_j * max(0, reduced cost_j))`` over the request columns, which
:func:`PatternSession.dual_bound` computes from scratch. It equals the LP optimum once no
pattern prices out.
"""

import math
import os
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import combinations
from math import gcd

import numpy as np

from safepassage.core.allocation.highs_model import INFINITY, SEED, HighsSession, ModelBuilder
from safepassage.core.allocation.instance import Instance
from safepassage.core.allocation.packing import CASH, Assignment

NO_UPPER = 1e30

Pattern = tuple[int, int, tuple[tuple[int, int], ...]]
"""(program, class index, ((size index, count), ...))."""


class ProgramArrays:
    """A program's classes and its traveller items (every single ticket and traveller
    group, see traveller_groups: what one traveller can take from one pledge) as arrays,
    built once per program, so pricing it at new values is numpy over all of them.

    Items are numbered singles first (size index order), then groups (in ``groups``
    order), and kept sorted by size in that order, so that :meth:`best` picks among equal
    items the one a stable sort by (size, -value) of that list picks.
    """

    def __init__(
        self, sizes: list[int], groups: list[tuple[int, ...]], classes: list[int], caps: list[int]
    ) -> None:
        self.class_units = np.asarray(classes, dtype=np.int64)
        self.class_caps = np.asarray(caps, dtype=np.int64)
        self.limited = (self.class_caps > 0) & (self.class_caps < MAX_CAP)
        """Classes priced within their traveller limit (see ProgramPricing.limited_values)."""
        self.reach = int(self.class_units[self.limited].max()) if self.limited.any() else 0
        """Largest balance of a limited class: the traveller layers go no further."""
        self.ticket_sizes = np.asarray(sizes, dtype=np.int64)
        self.members: list[tuple[int, ...]] = [(i,) for i in range(len(sizes))] + list(groups)
        """Size indexes of each item."""
        width = max(len(members) for members in self.members) if self.members else 1
        padded = np.full((len(self.members), width), len(sizes), dtype=np.int64)
        for row, members in enumerate(self.members):
            padded[row, : len(members)] = members
        # Column by column (padded with a size worth 0), so each value is summed as
        # sum() summed it (see _float_sums).
        self.columns = [padded[:, column].copy() for column in range(width)]
        item_sizes = np.append(self.ticket_sizes, 0)[padded].sum(axis=1)
        self.order = np.argsort(item_sizes, kind="stable")
        ordered = item_sizes[self.order]
        self.bucket_starts = np.flatnonzero(np.diff(ordered, prepend=-1))
        """First position (in ``order``) of each distinct item size."""
        self.bucket_sizes = ordered[self.bucket_starts]
        self.bucket_lengths = np.diff(np.append(self.bucket_starts, len(ordered)))
        self.positions = np.arange(len(ordered))
        counts = np.zeros((len(self.members), len(sizes) + 1), dtype=np.int64)
        np.add.at(counts, (np.arange(len(self.members))[:, None], padded), 1)
        self.counts = counts[:, : len(sizes)]
        """Tickets of each size index in each item."""

    def best(self, values: np.ndarray, capacity: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The items worth taking when the sizes are worth ``values``: (item, size,
        value) of each item that fits ``capacity`` and is worth more than 0 and more than
        every item no larger (of equal ones, the first), ascending in size and value."""
        if not len(self.order):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        extended = np.append(np.asarray(values, dtype=np.float64), 0.0)
        value = _float_sums(extended, self.columns)
        ordered = value[self.order]
        peak = np.maximum.reduceat(ordered, self.bucket_starts)
        first = np.minimum.reduceat(
            np.where(ordered == np.repeat(peak, self.bucket_lengths), self.positions, len(ordered)),
            self.bucket_starts,
        )
        below = np.append(-np.inf, np.maximum.accumulate(peak)[:-1])
        keep = (peak > 0) & (self.bucket_sizes <= capacity) & (peak > below)
        return self.order[first[keep]], self.bucket_sizes[keep], peak[keep]


def _float_sums(values: np.ndarray, columns: list[np.ndarray]) -> np.ndarray:
    """``sum(values[i] for i in row)`` for every row of index ``columns``, bit for bit as
    Python's sum() of floats gives it (since 3.12 with Neumaier's compensation: a running
    sum, the rounding error of each addition kept aside and added once at the end).
    Trailing indexes of values worth 0 change nothing."""
    total = values[columns[0]]
    compensation = np.zeros(len(total))
    for column in columns[1:]:
        value = values[column]
        running = total + value
        compensation += np.where(
            np.abs(total) >= np.abs(value), (total - running) + value, (value - running) + total
        )
        total = running
    kept = (compensation != 0) & np.isfinite(compensation)
    sums: np.ndarray = np.where(kept, total + compensation, total)
    return sums


@dataclass(slots=True)
class ProgramPatterns:
    """One program's sizes (in units of ``unit`` miles), size rows and pledge classes."""

    unit: int
    sizes: list[int]
    """Distinct ticket sizes in units, ascending."""
    size_rows: list[int]
    classes: list[int]
    """Usable balance of each class in units, ascending."""
    class_caps: list[int]
    """Most tickets a pattern of the class may hold (0: no limit); see class_key."""
    class_counts: list[int]
    class_rows: list[int]
    groups: list[tuple[int, ...]] = field(default_factory=list)
    """Size indexes of the tickets one traveller can take from one pledge of the program
    on one option (its fares the program can pay, two or more): see traveller_groups."""
    cached: ProgramArrays | None = field(default=None, init=False, repr=False, compare=False)
    """See arrays()."""

    def arrays(self) -> ProgramArrays:
        """The program's classes, singles and groups as arrays, built on first use."""
        if self.cached is None:
            self.cached = ProgramArrays(self.sizes, self.groups, self.classes, self.class_caps)
        return self.cached


@dataclass(slots=True)
class PatternModel:
    """The built restricted master and where each request, option and fare lives in it."""

    model: ModelBuilder
    base_columns: int
    """Columns before the first pattern: options, payments and cash tickets."""
    option_columns: tuple[tuple[int, ...], ...]
    payment_columns: tuple[tuple[tuple[tuple[tuple[int, ...], int], ...], ...], ...]
    """Per request, per option, per fare: (payment columns, cash column or -1)."""
    programs: list[ProgramPatterns]
    upper_rows: list[int]
    """Rows of the form ``a x <= rhs`` (all except the fare rows, which are ``= 0``)."""
    budget_row: int
    patterns: list[tuple[int, int, tuple[tuple[int, int], ...]]] = field(default_factory=list)
    """Per pattern column (in order): (program, class index, ((size index, count), ...))."""


def _program_shapes(instance: Instance) -> list[tuple[int, list[int]]]:
    sizes: list[set[int]] = [set() for _ in instance.programs]
    for request in instance.requests:
        for option in request.options:
            for fare in option.fares:
                for program, miles, _ in fare.payments:
                    sizes[program].add(miles)
    shapes = []
    for values in sizes:
        unit = 0
        for miles in values:
            unit = gcd(unit, miles)
        shapes.append((max(unit, 1), sorted(miles // max(unit, 1) for miles in values)))
    return shapes


def traveller_groups(
    instance: Instance, shapes: list[tuple[int, list[int]]]
) -> list[list[tuple[int, ...]]]:
    """Per program, every multiset (sorted size indexes) of two or more tickets that one
    traveller could take from one pledge: the fares of one option that the program can
    pay, or any two or more of them.

    A pledge limited to ``L`` travellers pays at most ``L`` such groups or single
    tickets (each traveller flies one option and has one ticket per fare), which lets the
    bound respect traveller limits without assuming one ticket per traveller.
    """
    found: list[set[tuple[int, ...]]] = [set() for _ in shapes]
    index = [{size: i for i, size in enumerate(sizes)} for _, sizes in shapes]
    for request in instance.requests:
        for option in request.options:
            if len(option.fares) < 2:
                continue
            per_program: dict[int, list[int]] = {}
            for fare in option.fares:
                for program, miles, _ in fare.payments:
                    unit = shapes[program][0]
                    per_program.setdefault(program, []).append(index[program][miles // unit])
            for program, sizes in per_program.items():
                for count in range(2, len(sizes) + 1):
                    for chosen in combinations(sizes, count):
                        found[program].add(tuple(sorted(chosen)))
    return [sorted(groups) for groups in found]


def program_patterns(
    instance: Instance, new_row: Callable[[float], int] | None = None
) -> list[ProgramPatterns]:
    """Every program's ticket sizes and pledge classes; ``new_row(rhs)`` allocates the
    size rows (rhs 0) and class rows (rhs: pledges in the class), if rows are wanted."""
    programs: list[ProgramPatterns] = []
    shapes = _program_shapes(instance)
    groups = traveller_groups(instance, shapes)
    for program, (unit, sizes) in enumerate(shapes):
        counts: Counter[tuple[int, int]] = Counter(
            key
            for k, owner in enumerate(instance.pledge_program)
            if owner == program and (key := class_key(instance, k, unit, sizes)) is not None
        )
        classes = sorted(counts)
        programs.append(
            ProgramPatterns(
                unit=unit,
                sizes=sizes,
                size_rows=[new_row(0.0) for _ in sizes] if new_row else [],
                classes=[units for units, _ in classes],
                class_caps=[cap for _, cap in classes],
                class_counts=[counts[c] for c in classes],
                class_rows=[new_row(float(counts[c])) for c in classes] if new_row else [],
                groups=groups[program],
            )
        )
    return programs


def build_pattern_model(
    instance: Instance,
    *,
    prices: dict[tuple[int, int], float] | None = None,
    allowed: Callable[[int, int, int], Collection[int] | None] | None = None,
) -> PatternModel:
    """Build the restricted master with, per class, the pattern that fills it best and
    (if ``prices`` of tickets by (program, miles) are given) the one worth most.

    ``allowed(request, option, fare)``, if given, lists the indexes of the fare's
    payments the model may use (None closes the option; its columns are -1). The model
    is then a restriction: its plans are valid, its bound is not a bound of the problem.
    """
    model = ModelBuilder()
    upper_rows: list[int] = []

    def upper_row(rhs: float) -> int:
        row = model.add_row(-NO_UPPER, rhs)
        upper_rows.append(row)
        return row

    programs = program_patterns(instance, upper_row)
    traveller_rows = []
    for program in range(len(instance.programs)):
        limits = [
            limit
            for limit, owner in zip(instance.pledge_limit, instance.pledge_program, strict=True)
            if owner == program
        ]
        bounded = bool(limits) and all(limit < 1 << 30 for limit in limits)
        traveller_rows.append(upper_row(float(sum(limits))) if bounded else -1)
    budget_row = upper_row(float(instance.cash_budget))
    size_index = [{size: i for i, size in enumerate(shape.sizes)} for shape in programs]
    option_columns = []
    payment_columns = []
    for request_index, request in enumerate(instance.requests):
        permitted = [
            [
                range(len(fare.payments))
                if allowed is None
                else allowed(request_index, option_index, fare_index)
                for fare_index, fare in enumerate(option.fares)
            ]
            for option_index, option in enumerate(request.options)
        ]
        open_options = [all(p is not None for p in fares) for fares in permitted]
        choice_row = upper_row(1.0) if sum(open_options) > 1 else -1
        columns_of_request = []
        payments_of_request = []
        for option, is_open, fares_permitted in zip(
            request.options, open_options, permitted, strict=True
        ):
            if not is_open:
                columns_of_request.append(-1)
                payments_of_request.append(
                    tuple(((-1,) * len(fare.payments), -1) for fare in option.fares)
                )
                continue
            fare_rows = [model.add_row(0.0, 0.0) for _ in option.fares]
            entries = [(row, -float(request.travellers)) for row in fare_rows]
            if choice_row >= 0:
                entries.append((choice_row, 1.0))
            columns_of_request.append(model.add_column(request.weight, 1.0, entries))
            share = 1.0 / len(option.fares)
            per_fare = []
            for fare, fare_row, fare_permitted in zip(
                option.fares, fare_rows, fares_permitted, strict=True
            ):
                columns = []
                for payment_index, (program, miles, tax) in enumerate(fare.payments):
                    if fare_permitted is None or payment_index not in fare_permitted:
                        columns.append(-1)
                        continue
                    shape = programs[program]
                    row = shape.size_rows[size_index[program][miles // shape.unit]]
                    entries = [(fare_row, 1.0), (row, 1.0)]
                    if tax:
                        entries.append((budget_row, float(tax)))
                    if traveller_rows[program] >= 0:
                        entries.append((traveller_rows[program], share))
                    columns.append(model.add_column(0.0, float(request.travellers), entries))
                cash = -1
                if fare.cash_price is not None and fare.cash_price <= instance.cash_budget:
                    cash = model.add_column(
                        0.0,
                        float(request.travellers),
                        [(fare_row, 1.0), (budget_row, float(fare.cash_price))],
                    )
                per_fare.append((tuple(columns), cash))
            payments_of_request.append(tuple(per_fare))
        option_columns.append(tuple(columns_of_request))
        payment_columns.append(tuple(payments_of_request))
    pattern_model = PatternModel(
        model=model,
        base_columns=model.num_columns,
        option_columns=tuple(option_columns),
        payment_columns=tuple(payment_columns),
        programs=programs,
        upper_rows=upper_rows,
        budget_row=budget_row,
    )
    for program, shape in enumerate(programs):
        if not shape.classes:
            continue
        value_sets = [[float(size) for size in shape.sizes]]
        if prices:
            value_sets.append([prices.get((program, s * shape.unit), 0.0) for s in shape.sizes])
        seen: set[tuple[int, tuple[tuple[int, int], ...]]] = set()
        for values in value_sets:
            pricing = ProgramPricing(shape, values)
            for class_index in range(len(shape.classes)):
                pattern = pricing.pattern(class_index)
                if pattern and (class_index, pattern) not in seen:
                    seen.add((class_index, pattern))
                    _add_pattern(pattern_model, program, class_index, pattern)
    return pattern_model


MAX_CAP = 8
"""Largest ticket cap of a limited class (a restriction beyond it; see class_key)."""


def class_key(
    instance: Instance, pledge: int, unit: int, sizes: list[int]
) -> tuple[int, int] | None:
    """(usable balance in units, ticket cap) of a pledge, or None if it fits no ticket.

    A pledge limited to ``L`` travellers gets patterns of at most ``min(L, MAX_CAP)``
    tickets, so any way of giving its tickets to travellers respects the limit (the
    master's plans always decode). Pledges that could not hold more tickets than their
    limit anyway count as unlimited (cap 0). The bound does not rely on caps: it prices
    every class without them (see PatternSession.evaluate).
    """
    if not sizes:
        return None
    units = instance.pledge_miles[pledge] // unit
    fits = units // sizes[0]
    if fits == 0:
        return None
    limit = instance.pledge_limit[pledge]
    return units, (0 if limit >= fits else min(limit, MAX_CAP))


class ProgramPricing:
    """Knapsack tables of one program at given size values: unbounded, and with at most
    ``k`` tickets for every cap ``k`` of its classes."""

    def __init__(
        self,
        shape: ProgramPatterns,
        values: list[float],
        *,
        capped: bool = True,
        free: np.ndarray | None = None,
    ) -> None:
        """``free``: the unbounded table at ``values``, if already made (:class:`Knapsacks`)."""
        self.shape = shape
        self.values = values
        capacity = shape.classes[-1]
        self.free = knapsack(shape.sizes, values, capacity) if free is None else free
        self.choices: Choices | None = None
        self.group_layers = np.zeros((0, 0))
        empty = np.zeros(0, dtype=np.int64)
        self.group_ids, self.group_sizes, self.group_values = empty, empty, np.zeros(0)
        """The traveller items of the layers (see ProgramArrays.best)."""
        self.layers: list[np.ndarray] = [np.zeros(capacity + 1)]
        self.weights = np.asarray(shape.sizes, dtype=np.int64)
        self.gains = np.asarray(values, dtype=np.float64)
        useful = [
            (size, value)
            for size, value in zip(shape.sizes, values, strict=True)
            if value > 0 and size <= capacity
        ]
        for _ in range(max(shape.class_caps, default=0) if capped else 0):
            previous = self.layers[-1]
            layer = previous.copy()
            for size, value in useful:
                np.maximum(layer[size:], previous[: capacity + 1 - size] + value, out=layer[size:])
            self.layers.append(layer)

    def limited_values(self) -> np.ndarray:
        """Best pattern value of every class, for the bound: within its traveller limit
        where the limit is known exactly (``0 < cap < MAX_CAP``), counting each traveller
        as one ticket or one of the program's traveller groups; otherwise uncapped. A
        relaxation of every real plan, tighter than ignoring limits."""
        arrays = self.shape.arrays()
        best = self.free[arrays.class_units]
        if not arrays.limited.any():
            return best
        caps = arrays.class_caps[arrays.limited]
        layers = self._group_layers(int(caps.max()))
        best[arrays.limited] = np.minimum(
            best[arrays.limited], layers[caps, arrays.class_units[arrays.limited]]
        )
        return best

    def _group_layers(self, count: int) -> np.ndarray:
        """``layers[k][c]``: best value of at most ``k`` travellers' tickets (single
        tickets or groups) within capacity ``c``, up to the largest limited class.

        Each layer takes, at every capacity, the best of the layer below and of every
        item added to it there: one gather over every (capacity, item that fits it)
        pair, not a loop over items (about 200 of them per program at 20,000 x 5,000)."""
        if len(self.group_layers) > count:
            return self.group_layers
        arrays = self.shape.arrays()
        reach = arrays.reach
        # Only items no smaller-or-equal item beats are ever needed (each counts as one
        # traveller whatever its size).
        self.group_ids, self.group_sizes, self.group_values = arrays.best(self.gains, reach)
        sizes = self.group_sizes
        layers = np.zeros((count + 1, reach + 1))
        if not len(sizes):
            self.group_layers = layers
            return layers
        # From the smallest item's size on, capacity c has the items of size <= c (they
        # are in ascending size): its pairs are one segment of the gather.
        smallest = int(sizes[0])
        capacities = np.arange(smallest, reach + 1)
        fitting = np.searchsorted(sizes, capacities, side="right")
        starts = np.cumsum(fitting) - fitting
        item = np.arange(int(fitting.sum())) - np.repeat(starts, fitting)
        source = np.repeat(capacities, fitting) - sizes[item]
        gain = self.group_values[item]
        if count:
            # One traveller: the last item that fits (the items grow in value with size),
            # what the gather below would give.
            layers[1, smallest:] = self.group_values[fitting - 1]
        for layer in range(2, count + 1):
            previous = layers[layer - 1]
            added = previous[source]
            added += gain
            layers[layer] = previous
            np.maximum(
                previous[smallest:],
                np.maximum.reduceat(added, starts),
                out=layers[layer, smallest:],
            )
        self.group_layers = layers
        return layers

    def limited_pattern(self, class_index: int) -> tuple[tuple[int, int], ...]:
        """A best pattern of the class for the bound (see :meth:`limited_values`)."""
        shape = self.shape
        cap = shape.class_caps[class_index]
        if not 0 < cap < MAX_CAP:
            return self.relaxed_pattern(class_index)
        layers = self._group_layers(cap)
        capacity = shape.classes[class_index]
        if layers[cap][capacity] >= self.free[capacity] - 1e-9 * max(1.0, self.free[capacity]):
            return self.relaxed_pattern(class_index)
        members = shape.arrays().members
        items = list(
            zip(
                self.group_ids.tolist(),
                self.group_sizes.tolist(),
                self.group_values.tolist(),
                strict=True,
            )
        )
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
            for item, size, value in items:
                if (
                    size <= capacity
                    and layers[layer - 1][capacity - size] + value >= here - tolerance
                ):
                    counts.update(members[item])
                    capacity -= size
                    break
            else:
                break
            layer -= 1
        return tuple(sorted(counts.items()))

    def limited_tickets(self, weights: np.ndarray) -> np.ndarray:
        """Tickets of each size in the classes' :meth:`limited_pattern`, each class's
        counted ``weights[class]`` times (0: not at all): the same walks, numpy over all
        classes at once."""
        arrays = self.shape.arrays()
        tickets = np.zeros(len(self.shape.sizes))
        chosen = weights != 0
        if not chosen.any():
            return tickets
        grouped = chosen & arrays.limited
        if grouped.any():
            caps = arrays.class_caps[grouped]
            layers = self._group_layers(int(caps.max()))
            units = arrays.class_units[grouped]
            free = self.free[units]
            top = layers[caps, units]
            walk = top < free - 1e-9 * np.maximum(1.0, free)
            grouped[np.flatnonzero(grouped)[~walk]] = False
            if walk.any():
                tickets += self._group_walks(layers, caps[walk], units[walk], weights[grouped])
        relaxed = chosen & ~grouped
        if relaxed.any():
            tickets += self._free_walks(arrays.class_units[relaxed], weights[relaxed])
        return tickets

    def _group_walks(
        self, layers: np.ndarray, caps: np.ndarray, units: np.ndarray, weights: np.ndarray
    ) -> np.ndarray:
        """:meth:`limited_pattern`'s walk down the traveller layers, for many classes."""
        counts = self.shape.arrays().counts
        tickets = np.zeros(counts.shape[1])
        layer, capacity, weight = caps, units, weights
        sizes, values = self.group_sizes, self.group_values
        while len(layer):
            active = (layer > 0) & (capacity > 0)
            here = layers[layer, capacity]
            active &= here > 1e-12
            layer, capacity, weight, here = (
                layer[active],
                capacity[active],
                weight[active],
                here[active],
            )
            if not len(layer):
                break
            floor = here - 1e-9 * np.maximum(1.0, here)
            below = layers[layer - 1]
            down = below[np.arange(len(layer)), capacity] >= floor
            step = ~down
            if step.any():
                rows = np.flatnonzero(step)
                room = capacity[rows][:, None] - sizes[None, :]
                fits = room >= 0
                reached = below[rows[:, None], np.where(fits, room, 0)] + values[None, :]
                hit = fits & (reached >= floor[rows][:, None])
                found = hit.any(axis=1)
                item = hit.argmax(axis=1)
                tickets += weight[rows[found]] @ counts[self.group_ids[item[found]]]
                capacity[rows[found]] -= sizes[item[found]]
                # No item reaches the value (rounding): the walk ends there.
                layer[rows[~found]] = 0
            layer = layer - 1
        return tickets

    def _free_walks(self, units: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """:meth:`relaxed_pattern` (the :class:`Choices` walk) for many classes."""
        if self.choices is None:
            self.choices = Choices(self.free, self.shape.sizes, self.values)
        last, item = self.choices.last, self.choices.item
        sizes = self.shape.arrays().ticket_sizes
        tickets = np.zeros(len(sizes))
        position, weight = last[units], weights
        while True:
            active = position > 0
            position, weight = position[active], weight[active]
            if not len(position):
                return tickets
            choice = item[position]
            tickets += np.bincount(choice, weights=weight, minlength=len(sizes))
            position = position - sizes[choice]
            position = np.where(position > 0, last[np.maximum(position, 0)], 0)

    def relaxed_value(self, class_index: int) -> float:
        """Best pattern value of the class ignoring its cap (for the bound)."""
        return float(self.free[self.shape.classes[class_index]])

    def capped_values(self) -> np.ndarray:
        """Best pattern value of every class within its cap."""
        shape = self.shape
        return np.asarray(
            [
                self.free[units] if cap == 0 else self.layers[cap][units]
                for units, cap in zip(shape.classes, shape.class_caps, strict=True)
            ],
            dtype=np.float64,
        )

    def relaxed_pattern(self, class_index: int) -> tuple[tuple[int, int], ...]:
        """A best pattern of the class ignoring its cap."""
        if self.choices is None:
            self.choices = Choices(self.free, self.shape.sizes, self.values)
        return self.choices.pattern(self.shape.classes[class_index])

    def pattern(self, class_index: int) -> tuple[tuple[int, int], ...]:
        """A best pattern of the class within its cap."""
        shape = self.shape
        capacity = shape.classes[class_index]
        cap = shape.class_caps[class_index]
        if cap == 0:
            return self.relaxed_pattern(class_index)
        counts: Counter[int] = Counter()
        layer = cap
        while layer > 0 and capacity > 0:
            here = self.layers[layer][capacity]
            tolerance = 1e-9 * max(1.0, here)
            if here <= 1e-12:
                break
            if self.layers[layer - 1][capacity] >= here - tolerance:
                layer -= 1
                continue
            fits = self.weights <= capacity
            candidates = np.where(
                fits & (self.gains > 0),
                self.layers[layer - 1][np.maximum(capacity - self.weights, 0)] + self.gains,
                -np.inf,
            )
            choice = int(np.argmax(candidates))
            if candidates[choice] < here - 1e-7 * max(1.0, here):
                break
            counts[choice] += 1
            capacity -= shape.sizes[choice]
            layer -= 1
        return tuple(sorted(counts.items()))


def _add_pattern(
    model: PatternModel, program: int, class_index: int, pattern: tuple[tuple[int, int], ...]
) -> int:
    shape = model.programs[program]
    entries = [(shape.class_rows[class_index], 1.0)]
    entries.extend((shape.size_rows[i], -float(count)) for i, count in pattern)
    column = model.model.add_column(
        0.0, float(shape.class_counts[class_index]), entries, integer=True
    )
    model.patterns.append((program, class_index, pattern))
    return column


def knapsack(sizes: list[int], values: list[float], capacity: int) -> np.ndarray:
    """Best value of a multiset of ``sizes`` fitting each capacity ``0..capacity``
    (unbounded knapsack; items with value <= 0 are skipped)."""
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


class Knapsacks:
    """The :func:`knapsack` tables of several programs at once, for pricing them all at
    new values again and again (the Lagrangian bound): one numpy step per distinct ticket
    size over every program that has it, instead of one per program and size.

    Each program's table is the one :func:`knapsack` gives, bit for bit: the same sizes
    in the same (ascending) order, the same sums and maxima per entry. The tables share
    one width (the largest capacity); what lies beyond a program's own capacity only
    ever feeds larger capacities, so it never reaches the part that is returned.
    """

    def __init__(self, shapes: list[ProgramPatterns]) -> None:
        self.capacities = [shape.classes[-1] for shape in shapes]
        self.width = max(self.capacities, default=-1) + 1
        self.columns = max((len(shape.sizes) for shape in shapes), default=0)
        self.steps: list[tuple[int, int, np.ndarray, np.ndarray]] = []
        """Per distinct size: (size, rows of its grid, column of the size in each
        program's values (0 where absent), whether the program has it within capacity)."""
        for size in sorted({size for shape in shapes for size in shape.sizes}):
            column = np.zeros(len(shapes), dtype=np.int64)
            present = np.zeros(len(shapes), dtype=bool)
            for program, (shape, capacity) in enumerate(zip(shapes, self.capacities, strict=True)):
                if size in shape.sizes and size <= capacity:
                    column[program] = shape.sizes.index(size)
                    present[program] = True
            if present.any():
                self.steps.append((size, -(-self.width // size), column, present))

    def tables(self, values: np.ndarray) -> list[np.ndarray]:
        """Each program's table at ``values`` (programs x sizes, in each program's size
        order; items with value <= 0 are skipped)."""
        programs = len(self.capacities)
        best = np.zeros((programs, self.width))
        everyone = np.arange(programs)
        for size, rows, column, present in self.steps:
            value = values[everyone, column]
            use = present & (value > 0)
            if not use.any():
                continue
            padded = np.full((programs, rows * size), -np.inf)
            padded[:, : self.width] = best
            steps = (np.arange(rows, dtype=np.float64)[None, :] * value[:, None])[:, :, None]
            grid = padded.reshape(programs, rows, size) - steps
            _running_max(grid)
            grid += steps
            np.maximum(
                best, grid.reshape(programs, -1)[:, : self.width], out=best, where=use[:, None]
            )
        return [best[program, : capacity + 1] for program, capacity in enumerate(self.capacities)]


DOUBLING_ROWS = 24
"""Up to this many rows a running maximum by doubling beats numpy's accumulate (which
does not vectorise: ~60 us against ~30 us for 12 programs' grids of 7 rows)."""


def _running_max(grid: np.ndarray) -> None:
    """Replace each row of ``grid`` (programs x rows x size) by the maximum of it and
    the rows before it, in place. The same values either way (a maximum is exact)."""
    rows = grid.shape[1]
    if rows > DOUBLING_ROWS:
        np.maximum.accumulate(grid, axis=1, out=grid)
        return
    step = 1
    while step < rows:
        np.maximum(grid[:, step:], grid[:, :-step], out=grid[:, step:])
        step *= 2


class Choices:
    """For every capacity of a :func:`knapsack` table, an item that ends a best multiset
    (or where to skip to when the last unit is left empty), to rebuild patterns fast."""

    def __init__(self, table: np.ndarray, sizes: list[int], values: list[float]) -> None:
        capacity = len(table) - 1
        weights = np.asarray(sizes, dtype=np.int64)
        gains = np.asarray(values, dtype=np.float64)
        usable = np.flatnonzero((gains > 0) & (weights <= capacity))
        item = np.full(capacity + 1, -1, dtype=np.int64)
        if len(usable):
            # Every usable item at every capacity at once; the first that hits wins.
            shift = np.arange(capacity + 1)[None, :] - weights[usable][:, None]
            fits = shift >= 0
            candidate = table[np.where(fits, shift, 0)] + gains[usable][:, None]
            tolerance = 1e-9 * np.maximum(1.0, table)
            hit = fits & (candidate >= table - tolerance) & (table > 1e-12)
            found = hit.any(axis=0)
            item[found] = usable[hit.argmax(axis=0)[found]]
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


class PatternSession:
    """The restricted master in HiGHS, re-solved (warm) as patterns are added."""

    def __init__(self, model: PatternModel) -> None:
        self.model = model
        builder = model.model
        base = model.base_columns
        self.session = HighsSession(builder, integer=False)
        self.cost = np.asarray(builder.cost[:base], dtype=np.float64)
        self.upper = np.asarray(builder.upper[:base], dtype=np.float64)
        end = builder.starts[base]
        self.index = np.asarray(builder.rows[:end], dtype=np.int64)
        self.values = np.asarray(builder.values[:end], dtype=np.float64)
        self.column_of = np.repeat(np.arange(base), np.diff(np.asarray(builder.starts[: base + 1])))
        self.rhs = np.zeros(len(builder.row_upper), dtype=np.float64)
        self.is_upper = np.zeros(len(builder.row_upper), dtype=bool)
        self.is_upper[model.upper_rows] = True
        self.rhs[model.upper_rows] = np.asarray(builder.row_upper, dtype=np.float64)[
            model.upper_rows
        ]
        self.objective = INFINITY
        self.primal: list[float] | None = None
        self.relaxed = False
        """Whether pricing may also add patterns holding more of a limited pledge's tickets
        than its cap (legs of one traveller paid together): the LP then comes down to
        the bound's relaxation, but its patterns no longer all decode into plans, so it
        is set only once the master's plans are made."""

    def solve(self, time_limit: float) -> list[float] | None:
        """Solve the restricted LP; return its row duals (None if not solved)."""
        result = self.session.run(time_limit=time_limit)
        if self.session.num_columns == 0:
            # Nothing to choose (every option closed): HiGHS is not even called.
            self.objective = 0.0
            self.primal = []
            return [0.0] * len(self.rhs)
        if not result.optimal or result.row_duals is None:
            return None
        self.objective = result.objective
        self.primal = result.values
        return result.row_duals

    def prices_of(self, duals: list[float]) -> np.ndarray:
        """Row prices from HiGHS duals: non-negative on ``<=`` rows, free on fare rows."""
        raw = np.asarray(duals, dtype=np.float64)
        return np.where(self.is_upper, np.abs(raw), raw)

    def evaluate(self, prices: np.ndarray) -> tuple[float, list[Pattern]]:
        """The proven bound at ``prices`` and each class's best pattern there (if it
        prices out)."""
        point = prices.copy()
        found: list[Pattern] = []
        for program, shape in enumerate(self.model.programs):
            if not shape.classes:
                continue
            pricing = ProgramPricing(shape, [float(point[row]) for row in shape.size_rows])
            rows = shape.class_rows
            capped = pricing.capped_values() * (1 + 1e-9)
            # The bound prices every class within its traveller limit only (a relaxation).
            limited = pricing.limited_values() * (1 + 1e-9)
            pricing_out = np.flatnonzero(capped > point[rows] + 1e-7)
            for class_index in pricing_out.tolist():
                pattern = pricing.pattern(class_index)
                if pattern:
                    found.append((program, class_index, pattern))
            if self.relaxed:
                # Patterns the master's plans cannot use (more tickets than the cap; see
                # the ``relaxed`` attribute) but the bound's relaxation allows.
                grouped = np.flatnonzero((limited > capped + 1e-7) & (limited > point[rows] + 1e-7))
                for class_index in grouped.tolist():
                    pattern = pricing.limited_pattern(class_index)
                    if pattern:
                        found.append((program, class_index, pattern))
            point[rows] = np.maximum(point[rows], limited)
        reduced = self.cost - np.bincount(
            self.column_of, weights=self.values * point[self.index], minlength=len(self.cost)
        )
        bound = float(self.rhs @ point + self.upper @ np.maximum(reduced, 0.0))
        return bound, found

    def reduced_cost(self, prices: np.ndarray, pattern: Pattern) -> float:
        """A pattern column's reduced cost at ``prices`` (positive: it improves the LP)."""
        program, class_index, items = pattern
        shape = self.model.programs[program]
        value = sum(count * float(prices[shape.size_rows[i]]) for i, count in items)
        return value - float(prices[shape.class_rows[class_index]])

    def add(self, patterns: list[Pattern]) -> None:
        """Add pattern columns to the master."""
        if patterns:
            self._add(patterns)

    def _add(self, columns: list[tuple[int, int, tuple[tuple[int, int], ...]]]) -> None:
        builder = self.model.model
        first = builder.num_columns
        for program, class_index, pattern in columns:
            _add_pattern(self.model, program, class_index, pattern)
        start = builder.starts[first]
        starts = np.asarray(builder.starts[first:-1], dtype=np.int32) - start
        self.session.highs.addCols(
            builder.num_columns - first,
            np.zeros(builder.num_columns - first),
            np.zeros(builder.num_columns - first),
            np.asarray(builder.upper[first:], dtype=np.float64),
            len(builder.rows) - start,
            starts,
            np.asarray(builder.rows[start:], dtype=np.int32),
            np.asarray(builder.values[start:], dtype=np.float64),
        )
        self.session.num_columns = builder.num_columns
        self.session.integer_flags = list(builder.integer)


SMOOTHING = 0.3
"""Weight of the best prices so far when pricing (Wentges smoothing: fewer rounds)."""


def generate_patterns(
    session: PatternSession, *, deadline: float, tolerance: float = 1e-4, integral: bool = False
) -> tuple[float, bool]:
    """Column generation until no pattern prices out (or the bound meets the restricted
    LP within ``tolerance``, or ``deadline``); return the best proven bound found and
    whether it converged.

    Patterns are priced at a mix of the current duals and the prices that gave the best
    bound so far (smoothing); only when that finds nothing new are the current duals
    priced alone. Every price vector priced gives a proven bound.
    """
    bound = INFINITY
    center: np.ndarray | None = None
    while time.monotonic() < deadline:
        duals = session.solve(deadline - time.monotonic())
        if duals is None:
            break
        current = session.prices_of(duals)
        points = (
            [current]
            if center is None
            else [
                SMOOTHING * center + (1 - SMOOTHING) * current,
                current,
            ]
        )
        added: list[Pattern] = []
        for point in points:
            point_bound, found = session.evaluate(point)
            if point_bound < bound:
                bound, center = point_bound, point
            added = [p for p in found if session.reduced_cost(current, p) > 1e-7]
            if added:
                break
        close = bound - session.objective <= tolerance * max(1.0, bound)
        if integral and close:
            # Whole-number objectives: the bound is rounded down, so go on until more
            # rounds could not lower it past the LP (2,109.07 -> 2,108.92 at 2,000 x 500).
            close = math.floor(bound + 1e-6) <= math.floor(session.objective + 1e-6)
        if not added or close:
            return bound, True
        session.add(added)
    return bound, False


def decode_master(instance: Instance, model: PatternModel, values: list[float]) -> list[Assignment]:
    """Turn an integer solution of the master into tickets per traveller.

    Each chosen pattern goes to one pledge of its class (those that expire sooner
    first); each ticket then takes a slot of its program and size. A limited pledge's
    patterns hold no more tickets than its limit, so every assignment is valid; the
    caller still commits them through :class:`~.packing.PackingState`, which refuses any
    that would break a rule.
    """
    members: list[dict[tuple[int, int], list[int]]] = [{} for _ in model.programs]
    for pledge in sorted(
        range(len(instance.pledge_ids)), key=lambda k: (instance.pledge_expiry[k], k)
    ):
        program = instance.pledge_program[pledge]
        shape = model.programs[program]
        key = class_key(instance, pledge, shape.unit, shape.sizes)
        if key is not None:
            members[program].setdefault(key, []).append(pledge)
    chosen: list[list[tuple[int, tuple[tuple[int, int], ...]]]] = [[] for _ in model.programs]
    base = model.base_columns
    for offset, (program, class_index, pattern) in enumerate(model.patterns):
        for _ in range(round(values[base + offset])):
            chosen[program].append((class_index, pattern))
    slots: dict[tuple[int, int], list[int]] = {}
    for program, shape in enumerate(model.programs):
        by_class: dict[int, list[tuple[tuple[int, int], ...]]] = {}
        for class_index, pattern in chosen[program]:
            by_class.setdefault(class_index, []).append(pattern)
        for class_index, patterns in by_class.items():
            key = (shape.classes[class_index], shape.class_caps[class_index])
            pledges = members[program].get(key, [])
            for pledge, pattern in zip(pledges, patterns, strict=False):
                for size_index, count in pattern:
                    key = (program, shape.sizes[size_index] * shape.unit)
                    slots.setdefault(key, []).extend([pledge] * count)
    for entries in slots.values():
        entries.reverse()
    assignments = []
    for request_index, request in enumerate(instance.requests):
        for option_index, column in enumerate(model.option_columns[request_index]):
            if column < 0 or values[column] < 0.5:
                continue
            option = request.options[option_index]
            payers = []
            for fare, (columns, cash) in zip(
                option.fares, model.payment_columns[request_index][option_index], strict=True
            ):
                row = []
                for (program, miles, _), payment_column in zip(fare.payments, columns, strict=True):
                    if payment_column < 0:
                        continue
                    pool = slots.get((program, miles), [])
                    for _ in range(round(values[payment_column])):
                        row.append(pool.pop() if pool else CASH)
                if cash >= 0:
                    row.extend([CASH] * round(values[cash]))
                row = (row + [CASH] * request.travellers)[: request.travellers]
                payers.append(tuple(row))
            assignments.append(
                Assignment(request=request_index, option=option_index, payers=tuple(payers))
            )
            break
    return assignments


MASTER_SEEDS = 2
"""Master MILPs run side by side, on their own threads (HiGHS releases the GIL), each
with another random seed; the best plan wins. One run's plan depends on its seed by a
few travellers (2,092-2,099 over four seeds at 2,000 x 500), so on a 2-core machine a
second seed costs no wall time and takes the better draw."""


def solve_master(
    model: PatternModel,
    lp_values: list[float],
    *,
    time_limit: float,
    integral: bool,
    start: list[float] | None = None,
    seeds: int = MASTER_SEEDS,
) -> list[float] | None:
    """Price-and-branch: the master as a MILP over the generated patterns only (a
    restriction: its plans are valid, its bound is not a bound of the problem).

    Options the LP leaves at 0 stay closed (unless ``start``, see :func:`start_from`,
    serves them). Fixing the options the LP serves in full first was tried and dropped:
    it found worse plans in the same time (2,095 against 2,096-2,099 at 2,000 x 500).
    """
    options = [column for columns in model.option_columns for column in columns if column >= 0]
    closed = [
        column
        for column in options
        if (lp_values[column] if column < len(lp_values) else 0.0) < 1e-3
        and (start is None or start[column] < 0.5)
    ]
    sessions = []
    for seed in range(seeds if (os.cpu_count() or 1) > 1 else 1):
        session = HighsSession(model.model, integer=True)
        session.highs.setOptionValue("random_seed", SEED + seed)
        if integral:
            session.highs.setOptionValue("mip_abs_gap", 1 - 1e-3)
        for column in closed:
            session.highs.changeColBounds(column, 0.0, 0.0)
        if start is not None:
            session.set_start(start)
        sessions.append(session)
    if len(sessions) == 1:
        results = [sessions[0].run(time_limit=time_limit, relative_gap=1e-4)]
    else:
        with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
            results = list(
                pool.map(
                    lambda session: session.run(time_limit=time_limit, relative_gap=1e-4),
                    sessions,
                )
            )
    found = [result for result in results if result.values is not None]
    if not found:
        return start
    # The first of the best, so the same runs give the same plan.
    best = max(found, key=lambda result: result.objective)
    return best.values


def start_from(
    instance: Instance, model: PatternModel, assignments: Iterable[Assignment]
) -> list[float] | None:
    """Column values of the master that encode ``assignments`` (indexes of ``instance``),
    adding the patterns they use.

    Assignments the master cannot express (a closed option or payment, or a limited
    pledge holding more tickets than its class's cap, as when it pays two legs of one
    traveller) are left out, with every assignment sharing such a pledge: the rest is
    still a feasible start, worth what it serves. None if nothing is left.
    """
    class_of = [
        {key: index for index, key in enumerate(zip(shape.classes, shape.class_caps, strict=True))}
        for shape in model.programs
    ]
    encoded: list[tuple[list[int], list[tuple[int, int]]]] = []
    tickets: dict[int, Counter[int]] = {}
    users: dict[int, list[int]] = {}
    for assignment in assignments:
        found = _encode(instance, model, assignment)
        if found is None:
            continue
        for pledge, size in found[1]:
            tickets.setdefault(pledge, Counter())[size] += 1
            users.setdefault(pledge, []).append(len(encoded))
        encoded.append(found)
    dropped: set[int] = set()
    keys: dict[int, tuple[int, int]] = {}
    for pledge, counts in tickets.items():
        shape = model.programs[instance.pledge_program[pledge]]
        key = class_key(instance, pledge, shape.unit, shape.sizes)
        if (
            key is None
            or key not in class_of[instance.pledge_program[pledge]]
            or (key[1] and sum(counts.values()) > key[1])
        ):
            dropped.update(users[pledge])
        else:
            keys[pledge] = key
    x: Counter[int] = Counter()
    kept: dict[int, Counter[int]] = {}
    for position, (columns, paid) in enumerate(encoded):
        if position in dropped:
            continue
        x.update(columns)
        for pledge, size in paid:
            kept.setdefault(pledge, Counter())[size] += 1
    if not x:
        return None
    known = {pattern: model.base_columns + i for i, pattern in enumerate(model.patterns)}
    for pledge, counts in kept.items():
        program = instance.pledge_program[pledge]
        pattern: Pattern = (
            program,
            class_of[program][keys[pledge]],
            tuple(sorted(counts.items())),
        )
        if pattern not in known:
            known[pattern] = _add_pattern(model, *pattern)
        x[known[pattern]] += 1
    values = [0.0] * model.model.num_columns
    for column, count in x.items():
        values[column] = float(count)
    return values


def _encode(
    instance: Instance, model: PatternModel, assignment: Assignment
) -> tuple[list[int], list[tuple[int, int]]] | None:
    """The option and payment columns of one assignment and the (pledge, size index) of
    each ticket a pledge pays; None if an option or payment it uses is closed."""
    column = model.option_columns[assignment.request][assignment.option]
    if column < 0:
        return None
    columns = [column]
    paid = []
    option = instance.requests[assignment.request].options[assignment.option]
    columns_of = model.payment_columns[assignment.request][assignment.option]
    for fare, (payment_columns, cash), payers in zip(
        option.fares, columns_of, assignment.payers, strict=True
    ):
        for pledge in payers:
            if pledge == CASH:
                if cash < 0:
                    return None
                columns.append(cash)
                continue
            program = instance.pledge_program[pledge]
            index = next(i for i, p in enumerate(fare.payments) if p[0] == program)
            if payment_columns[index] < 0:
                return None
            columns.append(payment_columns[index])
            shape = model.programs[program]
            paid.append((pledge, shape.sizes.index(fare.payments[index][1] // shape.unit)))
    return columns, paid
