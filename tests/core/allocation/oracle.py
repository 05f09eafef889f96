"""A brute-force optimum of objective (1) for tiny problems: the solver's test oracle.

It shares nothing with the solver: it enumerates every choice of option and every payer
(usable pledge or cash) of every ticket, depth first, pruning only on the rules.
"""

from decimal import Decimal

from safepassage.core.allocation.models import Fare, Problem, TravelRequest


def brute_force_optimum(problem: Problem) -> float:
    """The largest weighted travellers of any valid plan."""
    pledges = [p for p in problem.pledges if p.is_usable_on(problem.as_of)]
    drawn = [0] * len(pledges)
    paid: list[set[tuple[str, int]]] = [set() for _ in pledges]
    requests = list(problem.requests)
    weights = [r.priority * r.travellers for r in requests]
    best = 0.0

    def serve_request(index: int, value: float, cash: Decimal) -> None:
        nonlocal best
        best = max(best, value)
        if index == len(requests) or value + sum(weights[index:]) <= best + 1e-9:
            return
        serve_request(index + 1, value, cash)
        request = requests[index]
        for option in request.options:
            slots = [
                (fare, traveller)
                for fare in option.fares
                for traveller in range(1, request.travellers + 1)
            ]
            assign(request, slots, 0, index, value + weights[index], cash)

    def assign(  # noqa: PLR0917 - a recursive helper, positional for brevity
        request: TravelRequest,
        slots: list[tuple[Fare, int]],
        position: int,
        index: int,
        value: float,
        cash: Decimal,
    ) -> None:
        if position == len(slots):
            serve_request(index + 1, value, cash)
            return
        fare, traveller = slots[position]
        for k, pledge in enumerate(pledges):
            miles = fare.miles.get(pledge.program)
            if miles is None or drawn[k] + miles > pledge.miles:
                continue
            tax = fare.tax_for(pledge.program)
            if cash + tax > problem.cash_budget:
                continue
            key = (request.id, traveller)
            new = key not in paid[k]
            if new and pledge.max_travellers is not None and len(paid[k]) >= pledge.max_travellers:
                continue
            drawn[k] += miles
            if new:
                paid[k].add(key)
            assign(request, slots, position + 1, index, value, cash + tax)
            drawn[k] -= miles
            if new:
                paid[k].discard(key)
        price = fare.cash_price
        if price is not None and cash + price <= problem.cash_budget:
            assign(request, slots, position + 1, index, value, cash + price)

    serve_request(0, 0.0, Decimal(0))
    return best
