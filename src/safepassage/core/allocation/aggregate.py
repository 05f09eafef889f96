"""The aggregated model: a relaxation that pools the miles of each program.

Pledges of one program differ only in balance, traveller limit and expiry, so the model
chooses an option per request (binary ``y``) and, per fare, how many travellers each
program pays (integer ``x``) or cash pays (integer ``c``), with one miles row per program
(capacity = the sum of usable balances), one traveller row per program whose pledges are
all limited, and the cash budget. Because it lets the miles of a program pool, its
optimum and every dual bound of it are proven upper bounds on objective (1) of the real
problem. Its solution guides the packing of tickets into individual pledges.

Capacity is tightened without losing validity: a pledge smaller than the cheapest ticket
its program can pay contributes nothing, and balances are rounded down to the greatest
common divisor of the ticket prices in that program.
"""

from dataclasses import dataclass
from math import gcd

import numpy as np

from safepassage.core.allocation.highs_model import ModelBuilder, ModelResult, solve_model
from safepassage.core.allocation.instance import NO_LIMIT, Instance


@dataclass(frozen=True, slots=True)
class AggregatedModel:
    """The built model and where each request, option and fare lives in it."""

    model: ModelBuilder
    option_columns: tuple[tuple[int, ...], ...]
    payment_columns: tuple[tuple[tuple[tuple[tuple[int, ...], int], ...], ...], ...]
    """Per request, per option: (payment columns per fare..., cash column or -1)."""
    program_rows: tuple[int, ...]
    budget_row: int
    size_columns: dict[tuple[int, int], list[int]]
    """Payment columns by (program, miles per ticket), for cut separation."""
    balances: tuple[tuple[int, ...], ...]
    """Usable pledge balances per program."""


def program_capacities(instance: Instance) -> tuple[list[int], list[int | None]]:
    """Usable miles per program, and the traveller allowance per program (None: unlimited)."""
    count = len(instance.programs)
    smallest = [NO_LIMIT] * count
    divisor = [0] * count
    for request in instance.requests:
        for option in request.options:
            for fare in option.fares:
                for program, ticket, _ in fare.payments:
                    smallest[program] = min(smallest[program], ticket)
                    divisor[program] = gcd(divisor[program], ticket)
    miles = [0] * count
    travellers: list[int | None] = [0] * count
    for pledge, program in enumerate(instance.pledge_program):
        balance = instance.pledge_miles[pledge]
        if balance < smallest[program] or divisor[program] == 0:
            continue
        miles[program] += balance // divisor[program] * divisor[program]
        limit = instance.pledge_limit[pledge]
        current = travellers[program]
        travellers[program] = None if current is None or limit >= NO_LIMIT else current + limit
    return miles, travellers


THRESHOLDS_PER_PROGRAM = 12
"""How many ticket-size thresholds get their own rows per program (see size_rows)."""


def size_thresholds(instance: Instance) -> list[list[int]]:
    """Per program, the ticket sizes at which size rows are added (quantiles of sizes)."""
    sizes: list[set[int]] = [set() for _ in instance.programs]
    for request in instance.requests:
        for option in request.options:
            for fare in option.fares:
                for program, miles, _ in fare.payments:
                    sizes[program].add(miles)
    thresholds = []
    for values in sizes:
        ordered = sorted(values)
        if len(ordered) > THRESHOLDS_PER_PROGRAM:
            step = len(ordered) / THRESHOLDS_PER_PROGRAM
            ordered = sorted({ordered[int(i * step)] for i in range(THRESHOLDS_PER_PROGRAM)})
        thresholds.append(ordered[1:])
    return thresholds


