"""Each pledge's knapsack hull as cutting planes for the exact model (decision 0022).

In the exact model (:func:`.exact.build_exact_model`, ticket slots) a pledge pays tickets
of several sizes (miles) of its program: an unlimited pledge through its supply columns,
a limited one through its per-fare columns. Whatever else a plan does, the pledge's
ticket counts by size ``v`` lie in ``{v >= 0 integer: sum(miles_s * v_s) <= balance}``;
its LP relaxation lets a pledge pay part of a ticket, which is most of the root LP's gap
(168.8 against the pattern bound's 161 on the benchmark's 100 x 40 problem).

:func:`pledge_cuts` solves the LP, and for each pledge whose point lies outside the
convex hull of that set, adds a violated inequality ``pi . v <= 1`` (a *Fenchel cut*):
found exactly on the point's support ``S`` (the maximal patterns of ``S``: directly for
one or two sizes, an LP for more), then lifted to every other size of the pledge
sequentially (smallest first) with a knapsack table over every capacity. Finally the
whole inequality is re-checked by that table and scaled down if rounding made it exceed
1, so every cut holds for every integer plan and the MILP's bound stays proven. A few
rounds of re-solving and separating bring the LP to the hull's bound (161.1).
"""

import time
from collections.abc import Callable, Sequence
from itertools import pairwise
from math import gcd

import highspy
import numpy as np
import numpy.typing as npt

from safepassage.core.allocation.exact import ExactModel
from safepassage.core.allocation.highs_model import INFINITY, HighsSession, new_highs
from safepassage.core.allocation.instance import Instance

Row = tuple[float, list[tuple[int, float]]]
"""``(upper, [(column, value), ...])``: the row ``sum(value * x[column]) <= upper``."""

MAX_PATTERNS = 2000
"""Support sets with more maximal patterns than this are not separated (never seen at
100 x 40: supports have one to seven sizes)."""
VIOLATION = 1e-6
SLACK = 1e-9
"""Added to every cut's right-hand side, against rounding in the check."""

Table = npt.NDArray[np.float64]


def _with_item(table: Table, weight: int, value: float, copies: int) -> Table:
    """``table[c]`` (best value within capacity ``c``) after adding up to ``copies``
    items of ``weight`` and ``value`` (binary splitting; each part is a 0-1 item)."""
    size = len(table)
    part = 1
    while copies > 0:
        count = min(part, copies)
        copies -= count
        span = count * weight
        if span < size:
            grown = table.copy()
            np.maximum(grown[span:], table[: size - span] + count * value, out=grown[span:])
            table = grown
        part *= 2
    return table


