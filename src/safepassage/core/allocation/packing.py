"""Packing tickets into individual pledges: the primal side of the solver.

:class:`PackingState` holds the residual balance and traveller allowance of every usable
pledge and the remaining cash budget. :meth:`PackingState.try_serve` tries to ticket a
whole party on one option (best fit per ticket, largest tickets first) and either commits
every ticket or changes nothing. Every plan the solver returns is built through this
class, which enforces all rules of ALLOCATION.md by construction; the independent
validator checks the result again.
"""

from bisect import bisect_left, insort
from collections.abc import Sequence
from dataclasses import dataclass

from safepassage.core.allocation.instance import Instance, OptionData, RequestData
from safepassage.core.allocation.models import (
    Plan,
    PlanStatus,
    ServedRequest,
    Ticket,
    compute_totals,
)

CASH = -1
"""Pledge index of a ticket bought with cash."""


@dataclass(frozen=True, slots=True)
class Assignment:
    """A served request: its option and, per fare, the pledge index of each traveller."""

    request: int
    option: int
    payers: tuple[tuple[int, ...], ...]


class PackingState:
    """Residual balances, traveller allowances and cash while a plan is being built."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.residual = list(instance.pledge_miles)
        self.allowance = list(instance.pledge_limit)
        self.cash = instance.cash_budget
        self.by_program: list[list[tuple[int, int, int]]] = [[] for _ in instance.programs]
        for index, program in enumerate(instance.pledge_program):
            self.by_program[program].append(self._key(index))
        for entries in self.by_program:
            entries.sort()
        self.assignments: dict[int, Assignment] = {}

    def _key(self, pledge: int) -> tuple[int, int, int]:
        # Best fit on residual miles; ties go to the pledge that expires sooner.
        return (self.residual[pledge], self.instance.pledge_expiry[pledge], pledge)

    def _draw(self, pledge: int, miles: int, new_traveller: bool) -> None:
        entries = self.by_program[self.instance.pledge_program[pledge]]
        key = self._key(pledge)
        position = bisect_left(entries, key)
        if self.allowance[pledge] > 0:
            del entries[position]
        self.residual[pledge] -= miles
        if new_traveller:
            self.allowance[pledge] -= 1
        if self.allowance[pledge] > 0:
            insort(entries, self._key(pledge))

    def _undraw(self, pledge: int, miles: int, new_traveller: bool) -> None:
        entries = self.by_program[self.instance.pledge_program[pledge]]
        if self.allowance[pledge] > 0:
            del entries[bisect_left(entries, self._key(pledge))]
        self.residual[pledge] += miles
        if new_traveller:
            self.allowance[pledge] += 1
        if self.allowance[pledge] > 0:
            insort(entries, self._key(pledge))

    def _find(self, program: int, miles: int) -> int:
        """The best-fit pledge of ``program`` with ``miles`` left and room for a traveller."""
        entries = self.by_program[program]
        position = bisect_left(entries, (miles, -1, -1))
        if position < len(entries):
            return entries[position][2]
        return CASH

    def try_serve(
        self,
        request_index: int,
        option_index: int,
        program_order: Sequence[Sequence[int]],
        cash_allowed: Sequence[bool] | bool = True,
    ) -> bool:
        """Ticket every traveller of the request on the option, or change nothing.

        ``program_order[f]`` lists the indexes into fare ``f``'s payments in the order to
        try them; a cash ticket is the last resort, and only where ``cash_allowed`` (one
        flag for every fare, or one per fare) allows it.
        """
        request = self.instance.requests[request_index]
        option = request.options[option_index]
        order = sorted(
            range(len(option.fares)),
            key=lambda f: -max((m for _, m, _ in option.fares[f].payments), default=0),
        )
        payers = [[CASH] * request.travellers for _ in option.fares]
        log: list[tuple[int, int, bool, int]] = []
        for traveller in range(request.travellers):
            used: list[int] = []
            for fare_index in order:
                fare = option.fares[fare_index]
                chosen = self._choose(fare.payments, program_order[fare_index], used)
                if chosen is not None:
                    pledge, miles, tax = chosen
                    if tax > self.cash:
                        chosen = None
                    else:
                        new_traveller = pledge not in used
                        self._draw(pledge, miles, new_traveller)
                        self.cash -= tax
                        log.append((pledge, miles, new_traveller, tax))
                        if new_traveller:
                            used.append(pledge)
                        payers[fare_index][traveller] = pledge
                        continue
                if (
                    fare.cash_price is not None
                    and fare.cash_price <= self.cash
                    and (
                        cash_allowed if isinstance(cash_allowed, bool) else cash_allowed[fare_index]
                    )
                ):
                    self.cash -= fare.cash_price
                    log.append((CASH, 0, False, fare.cash_price))
                    continue
                self._rollback(log)
                return False
        self.assignments[request_index] = Assignment(
            request=request_index, option=option_index, payers=tuple(map(tuple, payers))
        )
        return True

    def _choose(
        self,
        payments: tuple[tuple[int, int, int], ...],
        order: Sequence[int],
        used: list[int],
    ) -> tuple[int, int, int] | None:
        # A pledge already paying this traveller costs no extra traveller allowance.
        for pledge in used:
            for payment_index in order:
                program, miles, tax = payments[payment_index]
                if self.instance.pledge_program[pledge] == program and (
                    self.residual[pledge] >= miles
                ):
                    return pledge, miles, tax
        for payment_index in order:
            program, miles, tax = payments[payment_index]
            pledge = self._find(program, miles)
            if pledge != CASH:
                return pledge, miles, tax
        return None

    def _rollback(self, log: list[tuple[int, int, bool, int]]) -> None:
        for pledge, miles, new_traveller, cash in reversed(log):
            self.cash += cash
            if pledge != CASH:
                self._undraw(pledge, miles, new_traveller)

    def release(self, request_index: int) -> None:
        """Undo a served request, returning its miles, allowances and cash."""
        assignment = self.assignments.pop(request_index)
        request = self.instance.requests[request_index]
        option = request.options[assignment.option]
        for traveller in range(request.travellers):
            seen: set[int] = set()
            for fare, payers in zip(option.fares, assignment.payers, strict=True):
                pledge = payers[traveller]
                if pledge == CASH:
                    assert fare.cash_price is not None
                    self.cash += fare.cash_price
                    continue
                program = self.instance.pledge_program[pledge]
                miles, tax = next((m, t) for p, m, t in fare.payments if p == program)
                self._undraw(pledge, miles, pledge not in seen)
                self.cash += tax
                seen.add(pledge)

    def try_commit(self, assignment: Assignment) -> bool:
        """Apply an assignment from elsewhere if it fits the residuals; report whether."""
        request = self.instance.requests[assignment.request]
        option = request.options[assignment.option]
        miles_needed: dict[int, int] = {}
        travellers_needed: dict[int, int] = {}
        cash_needed = 0
        for traveller in range(request.travellers):
            seen: set[int] = set()
            for fare, payers in zip(option.fares, assignment.payers, strict=True):
                pledge = payers[traveller]
                if pledge == CASH:
                    if fare.cash_price is None:
                        return False
                    cash_needed += fare.cash_price
                    continue
                program = self.instance.pledge_program[pledge]
                payment = next(((m, t) for p, m, t in fare.payments if p == program), None)
                if payment is None:
                    return False
                miles_needed[pledge] = miles_needed.get(pledge, 0) + payment[0]
                cash_needed += payment[1]
                if pledge not in seen:
                    seen.add(pledge)
                    travellers_needed[pledge] = travellers_needed.get(pledge, 0) + 1
        if cash_needed > self.cash or assignment.request in self.assignments:
            return False
        for pledge, miles in miles_needed.items():
            if miles > self.residual[pledge] or travellers_needed[pledge] > self.allowance[pledge]:
                return False
        self.commit(assignment)
        return True

    def commit(self, assignment: Assignment) -> None:
        """Re-apply an assignment taken from this state earlier (it must still fit)."""
        request = self.instance.requests[assignment.request]
        option = request.options[assignment.option]
        for traveller in range(request.travellers):
            seen: set[int] = set()
            for fare, payers in zip(option.fares, assignment.payers, strict=True):
                pledge = payers[traveller]
                if pledge == CASH:
                    assert fare.cash_price is not None
                    self.cash -= fare.cash_price
                    continue
                program = self.instance.pledge_program[pledge]
                miles, tax = next((m, t) for p, m, t in fare.payments if p == program)
                self._draw(pledge, miles, pledge not in seen)
                self.cash -= tax
                seen.add(pledge)
        self.assignments[assignment.request] = assignment

    def cash_spent(self, request_index: int) -> int:
        """Cash units (taxes and cash tickets) a served request uses."""
        assignment = self.assignments[request_index]
        option = self.instance.requests[request_index].options[assignment.option]
        total = 0
        for fare, payers in zip(option.fares, assignment.payers, strict=True):
            for pledge in payers:
                if pledge == CASH:
                    total += fare.cash_price or 0
                else:
                    program = self.instance.pledge_program[pledge]
                    total += next(t for p, _, t in fare.payments if p == program)
        return total

    def polish_cash(self) -> None:
        """Objective (2) without touching (1): pay cash tickets from pledges where they fit.

        Each served request with cash tickets is taken out, its cash tickets are moved to
        the best-fitting pledge whose tax is below the cash price, and it is put back; if
        the new version does not fit, the old one is restored.
        """
        for request_index in sorted(self.assignments):
            old = self.assignments[request_index]
            if all(CASH not in payers for payers in old.payers):
                continue
            option = self.instance.requests[request_index].options[old.option]
            self.release(request_index)
            payers = [list(row) for row in old.payers]
            for fare_index, fare in enumerate(option.fares):
                for traveller, pledge in enumerate(payers[fare_index]):
                    if pledge != CASH or fare.cash_price is None:
                        continue
                    for program, miles, tax in sorted(fare.payments, key=lambda p: p[2]):
                        if tax >= fare.cash_price:
                            break
                        candidate = self._find(program, miles)
                        if candidate != CASH:
                            payers[fare_index][traveller] = candidate
                            break
            new = Assignment(
                request=request_index,
                option=old.option,
                payers=tuple(tuple(row) for row in payers),
            )
            if not self.try_commit(new):
                self.commit(old)

    def weighted_travellers(self) -> float:
        """Objective (1) of the current assignments."""
        return sum(self.instance.requests[index].weight for index in self.assignments)


def default_order(option: OptionData) -> list[list[int]]:
    """Try payments cheapest in miles first (a neutral order without dual prices)."""
    return [
        sorted(range(len(fare.payments)), key=lambda i: (fare.payments[i][1], fare.payments[i][2]))
        for fare in option.fares
    ]


def build_plan(
    instance: Instance, assignments: Sequence[Assignment], *, status: PlanStatus, bound: float
) -> Plan:
    """Turn assignments into a :class:`Plan` with tickets and totals."""
    served = []
    for assignment in sorted(assignments, key=lambda a: a.request):
        request: RequestData = instance.requests[assignment.request]
        option = request.options[assignment.option]
        tickets = []
        for fare, payers in zip(option.fares, assignment.payers, strict=True):
            for traveller, pledge in enumerate(payers, start=1):
                if pledge == CASH:
                    assert fare.fare.cash_price is not None
                    tickets.append(Ticket(fare.fare.id, traveller, None, 0, fare.fare.cash_price))
                else:
                    pledge_id = instance.pledge_ids[pledge]
                    program = instance.programs[instance.pledge_program[pledge]]
                    tickets.append(
                        Ticket(
                            fare.fare.id,
                            traveller,
                            pledge_id,
                            fare.fare.miles[program],
                            fare.fare.tax_for(program),
                        )
                    )
        served.append(
            ServedRequest(
                request=request.request.id, option=option.option.id, tickets=tuple(tickets)
            )
        )
    served_tuple = tuple(served)
    totals = compute_totals(instance.problem, served_tuple)
    return Plan(
        status=status,
        served=served_tuple,
        totals=totals,
        bound_weighted_travellers=max(bound, totals.weighted_travellers),
    )
