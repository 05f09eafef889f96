"""The exact pledge-level model, for problems small enough to prove optimal.

Travellers of one request are interchangeable, so instead of one binary per traveller the
model counts, per fare and pledge, how many travellers the pledge pays (``n``), and per
fare how many buy cash tickets. A limited pledge's distinct travellers on an option are
at least the largest of its counts over the option's fares (``d >= n``), which the
decoder achieves by giving a pledge the same travellers on every fare where it can. The
model is therefore a relaxation whose bound is proven; a decoded plan that matches it is
optimal.
"""

from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from safepassage.core.allocation.highs_model import ModelBuilder
from safepassage.core.allocation.instance import NO_LIMIT, Instance
from safepassage.core.allocation.packing import CASH, Assignment


@dataclass(frozen=True, slots=True)
class FareColumns:
    """Columns of one fare: (pledge, column) pairs, the cash column (-1 if none) and, in a
    model with ticket slots, ((program, miles), column) of the tickets its unlimited pledges
    pay."""

    pledges: tuple[tuple[int, int], ...]
    cash: int
    slots: tuple[tuple[tuple[int, int], int], ...] = ()


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
    distinct_columns: tuple[tuple[tuple[tuple[int, int], ...], ...], ...] = ()
    """Per request, per option: (pledge, column) of a limited pledge's distinct travellers
    on a multi-fare option (empty for other options)."""
    supply: dict[tuple[int, int], tuple[tuple[int, int], ...]] = field(default_factory=dict)
    """Per ticket slot (program, miles): (pledge, column) of how many such tickets each
    unlimited pledge pays (a model with ticket slots only)."""


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
    allowed: Callable[[int, int, int], Collection[int] | None] | None = None,
    slots: bool = False,
) -> ExactModel:
    """Build the pledge-level model of ``instance`` (or of some requests and resources).

    ``candidates(program, miles)``, if given, restricts which pledges may pay a ticket of
    that program and price; the model is then a restriction (its plans are still valid,
    its bound is not a bound of the whole problem). So does ``allowed(request, option,
    fare)``, the indexes of the fare's payments that may be used (None: the option is
    closed, its column fixed at 0).

    With ``slots``, pledges without a traveller limit do not pay fares directly: a fare
    buys tickets of a slot (program, miles) and each such pledge supplies a number of
    tickets of every slot that fits its balance. Those pledges care only about miles, so
    this is the same problem, with one column per pledge and ticket size instead of per
    pledge and fare, and none of the copies of a pledge's choice between fares of the same
    size; HiGHS proves small problems about twice as fast with it (decision 0022).
    """
    if slots and candidates is not None:
        raise ValueError("ticket slots need the same pledges for every fare of a slot")
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
    slot_rows: dict[tuple[int, int], int] = {}
    slot_pledges: dict[tuple[int, int], list[int]] = {}
    option_columns = []
    fare_columns = []
    distinct_columns = []
    for request_index in requests:
        request = instance.requests[request_index]
        size = float(request.travellers)
        choice_row = model.add_row(-1e30, 1.0) if len(request.options) > 1 else -1
        columns = []
        fares_of_request = []
        distinct_of_request = []
        for option_index, option in enumerate(request.options):
            fare_rows = [model.add_row(0.0, 0.0) for _ in option.fares]
            entries = [(row, -size) for row in fare_rows]
            if choice_row >= 0:
                entries.append((choice_row, 1.0))
            permitted: list[Collection[int] | None] = [
                range(len(fare.payments))
                if allowed is None
                else allowed(request_index, option_index, fare_index)
                for fare_index, fare in enumerate(option.fares)
            ]
            open_option = all(p is not None for p in permitted)
            columns.append(model.add_column(request.weight, 1.0 if open_option else 0.0, entries))
            multi_fare = len(option.fares) > 1
            distinct_rows: dict[int, list[int]] = {}
            fares_of_option = []
            for fare, fare_row, fare_permitted in zip(
                option.fares, fare_rows, permitted, strict=True
            ):
                pairs = []
                slot_pairs: list[tuple[tuple[int, int], int]] = []
                for payment_index, (program, miles, tax) in enumerate(fare.payments):
                    if fare_permitted is None or payment_index not in fare_permitted:
                        continue
                    pool = pledges_of[program]
                    if candidates is not None:
                        pool = sorted(set(candidates(program, miles)).intersection(balance))
                    pool = [pledge for pledge in pool if miles <= balance[pledge]]
                    if slots:
                        suppliers = [p for p in pool if limit_rows[p] < 0]
                        pool = [p for p in pool if limit_rows[p] >= 0]
                        if suppliers:
                            key = (program, miles)
                            if key not in slot_rows:
                                slot_rows[key] = model.add_row(-1e30, 0.0)
                                slot_pledges[key] = suppliers
                            entries = [(fare_row, 1.0), (slot_rows[key], 1.0)]
                            if tax:
                                entries.append((budget_row, float(tax)))
                            slot_pairs.append((key, model.add_column(0.0, size, entries)))
                    for pledge in pool:
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
                if (
                    open_option
                    and fare.cash_price is not None
                    and fare.cash_price <= resources.cash
                ):
                    cash = model.add_column(
                        0.0, size, [(fare_row, 1.0), (budget_row, float(fare.cash_price))]
                    )
                fares_of_option.append(
                    FareColumns(pledges=tuple(pairs), cash=cash, slots=tuple(slot_pairs))
                )
            distinct = []
            for pledge, rows in distinct_rows.items():
                entries = [(row, -1.0) for row in rows]
                entries.append((limit_rows[pledge], 1.0))
                distinct.append((pledge, model.add_column(0.0, size, entries)))
            fares_of_request.append(tuple(fares_of_option))
            distinct_of_request.append(tuple(distinct))
        option_columns.append(tuple(columns))
        fare_columns.append(tuple(fares_of_request))
        distinct_columns.append(tuple(distinct_of_request))
    supply = {
        (program, miles): tuple(
            (
                pledge,
                model.add_column(
                    0.0,
                    float(balance[pledge] // miles),
                    [(slot_rows[(program, miles)], -1.0), (pledge_rows[pledge], float(miles))],
                ),
            )
            for pledge in pledges
        )
        for (program, miles), pledges in slot_pledges.items()
    }
    return ExactModel(
        model=model,
        requests=requests,
        option_columns=tuple(option_columns),
        fare_columns=tuple(fare_columns),
        distinct_columns=tuple(distinct_columns),
        supply=supply,
    )


def start_values(model: ExactModel, assignments: Iterable[Assignment]) -> list[float]:
    """Column values of the exact model that encode a valid plan (a MIP start).

    A limited pledge's distinct-traveller column takes its largest count over the
    option's fares, which never exceeds the distinct travellers it really pays for. With
    ticket slots, an unlimited pledge's tickets count on the fare's slot column and on the
    pledge's supply of that slot.
    """
    values = [0.0] * model.model.num_columns
    position = {request: i for i, request in enumerate(model.requests)}
    for assignment in assignments:
        index = position.get(assignment.request)
        if index is None:
            continue
        values[model.option_columns[index][assignment.option]] = 1.0
        largest: dict[int, int] = {}
        fares = model.fare_columns[index][assignment.option]
        for fare, payers in zip(fares, assignment.payers, strict=True):
            column_of = dict(fare.pledges)
            slot_of = {
                pledge: (column, supplied)
                for key, column in fare.slots
                for pledge, supplied in model.supply[key]
            }
            counts = Counter(payers)
            for payer, count in counts.items():
                if payer in slot_of:
                    for column in slot_of[payer]:
                        values[column] += count
                    continue
                column = fare.cash if payer == CASH else column_of.get(payer, -1)
                if column < 0:
                    continue
                values[column] += count
                largest[payer] = max(largest.get(payer, 0), count)
        for pledge, column in model.distinct_columns[index][assignment.option]:
            values[column] = float(largest.get(pledge, 0))
    return values