def maximal_patterns(weights: Sequence[int], capacity: int) -> list[list[int]]:
    """Every count vector that fits ``capacity`` and to which no item can be added."""
    found: list[list[int]] = []
    smallest = min(weights)
    last = len(weights) - 1

    def extend(index: int, left: int, counts: list[int]) -> None:
        if index == last:
            count = left // weights[index]
            if left - count * weights[index] < smallest:
                found.append([*counts, count])
            return
        for count in range(left // weights[index], -1, -1):
            extend(index + 1, left - count * weights[index], [*counts, count])
            if len(found) > MAX_PATTERNS:
                return

    extend(0, capacity, [])
    return found


def _facet_of_two(
    weights: Sequence[int], capacity: int, point: Sequence[float]
) -> list[float] | None:
    """The most violated facet ``pi`` of the hull of a knapsack over two sizes."""
    first, second = weights
    hull: list[tuple[int, int]] = []
    for count in range(capacity // first, -1, -1):
        corner = (count, (capacity - count * first) // second)
        while len(hull) >= 2:
            (x1, y1), (x2, y2) = hull[-2], hull[-1]
            if (x2 - x1) * (corner[1] - y1) - (y2 - y1) * (corner[0] - x1) <= 0:
                hull.pop()
            else:
                break
        hull.append(corner)
    best: list[float] | None = None
    most = 1.0 + VIOLATION
    for (x1, y1), (x2, y2) in pairwise(hull):
        det = x1 * y2 - x2 * y1
        if det == 0:
            continue
        pi = [(y2 - y1) / det, (x1 - x2) / det]
        if min(pi) < 0:
            continue
        value = pi[0] * point[0] + pi[1] * point[1]
        if value > most:
            best, most = pi, value
    for index, weight in enumerate(weights):
        bound = capacity // weight
        if point[index] / bound > most:
            best = [0.0, 0.0]
            best[index] = 1.0 / bound
            most = point[index] / bound
    return best


class _SmallLp:
    """One HiGHS instance reused for the separation LPs (max pi.x, pi.v <= 1, pi >= 0)."""

    def __init__(self) -> None:
        self.highs = new_highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("threads", 1)

    def solve(self, point: Sequence[float], patterns: list[list[int]]) -> list[float] | None:
        columns = len(point)
        rows = len(patterns)
        lp = highspy.HighsLp()
        lp.num_col_ = columns
        lp.num_row_ = rows
        lp.col_cost_ = np.asarray(point, dtype=np.float64)
        lp.col_lower_ = np.zeros(columns)
        lp.col_upper_ = np.full(columns, INFINITY)
        lp.row_lower_ = np.full(rows, -INFINITY)
        lp.row_upper_ = np.ones(rows)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.num_col_ = columns
        lp.a_matrix_.num_row_ = rows
        lp.a_matrix_.start_ = np.arange(0, columns * rows + 1, columns, dtype=np.int32)
        lp.a_matrix_.index_ = np.tile(np.arange(columns, dtype=np.int32), rows)
        lp.a_matrix_.value_ = np.asarray(patterns, dtype=np.float64).ravel()
        lp.sense_ = highspy.ObjSense.kMaximize
        self.highs.clearModel()
        self.highs.passModel(lp)
        self.highs.run()
        if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return [max(0.0, float(v)) for v in self.highs.getSolution().col_value]


def knapsack_cut(
    weights: Sequence[int], capacity: int, point: Sequence[float], lp: _SmallLp
) -> list[float] | None:
    """``pi`` with ``pi . v <= 1`` for every integer ``v >= 0`` with ``weights . v <=
    capacity`` and ``pi . point > 1``, or None if none was found."""
    support = [s for s, value in enumerate(point) if value > 1e-9]
    if not support:
        return None
    sub_weights = [weights[s] for s in support]
    sub_point = [point[s] for s in support]
    found: list[float] | None
    if len(support) == 1:
        bound = capacity // sub_weights[0]
        found = [1.0 / bound] if sub_point[0] > bound + VIOLATION else None
    elif len(support) == 2:
        found = _facet_of_two(sub_weights, capacity, sub_point)
    else:
        patterns = maximal_patterns(sub_weights, capacity)
        found = None if len(patterns) > MAX_PATTERNS else lp.solve(sub_point, patterns)
    if found is None:
        return None
    pi = [0.0] * len(weights)
    table: Table = np.zeros(capacity + 1)
    for s, value in zip(support, found, strict=True):
        pi[s] = value
        if value > 0:
            table = _with_item(table, weights[s], value, capacity // weights[s])
    chosen = set(support)
    for s in sorted((s for s in range(len(weights)) if s not in chosen), key=weights.__getitem__):
        most = capacity // weights[s]
        if most == 0:
            continue
        counts = np.arange(1, most + 1)
        lifted = float(np.min((1.0 - table[capacity - counts * weights[s]]) / counts))
        if lifted > 1e-12:
            pi[s] = lifted
            table = _with_item(table, weights[s], lifted, most)
    top = float(table[capacity])
    if top > 1.0:
        pi = [value / top for value in pi]
    if sum(p * v for p, v in zip(pi, point, strict=True)) <= 1.0 + VIOLATION:
        return None
    return pi


class _Pledge:
    """One pledge's columns grouped by ticket size, in units of the sizes' common divisor."""

    __slots__ = ("capacity", "columns", "first", "weights")

    def __init__(self, balance: int, by_miles: dict[int, list[int]], first: int) -> None:
        sizes = sorted(by_miles)
        unit = 0
        for size in sizes:
            unit = gcd(unit, size)
        self.weights = [size // unit for size in sizes]
        self.capacity = balance // unit
        self.columns = [by_miles[size] for size in sizes]
        self.first = first


def _pledges(instance: Instance, exact: ExactModel) -> dict[int, dict[int, list[int]]]:
    """Per pledge, per ticket size (miles): the columns counting such tickets it pays."""
    found: dict[int, dict[int, list[int]]] = {}
    for (_, miles), pairs in exact.supply.items():
        for pledge, column in pairs:
            found.setdefault(pledge, {}).setdefault(miles, []).append(column)
    for position, request_index in enumerate(exact.requests):
        request = instance.requests[request_index]
        for option, fares in zip(request.options, exact.fare_columns[position], strict=True):
            for fare, columns in zip(option.fares, fares, strict=True):
                miles_of = {program: miles for program, miles, _ in fare.payments}
                for pledge, column in columns.pledges:
                    miles = miles_of[instance.pledge_program[pledge]]
                    found.setdefault(pledge, {}).setdefault(miles, []).append(column)
    return found


def pledge_cuts(
    instance: Instance,
    exact: ExactModel,
    *,
    rounds: int,
    time_limit: float,
    clock: Callable[[], float] = time.monotonic,
) -> list[Row]:
    """Up to ``rounds`` rounds of knapsack cuts violated by the exact model's LP.

    The time limit is checked before every pledge, not only between rounds: a pledge with
    a large balance and several small ticket sizes can take ~0.1 s to separate, and a
    problem may hold many of them; the cuts found before the limit are kept."""
    started = clock()
    pledges: list[_Pledge] = []
    columns: list[int] = []
    slots: list[int] = []
    offset = 0
    for pledge, by_miles in _pledges(instance, exact).items():
        entry = _Pledge(instance.pledge_miles[pledge], by_miles, offset)
        for index, group in enumerate(entry.columns):
            columns.extend(group)
            slots.extend([offset + index] * len(group))
        offset += len(entry.weights)
        pledges.append(entry)
    if not pledges:
        return []
    column_index = np.asarray(columns, dtype=np.int64)
    slot_index = np.asarray(slots, dtype=np.int64)
    session = HighsSession(exact.model, integer=False)
    lp = _SmallLp()
    cuts: list[Row] = []
    for _ in range(rounds):
        left = time_limit - (clock() - started)
        if left <= 0:
            break
        result = session.run(time_limit=left)
        if result.values is None or not result.optimal:
            break
        values = np.asarray(result.values, dtype=np.float64)[column_index]
        counts = np.bincount(slot_index, weights=values, minlength=offset)
        fractional = np.abs(counts - np.round(counts)) > 1e-7
        found: list[Row] = []
        for entry in pledges:
            end = entry.first + len(entry.weights)
            if not fractional[entry.first : end].any():
                continue
            if clock() - started > time_limit:
                break
            pi = knapsack_cut(entry.weights, entry.capacity, counts[entry.first : end].tolist(), lp)
            if pi is None:
                continue
            found.append(
                (
                    1.0 + SLACK,
                    [
                        (column, value)
                        for value, group in zip(pi, entry.columns, strict=True)
                        if value > 0
                        for column in group
                    ],
                )
            )
        if not found:
            break
        cuts.extend(found)
        session.add_rows(found)
    return cuts
