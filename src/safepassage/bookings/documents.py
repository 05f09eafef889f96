"""The allocator's problem and plan as stored JSON documents.

ALLOCATION.md writes amounts as JSON numbers; stored here they are strings, so no amount
of money ever passes through a float. :func:`load_problem` turns the strings back into
``Decimal`` and lets the core parser check every field.
"""

from decimal import Decimal
from typing import Any

from safepassage.core.allocation import (
    Plan,
    PlanStatus,
    PlanTotals,
    Problem,
    ServedRequest,
    Ticket,
    parse_problem,
)

type Document = dict[str, Any]
"""Decoded JSON: its shape is checked by the core parser, or was written by this module."""


def problem_to_document(problem: Problem) -> Document:
    """The problem as a JSON-ready dict (ids only; money as strings)."""
    return {
        "as_of": problem.as_of.isoformat(),
        "currency": problem.currency,
        "cash_budget": str(problem.cash_budget),
        "pledges": [
            {
                "id": pledge.id,
                "donor": pledge.donor,
                "program": pledge.program,
                "miles": pledge.miles,
                "expires": None if pledge.expires is None else pledge.expires.isoformat(),
                "max_travellers": pledge.max_travellers,
            }
            for pledge in problem.pledges
        ],
        "requests": [
            {
                "id": request.id,
                "travellers": request.travellers,
                "priority": request.priority,
                "options": [
                    {
                        "id": option.id,
                        "fares": [
                            {
                                "id": fare.id,
                                "miles": dict(fare.miles),
                                "taxes": {p: str(t) for p, t in fare.taxes.items()},
                                "cash_price": None
                                if fare.cash_price is None
                                else str(fare.cash_price),
                            }
                            for fare in option.fares
                        ],
                    }
                    for option in request.options
                ],
            }
            for request in problem.requests
        ],
    }


def _decimal(value: object) -> object:
    return Decimal(value) if isinstance(value, str) else value


def load_problem(document: object) -> Problem:
    """The stored problem back as a checked :class:`Problem` (``ProblemError`` if bad)."""
    if not isinstance(document, dict):
        return parse_problem(document)
    data = dict(document)
    data["cash_budget"] = _decimal(data.get("cash_budget"))
    requests = []
    for request in data.get("requests") or []:
        options = []
        for option in request.get("options") or []:
            fares = [
                fare
                | {
                    "taxes": {p: _decimal(t) for p, t in (fare.get("taxes") or {}).items()},
                    "cash_price": _decimal(fare.get("cash_price")),
                }
                for fare in option.get("fares") or []
            ]
            options.append(option | {"fares": fares})
        requests.append(request | {"options": options})
    data["requests"] = requests
    return parse_problem(data)


def plan_to_document(plan: Plan) -> Document:
    """The plan as a JSON-ready dict (money as strings)."""
    return {
        "status": plan.status.value,
        "served": [
            {
                "request": item.request,
                "option": item.option,
                "tickets": [
                    {
                        "fare": ticket.fare,
                        "traveller": ticket.traveller,
                        "pledge": ticket.pledge,
                        "miles": ticket.miles,
                        "cash": str(ticket.cash),
                    }
                    for ticket in item.tickets
                ],
            }
            for item in plan.served
        ],
        "totals": {
            "weighted_travellers": plan.totals.weighted_travellers,
            "travellers": plan.totals.travellers,
            "cash": str(plan.totals.cash),
            "miles": plan.totals.miles,
            "pledges_used": plan.totals.pledges_used,
        },
        "bound": {"weighted_travellers": plan.bound_weighted_travellers},
    }


def load_plan(document: Document) -> Plan:
    """A stored plan back as a :class:`Plan` (stored by :func:`plan_to_document`)."""
    served = tuple(
        ServedRequest(
            request=str(item["request"]),
            option=str(item["option"]),
            tickets=tuple(
                Ticket(
                    fare=str(ticket["fare"]),
                    traveller=int(ticket["traveller"]),
                    pledge=None if ticket["pledge"] is None else str(ticket["pledge"]),
                    miles=int(ticket["miles"]),
                    cash=Decimal(str(ticket["cash"])),
                )
                for ticket in item["tickets"]
            ),
        )
        for item in _items(document.get("served"))
    )
    totals = _item(document.get("totals"))
    bound = _item(document.get("bound"))
    return Plan(
        status=PlanStatus(str(document.get("status"))),
        served=served,
        totals=PlanTotals(
            weighted_travellers=float(totals["weighted_travellers"]),
            travellers=int(totals["travellers"]),
            cash=Decimal(str(totals["cash"])),
            miles=int(totals["miles"]),
            pledges_used=int(totals["pledges_used"]),
        ),
        bound_weighted_travellers=float(bound["weighted_travellers"]),
    )


def _items(value: object) -> list[Document]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _item(value: object) -> Document:
    return value if isinstance(value, dict) else {}