def build_aggregated_model(instance: Instance) -> AggregatedModel:
    """Build the aggregated relaxation of ``instance``.

    Besides the pooled miles row, each program gets, for a few ticket sizes ``s``, two
    valid rows that pooling alone misses: tickets of at least ``s`` miles fit only in
    pledges of at least ``s`` miles (miles row), and a pledge of balance ``b`` holds at
    most ``b // s`` of them (count row). They keep the bound honest when pledges are
    small relative to tickets.
    """
    model = ModelBuilder()
    capacity, allowance = program_capacities(instance)
    program_rows = tuple(model.add_row(-1e30, float(miles)) for miles in capacity)
    thresholds = size_thresholds(instance)
    size_rows: list[list[tuple[int, int, int]]] = []
    for program, program_thresholds in enumerate(thresholds):
        rows = []
        balances = [
            instance.pledge_miles[k]
            for k, owner in enumerate(instance.pledge_program)
            if owner == program
        ]
        for threshold in program_thresholds:
            big = sum(b for b in balances if b >= threshold)
            count = sum(b // threshold for b in balances)
            rows.append(
                (threshold, model.add_row(-1e30, float(big)), model.add_row(-1e30, float(count)))
            )
        size_rows.append(rows)
    traveller_rows = [
        -1 if limit is None else model.add_row(-1e30, float(limit)) for limit in allowance
    ]
    budget_row = model.add_row(-1e30, float(instance.cash_budget))
    option_columns = []
    payment_columns = []
    size_columns: dict[tuple[int, int], list[int]] = {}
    for request in instance.requests:
        choice_row = model.add_row(-1e30, 1.0) if len(request.options) > 1 else -1
        columns_of_request = []
        payments_of_request = []
        for option in request.options:
            fare_rows = [model.add_row(0.0, 0.0) for _ in option.fares]
            entries = [(row, -float(request.travellers)) for row in fare_rows]
            if choice_row >= 0:
                entries.append((choice_row, 1.0))
            columns_of_request.append(model.add_column(request.weight, 1.0, entries, integer=True))
            share = 1.0 / len(option.fares)
            per_fare = []
            for fare, fare_row in zip(option.fares, fare_rows, strict=True):
                columns = []
                for program, miles, tax in fare.payments:
                    entries = [(fare_row, 1.0), (program_rows[program], float(miles))]
                    if tax:
                        entries.append((budget_row, float(tax)))
                    if traveller_rows[program] >= 0:
                        entries.append((traveller_rows[program], share))
                    for threshold, miles_row, count_row in size_rows[program]:
                        if miles >= threshold:
                            entries.append((miles_row, float(miles)))
                            entries.append((count_row, 1.0))
                    column = model.add_column(0.0, float(request.travellers), entries)
                    columns.append(column)
                    size_columns.setdefault((program, miles), []).append(column)
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
    return AggregatedModel(
        model=model,
        option_columns=tuple(option_columns),
        payment_columns=tuple(payment_columns),
        program_rows=program_rows,
        budget_row=budget_row,
        size_columns=size_columns,
        balances=tuple(
            tuple(
                instance.pledge_miles[k]
                for k, owner in enumerate(instance.pledge_program)
                if owner == program
            )
            for program in range(len(instance.programs))
        ),
    )


Cut = tuple[float, list[tuple[int, float]]]


def separate_cuts(
    aggregated: AggregatedModel, values: list[float], *, per_program: int = 6
) -> list[Cut]:
    """Valid rows of the aggregated model that ``values`` violates, most violated first.

    For a program whose pledges have balances ``b`` and a size ``s``, every ticket of
    ``m`` miles uses ``m // s`` whole units of ``s`` in one pledge, which holds at most
    ``b // s`` such units: ``sum((m // s) * x) <= sum(b // s)`` (floor rows). Likewise a
    pledge holds at most ``b // s`` tickets of at least ``s`` miles (count rows). Both are
    valid for every packing into individual pledges, so adding them keeps the bound proven.
    """
    sizes_of: dict[int, list[int]] = {}
    for program, miles in aggregated.size_columns:
        sizes_of.setdefault(program, []).append(miles)
    cuts: list[Cut] = []
    for program, sizes in sorted(sizes_of.items()):
        sizes.sort()
        usage = {m: sum(values[c] for c in aggregated.size_columns[(program, m)]) for m in sizes}
        if sum(usage.values()) < 1e-9:
            continue
        balances = np.asarray(aggregated.balances[program], dtype=np.int64)
        found: list[tuple[float, Cut]] = []
        divisors = sorted(set(sizes) | {m // 2 for m in sizes} | {m // 3 for m in sizes} - {0})
        for divisor in divisors:
            units = int((balances // divisor).sum())
            floor_lhs = sum((m // divisor) * u for m, u in usage.items())
            if floor_lhs > units + 1e-6:
                entries = [
                    (column, float(m // divisor))
                    for m in sizes
                    if m >= divisor
                    for column in aggregated.size_columns[(program, m)]
                ]
                found.append(((floor_lhs - units) / max(1.0, units), (float(units), entries)))
            count_lhs = sum(u for m, u in usage.items() if m >= divisor)
            if count_lhs > units + 1e-6:
                entries = [
                    (column, 1.0)
                    for m in sizes
                    if m >= divisor
                    for column in aggregated.size_columns[(program, m)]
                ]
                found.append(((count_lhs - units) / max(1.0, units), (float(units), entries)))
        found.sort(key=lambda item: -item[0])
        cuts.extend(cut for _, cut in found[:per_program])
    return cuts


def solve_aggregated(
    aggregated: AggregatedModel, *, integer: bool, time_limit: float, relative_gap: float
) -> ModelResult:
    """Solve the aggregated model as an LP or as a MILP."""
    return solve_model(
        aggregated.model, integer=integer, time_limit=time_limit, relative_gap=relative_gap
    )
