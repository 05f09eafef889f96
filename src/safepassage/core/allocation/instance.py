"""An indexed, integer-only view of a problem for the solvers.

Programs and usable pledges get dense indexes; cash amounts become integers in units of
``10**-decimals`` of the currency so budgets are compared exactly. Expired pledges and
payment ways that can never be used (a ticket larger than every pledge of its program)
are dropped here, once.
"""

from dataclasses import dataclass
from decimal import Decimal

from safepassage.core.allocation.models import Fare, Problem, RouteOption, TravelRequest

NO_LIMIT = 1 << 30
"""Stand-in traveller limit for pledges without ``max_travellers``."""


@dataclass(frozen=True, slots=True)
class FareData:
    """One fare: every usable way to pay it, and its cash price in integer units."""

    fare: Fare
    payments: tuple[tuple[int, int, int], ...]
    """(program index, miles per traveller, tax per traveller in cash units)."""
    cash_price: int | None


@dataclass(frozen=True, slots=True)
class OptionData:
    """One route option of a request with its indexed fares."""

    option: RouteOption
    fares: tuple[FareData, ...]


@dataclass(frozen=True, slots=True)
class RequestData:
    """One request: its weight per traveller, size and options."""

    request: TravelRequest
    travellers: int
    weight: float
    options: tuple[OptionData, ...]


@dataclass(frozen=True, slots=True)
class Instance:
    """The indexed problem. Pledge arrays are indexed by usable-pledge number."""

    problem: Problem
    programs: tuple[str, ...]
    pledge_ids: tuple[str, ...]
    pledge_program: tuple[int, ...]
    pledge_miles: tuple[int, ...]
    pledge_limit: tuple[int, ...]
    pledge_expiry: tuple[int, ...]
    requests: tuple[RequestData, ...]
    cash_budget: int
    cash_scale: int

    def to_cash(self, units: int) -> Decimal:
        """Convert integer cash units back to a Decimal amount."""
        return Decimal(units) / self.cash_scale


def _decimals(amount: Decimal) -> int:
    exponent = amount.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def build_instance(problem: Problem) -> Instance:
    """Index ``problem`` for the solvers."""
    usable = [pledge for pledge in problem.pledges if pledge.is_usable_on(problem.as_of)]
    usable = [p for p in usable if p.miles > 0 and (p.max_travellers is None or p.max_travellers)]
    programs = tuple(sorted({pledge.program for pledge in usable}))
    program_index = {name: index for index, name in enumerate(programs)}
    largest = dict.fromkeys(programs, 0)
    for pledge in usable:
        largest[pledge.program] = max(largest[pledge.program], pledge.miles)

    amounts: list[Decimal] = [problem.cash_budget]
    for request in problem.requests:
        for option in request.options:
            for fare in option.fares:
                amounts.extend(fare.taxes.values())
                if fare.cash_price is not None:
                    amounts.append(fare.cash_price)
    decimals = min(9, max((_decimals(amount) for amount in amounts), default=0))
    scale = 10**decimals

    def units(amount: Decimal) -> int:
        return int(amount * scale)

    requests = []
    for request in problem.requests:
        options = []
        for option in request.options:
            fares = []
            for fare in option.fares:
                payments = tuple(
                    sorted(
                        (program_index[program], miles, units(fare.tax_for(program)))
                        for program, miles in fare.miles.items()
                        if program in program_index and miles <= largest[program]
                    )
                )
                cash = None if fare.cash_price is None else units(fare.cash_price)
                fares.append(FareData(fare=fare, payments=payments, cash_price=cash))
            options.append(OptionData(option=option, fares=tuple(fares)))
        requests.append(
            RequestData(
                request=request,
                travellers=request.travellers,
                weight=request.priority * request.travellers,
                options=tuple(options),
            )
        )
    far_future = 10**7
    return Instance(
        problem=problem,
        programs=programs,
        pledge_ids=tuple(p.id for p in usable),
        pledge_program=tuple(program_index[p.program] for p in usable),
        pledge_miles=tuple(p.miles for p in usable),
        pledge_limit=tuple(
            NO_LIMIT if p.max_travellers is None else p.max_travellers for p in usable
        ),
        pledge_expiry=tuple(
            far_future if p.expires is None else p.expires.toordinal() for p in usable
        ),
        requests=tuple(requests),
        cash_budget=units(problem.cash_budget),
        cash_scale=scale,
    )


def sub_instance(
    instance: Instance,
    *,
    requests: list[int],
    pledges: list[int],
    miles: list[int],
    limits: list[int],
    cash_budget: int,
) -> Instance:
    """Some requests of ``instance`` on some pledges with the given balances and
    traveller limits (what other requests leave) and cash budget; indexes follow the
    given lists. A plan of it, mapped back, fits beside what was left out."""
    return Instance(
        problem=instance.problem,
        programs=instance.programs,
        pledge_ids=tuple(instance.pledge_ids[k] for k in pledges),
        pledge_program=tuple(instance.pledge_program[k] for k in pledges),
        pledge_miles=tuple(miles),
        pledge_limit=tuple(limits),
        pledge_expiry=tuple(instance.pledge_expiry[k] for k in pledges),
        requests=tuple(instance.requests[r] for r in requests),
        cash_budget=cash_budget,
        cash_scale=instance.cash_scale,
    )
