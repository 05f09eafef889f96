"""The hand-matching baseline of ALLOCATION.md.

Requests are taken in priority order (highest first, then as listed); each is served by
the first option that a *single* usable pledge can pay entirely (every fare, every
traveller, within its balance and traveller limit) with the taxes inside the cash budget.
Among the pledges that can, the smallest sufficient balance is used (best fit), which is
what a careful coordinator does by hand.
"""

from bisect import bisect_left, insort

from safepassage.core.allocation.instance import Instance, build_instance
from safepassage.core.allocation.models import Plan, PlanStatus, Problem
from safepassage.core.allocation.packing import Assignment, build_plan


def solve_baseline(problem: Problem, *, instance: Instance | None = None) -> Plan:
    """Return the baseline plan; its bound is the trivial one (every request served).

    ``instance`` is ``problem`` already indexed, when the caller has it (indexing the
    benchmark's 20,000 x 5,000 problem takes ~0.3 s)."""
    if instance is None:
        instance = build_instance(problem)
    residual = list(instance.pledge_miles)
    allowance = list(instance.pledge_limit)
    by_program: list[list[tuple[int, int]]] = [[] for _ in instance.programs]
    for pledge, program in enumerate(instance.pledge_program):
        by_program[program].append((residual[pledge], pledge))
    for entries in by_program:
        entries.sort()
    cash = instance.cash_budget
    assignments = []
    order = sorted(
        range(len(instance.requests)), key=lambda r: -instance.requests[r].request.priority
    )
    for request_index in order:
        request = instance.requests[request_index]
        travellers = request.travellers
        for option_index, option in enumerate(request.options):
            best: tuple[int, int, int, int] | None = None
            common = set.intersection(
                *({program for program, _, _ in fare.payments} for fare in option.fares)
            )
            for program in sorted(common):
                miles = tax = 0
                for fare in option.fares:
                    _, fare_miles, fare_tax = next(p for p in fare.payments if p[0] == program)
                    miles += fare_miles * travellers
                    tax += fare_tax * travellers
                if tax > cash:
                    continue
                entries = by_program[program]
                position = bisect_left(entries, (miles, -1))
                while position < len(entries):
                    balance, pledge = entries[position]
                    if allowance[pledge] >= travellers:
                        if best is None or balance < best[0]:
                            best = (balance, pledge, miles, tax)
                        break
                    position += 1
            if best is None:
                continue
            balance, pledge, miles, tax = best
            entries = by_program[instance.pledge_program[pledge]]
            del entries[bisect_left(entries, (balance, pledge))]
            residual[pledge] -= miles
            allowance[pledge] -= travellers
            insort(entries, (residual[pledge], pledge))
            cash -= tax
            assignments.append(
                Assignment(
                    request=request_index,
                    option=option_index,
                    payers=tuple((pledge,) * travellers for _ in option.fares),
                )
            )
            break
    bound = sum(request.weight for request in instance.requests)
    return build_plan(instance, assignments, status=PlanStatus.FEASIBLE, bound=bound)
