"""An independent check of a plan against every rule of ALLOCATION.md.

The validator shares no code with the solver or the baseline beyond the models, so a bug
in either cannot hide itself. It returns every violation it finds instead of stopping at
the first, each with the number of the rule it breaks (0 for references to unknown ids and
for totals that do not match the tickets).
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from safepassage.core.allocation.models import Plan, Problem, compute_totals


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: its number in ALLOCATION.md, the offending id, and what is wrong."""

    rule: int
    item_id: str
    message: str

    def __str__(self) -> str:
        return f"rule {self.rule}: {self.item_id}: {self.message}"


def validate_plan(problem: Problem, plan: Plan) -> tuple[Violation, ...]:
    """Return every violation of ``plan`` against ``problem``; empty means valid."""
    violations: list[Violation] = []
    requests = {request.id: request for request in problem.requests}
    pledges = {pledge.id: pledge for pledge in problem.pledges}
    miles_drawn: dict[str, int] = defaultdict(int)
    travellers_paid: dict[str, set[tuple[str, int]]] = defaultdict(set)
    served_ids: set[str] = set()
    cash_total = Decimal(0)

    for item in plan.served:
        request = requests.get(item.request)
        if request is None:
            violations.append(Violation(0, item.request, "unknown request"))
            continue
        if item.request in served_ids:
            violations.append(Violation(1, item.request, "request served more than once"))
        served_ids.add(item.request)
        option = next((o for o in request.options if o.id == item.option), None)
        if option is None:
            violations.append(Violation(1, item.request, f"{item.option!r} is not its option"))
            continue
        fares = {fare.id: fare for fare in option.fares}
        tickets_by_slot: dict[tuple[str, int], int] = defaultdict(int)
        for ticket in item.tickets:
            cash_total += ticket.cash
            fare = fares.get(ticket.fare)
            if fare is None:
                violations.append(
                    Violation(1, item.request, f"ticket for {ticket.fare!r}, not a fare of option")
                )
                continue
            if not 1 <= ticket.traveller <= request.travellers:
                violations.append(Violation(1, item.request, f"no traveller {ticket.traveller}"))
                continue
            tickets_by_slot[(fare.id, ticket.traveller)] += 1
            if ticket.pledge is None:
                if fare.cash_price is None:
                    violations.append(Violation(2, fare.id, "cash ticket for a fare with no price"))
                elif ticket.miles != 0 or ticket.cash != fare.cash_price:
                    violations.append(
                        Violation(2, fare.id, "cash ticket must record 0 miles and the cash price")
                    )
                continue
            pledge = pledges.get(ticket.pledge)
            if pledge is None:
                violations.append(Violation(0, ticket.pledge, "unknown pledge"))
                continue
            if pledge.program not in fare.miles:
                violations.append(
                    Violation(2, fare.id, f"program {pledge.program!r} cannot pay this fare")
                )
                continue
            if ticket.miles != fare.miles[pledge.program]:
                violations.append(
                    Violation(
                        2,
                        fare.id,
                        f"records {ticket.miles} miles, fare needs {fare.miles[pledge.program]}",
                    )
                )
            if ticket.cash != fare.tax_for(pledge.program):
                violations.append(
                    Violation(
                        2,
                        fare.id,
                        f"records {ticket.cash} cash, tax is {fare.tax_for(pledge.program)}",
                    )
                )
            miles_drawn[pledge.id] += ticket.miles
            travellers_paid[pledge.id].add((request.id, ticket.traveller))
        for fare in option.fares:
            for traveller in range(1, request.travellers + 1):
                count = tickets_by_slot.get((fare.id, traveller), 0)
                if count != 1:
                    violations.append(
                        Violation(
                            1,
                            item.request,
                            f"traveller {traveller} has {count} tickets for fare {fare.id!r}",
                        )
                    )

    for pledge_id, drawn in sorted(miles_drawn.items()):
        pledge = pledges[pledge_id]
        if not pledge.is_usable_on(problem.as_of):
            violations.append(Violation(3, pledge_id, "pledge expired before as_of"))
        if drawn > pledge.miles:
            violations.append(
                Violation(3, pledge_id, f"draws {drawn} miles from a balance of {pledge.miles}")
            )
        paid = len(travellers_paid[pledge_id])
        if pledge.max_travellers is not None and paid > pledge.max_travellers:
            violations.append(
                Violation(3, pledge_id, f"pays {paid} travellers, limit {pledge.max_travellers}")
            )
    if cash_total > problem.cash_budget:
        violations.append(
            Violation(4, "cash_budget", f"spends {cash_total}, budget {problem.cash_budget}")
        )
    violations.extend(_check_totals(problem, plan))
    return tuple(violations)


def _check_totals(problem: Problem, plan: Plan) -> list[Violation]:
    expected = compute_totals(problem, plan.served)
    found = plan.totals
    problems: list[Violation] = []
    if abs(expected.weighted_travellers - found.weighted_travellers) > 1e-6 * max(
        1.0, expected.weighted_travellers
    ):
        problems.append(Violation(0, "totals", "weighted_travellers do not match the tickets"))
    if (expected.travellers, expected.cash, expected.miles, expected.pledges_used) != (
        found.travellers,
        found.cash,
        found.miles,
        found.pledges_used,
    ):
        problems.append(Violation(0, "totals", "totals do not match the tickets"))
    if plan.bound_weighted_travellers + 1e-6 * max(1.0, found.weighted_travellers) < (
        found.weighted_travellers
    ):
        problems.append(Violation(0, "bound", "bound is below the plan's own objective"))
    return problems
