"""The exact pledge-level model, for problems small enough to prove optimal.

Travellers of one request are interchangeable, so instead of one binary per traveller the
model counts, per fare and pledge, how many travellers the pledge pays (``n``), and per
fare how many buy cash tickets. A limited pledge's distinct travellers on an option are
at least the largest of its counts over the option's fares (``d >= n``), which the
decoder achieves by giving a pledge the same travellers on every fare where it can. The
model is therefore a relaxation whose bound is proven; a decoded plan that matches it is
optimal.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass

from safepassage.core.allocation.highs_model import ModelBuilder
from safepassage.core.allocation.instance import NO_LIMIT, Instance


@dataclass(frozen=True, slots=True)
class FareColumns:
    """Columns of one fare: (pledge, column) pairs and the cash column (-1 if none)."""

    pledges: tuple[tuple[int, int], ...]
    cash: int


@dataclass(frozen=True, slots=True)
class ExactModel:
    """The built model and the columns of every option and fare.

    ``requests`` holds the instance indexes of the modelled requests; the column tuples
    are aligned with it. Pledge indexes are the instance's.
    """

    model: ModelBuilder
    requests: tuple[int, ...]
    option_columns: tuple[tuple[int, ...], ...]
    fare_columns: tuple[tuple[tuple[FareColumns, ...], ...], ...]


@dataclass(frozen=True, slots=True)
class Resources:
    """What a (sub)model may use: pledges with their residual miles and allowances, cash."""

    pledges: tuple[int, ...]
    miles: tuple[int, ...]
    limits: tuple[int, ...]
    cash: int

    @classmethod
    def everything(cls, instance: Instance) -> "Resources":
        """All usable pledges at full balance, and the whole cash budget."""
        return cls(
            pledges=tuple(range(len(instance.pledge_ids))),
            miles=instance.pledge_miles,
            limits=instance.pledge_limit,
            cash=instance.cash_budget,
        )


def exact_model_size(instance: Instance) -> int:
    """How many pledge-by-fare columns the exact model would have."""
    per_program = [0] * len(instance.programs)
    for program in instance.pledge_program:
        per_program[program] += 1
    return sum(
        per_program[program] * request.travellers
        for request in instance.requests
        for option in request.options
        for fare in option.fares
        for program, _, _ in fare.payments
    )


def build_exact_model(
    instance: Instance,
    *,
    requests: tuple[int, ...] | None = None,
    resources: Resources | None = None,
    candidates: Callable[[int, int], Collection[int]] | None = None,
) -> ExactModel:
    """Build the pledge-level model of ``instance`` (or of some requests and resources).

    ``candidates(program, miles)``, if given, restricts which pledges may pay a ticket of
    that program and price; the model is then a restriction (its plans are still valid,
    its bound is not a bound of the whole problem).
    """
    model = ModelBuilder()
    if requests is None:
        requests = tuple(range(len(instance.requests)))
    if resources is None:
        resources = Resources.everything(instance)
    pledges_of: list[list[int]] = [[] for _ in instance.programs]
    pledge_rows: dict[int, int] = {}
    limit_rows: dict[int, int] = {}
    balance: dict[int, int] = {}
    for pledge, miles, limit in zip(
        resources.pledges, resources.miles, resources.limits, strict=True
    ):
        if miles <= 0 or limit <= 0:
            continue
        pledges_of[instance.pledge_program[pledge]].append(pledge)
        balance[pledge] = miles
        pledge_rows[pledge] = model.add_row(-1e30, float(miles))
        limit_rows[pledge] = -1 if limit >= NO_LIMIT else model.add_row(-1e30, float(limit))
    budget_row = model.add_row(-1e30, float(resources.cash))
    option_columns = []
    fare_columns = []
    for request_index in requests:
        request = instance.requests[request_index]
        size = float(request.travellers)
        choice_row = model.add_row(-1e30, 1.0) if len(request.options) > 1 else -1
        columns = []
        fares_of_request = []
        for option in request.options:
            fare_rows = [model.add_row(0.0, 0.0) for _ in option.fares]
            entries = [(row, -size) for row in fare_rows]
            if choice_row >= 0:
                entries.append((choice_row, 1.0))
            columns.append(model.add_column(request.weight, 1.0, entries))
            multi_fare = len(option.fares) > 1
            distinct_rows: dict[int, list[int]] = {}
            fares_of_option = []
            for fare, fare_row in zip(option.fares, fare_rows, strict=True):
                pairs = []
                for program, miles, tax in fare.payments:
                    pool = pledges_of[program]
                    if candidates is not None:
                        pool = sorted(set(candidates(program, miles)).intersection(balance))
                    for pledge in pool:
                        if miles > balance[pledge]:
                            continue
                        entries = [(fare_row, 1.0), (pledge_rows[pledge], float(miles))]
                        if tax:
                            entries.append((budget_row, float(tax)))
                        if limit_rows[pledge] >= 0:
                            if multi_fare:
                                row = model.add_row(-1e30, 0.0)
                                distinct_rows.setdefault(pledge, []).append(row)
                                entries.append((row, 1.0))
                            else:
                                entries.append((limit_rows[pledge], 1.0))
                        pairs.append((pledge, model.add_column(0.0, size, entries)))
                cash = -1
                if fare.cash_price is not None and fare.cash_price <= resources.cash:
                    cash = model.add_column(
                        0.0, size, [(fare_row, 1.0), (budget_row, float(fare.cash_price))]
                    )
                fares_of_option.append(FareColumns(pledges=tuple(pairs), cash=cash))
            for pledge, rows in distinct_rows.items():
                entries = [(row, -1.0) for row in rows]
                entries.append((limit_rows[pledge], 1.0))
                model.add_column(0.0, size, entries)
            fares_of_request.append(tuple(fares_of_option))
        option_columns.append(tuple(columns))
        fare_columns.append(tuple(fares_of_request))
    return ExactModel(
        model=model,
        requests=requests,
        option_columns=tuple(option_columns),
        fare_columns=tuple(fare_columns),
    )
