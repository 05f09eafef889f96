"""Typed, immutable models of an allocation problem and of a plan.

Miles are ``int`` per program; cash is :class:`~decimal.Decimal` in the problem's currency.
Priorities are weights (not money), so they are ``float``.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Pledge:
    """One donor's miles in one loyalty program."""

    id: str
    donor: str
    program: str
    miles: int
    expires: date | None = None
    max_travellers: int | None = None

    def is_usable_on(self, day: date) -> bool:
        """Whether the pledge may pay tickets on ``day`` (not yet expired)."""
        return self.expires is None or self.expires >= day


@dataclass(frozen=True, slots=True)
class Fare:
    """One separately ticketed part of a route option, priced per traveller."""

    id: str
    miles: Mapping[str, int]
    taxes: Mapping[str, Decimal] = field(default_factory=dict)
    cash_price: Decimal | None = None

    def tax_for(self, program: str) -> Decimal:
        """The cash taxes a traveller pays when ``program`` pays this fare (0 if absent)."""
        return self.taxes.get(program, Decimal(0))


@dataclass(frozen=True, slots=True)
class RouteOption:
    """One way to move a party: the fares that together make the trip."""

    id: str
    fares: tuple[Fare, ...]


@dataclass(frozen=True, slots=True)
class TravelRequest:
    """A party of travellers who must all move together on one option."""

    id: str
    travellers: int
    priority: float
    options: tuple[RouteOption, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """Everything the allocator needs: pledges, travel requests and the cash budget."""

    as_of: date
    currency: str
    cash_budget: Decimal
    pledges: tuple[Pledge, ...]
    requests: tuple[TravelRequest, ...]


@dataclass(frozen=True, slots=True)
class Ticket:
    """One traveller's ticket for one fare, paid by a pledge (or by cash if ``pledge`` is None)."""

    fare: str
    traveller: int
    pledge: str | None
    miles: int
    cash: Decimal


@dataclass(frozen=True, slots=True)
class ServedRequest:
    """A request served on one option, with every ticket of every traveller."""

    request: str
    option: str
    tickets: tuple[Ticket, ...]


class PlanStatus(StrEnum):
    """How good the plan is known to be with respect to objective (1)."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    TIMEOUT = "timeout"


@dataclass(frozen=True, slots=True)
class PlanTotals:
    """Aggregate figures of a plan (objective terms)."""

    weighted_travellers: float
    travellers: int
    cash: Decimal
    miles: int
    pledges_used: int


@dataclass(frozen=True, slots=True)
class Plan:
    """The allocator's answer: served requests, totals and a proven bound."""

    status: PlanStatus
    served: tuple[ServedRequest, ...]
    totals: PlanTotals
    bound_weighted_travellers: float


def compute_totals(problem: Problem, served: tuple[ServedRequest, ...]) -> PlanTotals:
    """Compute the totals of ``served`` against ``problem`` (unknown request ids count 0)."""
    requests = {request.id: request for request in problem.requests}
    weighted = 0.0
    travellers = 0
    cash = Decimal(0)
    miles = 0
    pledges: set[str] = set()
    for item in served:
        request = requests.get(item.request)
        if request is not None:
            weighted += request.priority * request.travellers
            travellers += request.travellers
        for ticket in item.tickets:
            cash += ticket.cash
            miles += ticket.miles
            if ticket.pledge is not None:
                pledges.add(ticket.pledge)
    return PlanTotals(
        weighted_travellers=weighted,
        travellers=travellers,
        cash=cash,
        miles=miles,
        pledges_used=len(pledges),
    )
