"""Reading a problem document (JSON) into models, and writing a plan back to JSON.

``parse_problem`` is the one gate for untrusted input: it checks every field and raises
:class:`ProblemError` naming the offending id and field. Everything behind it (solver,
baseline, validator) may assume a well-formed :class:`Problem`.
"""

import json
import math
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from safepassage.core.allocation.errors import ProblemError
from safepassage.core.allocation.models import (
    Fare,
    Plan,
    PlanStatus,
    PlanTotals,
    Pledge,
    Problem,
    RouteOption,
    ServedRequest,
    Ticket,
    TravelRequest,
)


def load_problem_json(text: str) -> Problem:
    """Parse the text of a problem document; malformed JSON is a :class:`ProblemError`."""
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise ProblemError(
            code="malformed_json", item_id=None, field="document", message=f"not JSON: {error}"
        ) from error
    return parse_problem(data)


def parse_problem(data: object) -> Problem:
    """Check and convert a decoded problem document (see ALLOCATION.md)."""
    document = _mapping(data, None, "document")
    programs = _optional_programs(document)
    seen_ids: set[str] = set()
    pledges = tuple(
        _parse_pledge(item, seen_ids, programs)
        for item in _list(document.get("pledges"), None, "pledges")
    )
    requests = tuple(
        _parse_request(item, seen_ids, programs)
        for item in _list(document.get("requests"), None, "requests")
    )
    currency = document.get("currency", "USD")
    if not isinstance(currency, str) or not currency:
        raise ProblemError(
            code="invalid_currency", item_id=None, field="currency", message="must be a code"
        )
    return Problem(
        as_of=_date(document.get("as_of"), None, "as_of"),
        currency=currency,
        cash_budget=_money(document.get("cash_budget", 0), None, "cash_budget"),
        pledges=pledges,
        requests=requests,
    )


def _optional_programs(document: Mapping[str, object]) -> frozenset[str] | None:
    raw = document.get("programs")
    if raw is None:
        return None
    names = _list(raw, None, "programs")
    if not all(isinstance(name, str) and name for name in names):
        raise ProblemError(
            code="invalid_programs", item_id=None, field="programs", message="must be names"
        )
    return frozenset(str(name) for name in names)


def _parse_pledge(data: object, seen: set[str], programs: frozenset[str] | None) -> Pledge:
    item = _mapping(data, None, "pledges[]")
    pledge_id = _new_id(item, seen)
    program = _text(item.get("program"), pledge_id, "program")
    if programs is not None and program not in programs:
        raise _unknown_program(pledge_id, "program", program)
    max_travellers = item.get("max_travellers")
    return Pledge(
        id=pledge_id,
        donor=_text(item.get("donor", ""), pledge_id, "donor", allow_empty=True),
        program=program,
        miles=_count(item.get("miles"), pledge_id, "miles", minimum=0),
        expires=None
        if item.get("expires") is None
        else _date(item.get("expires"), pledge_id, "expires"),
        max_travellers=None
        if max_travellers is None
        else _count(max_travellers, pledge_id, "max_travellers", minimum=0),
    )


def _parse_request(data: object, seen: set[str], programs: frozenset[str] | None) -> TravelRequest:
    item = _mapping(data, None, "requests[]")
    request_id = _new_id(item, seen)
    options_raw = _list(item.get("options"), request_id, "options")
    if not options_raw:
        raise ProblemError(
            code="request_without_options",
            item_id=request_id,
            field="options",
            message="a request needs at least one route option",
        )
    priority = _number(item.get("priority", 1), request_id, "priority")
    if not priority > 0 or not math.isfinite(priority):
        raise ProblemError(
            code="invalid_priority", item_id=request_id, field="priority", message="must be > 0"
        )
    return TravelRequest(
        id=request_id,
        travellers=_count(item.get("travellers"), request_id, "travellers", minimum=1),
        priority=priority,
        options=tuple(_parse_option(option, seen, programs) for option in options_raw),
    )


def _parse_option(data: object, seen: set[str], programs: frozenset[str] | None) -> RouteOption:
    item = _mapping(data, None, "options[]")
    option_id = _new_id(item, seen)
    fares_raw = _list(item.get("fares"), option_id, "fares")
    if not fares_raw:
        raise ProblemError(
            code="option_without_fares",
            item_id=option_id,
            field="fares",
            message="a route option needs at least one fare",
        )
    return RouteOption(
        id=option_id, fares=tuple(_parse_fare(fare, seen, programs) for fare in fares_raw)
    )


def _parse_fare(data: object, seen: set[str], programs: frozenset[str] | None) -> Fare:
    item = _mapping(data, None, "fares[]")
    fare_id = _new_id(item, seen)
    miles: dict[str, int] = {}
    for program, value in _mapping(item.get("miles", {}), fare_id, "miles").items():
        if programs is not None and program not in programs:
            raise _unknown_program(fare_id, "miles", program)
        miles[program] = _count(value, fare_id, f"miles.{program}", minimum=1)
    taxes: dict[str, Decimal] = {}
    for program, value in _mapping(item.get("taxes", {}), fare_id, "taxes").items():
        if program not in miles:
            raise _unknown_program(fare_id, "taxes", program)
        taxes[program] = _money(value, fare_id, f"taxes.{program}")
    cash_price = item.get("cash_price")
    return Fare(
        id=fare_id,
        miles=miles,
        taxes=taxes,
        cash_price=None if cash_price is None else _money(cash_price, fare_id, "cash_price"),
    )


def _unknown_program(item_id: str, field: str, program: str) -> ProblemError:
    return ProblemError(
        code="unknown_program",
        item_id=item_id,
        field=field,
        message=f"unknown program {program!r}",
    )


def _new_id(item: Mapping[str, object], seen: set[str]) -> str:
    raw = item.get("id")
    if not isinstance(raw, str) or not raw:
        raise ProblemError(
            code="missing_id", item_id=None, field="id", message=f"every item needs an id: {item!r}"
        )
    if raw in seen:
        raise ProblemError(
            code="duplicate_id",
            item_id=raw,
            field="id",
            message="ids must be unique across the whole problem",
        )
    seen.add(raw)
    return raw


def _mapping(value: object, item_id: str | None, field: str) -> Mapping[str, object]:
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise ProblemError(
            code="invalid_type", item_id=item_id, field=field, message="must be an object"
        )
    return value


def _list(value: object, item_id: str | None, field: str) -> list[object]:
    if not isinstance(value, list):
        raise ProblemError(
            code="invalid_type", item_id=item_id, field=field, message="must be a list"
        )
    return value


def _text(value: object, item_id: str, field: str, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or not (value or allow_empty):
        raise ProblemError(
            code="invalid_type", item_id=item_id, field=field, message="must be a non-empty string"
        )
    return value


def _count(value: object, item_id: str, field: str, *, minimum: int) -> int:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProblemError(
            code="invalid_type", item_id=item_id, field=field, message="must be an integer"
        )
    if value < minimum:
        code = "negative_miles" if field.startswith("miles") and value < 0 else "out_of_range"
        raise ProblemError(
            code=code, item_id=item_id, field=field, message=f"must be >= {minimum}, got {value}"
        )
    return value


def _number(value: object, item_id: str | None, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ProblemError(
            code="invalid_type", item_id=item_id, field=field, message="must be a number"
        )
    return float(value)


def _money(value: object, item_id: str | None, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ProblemError(
            code="invalid_type", item_id=item_id, field=field, message="must be a number"
        )
    try:
        amount = Decimal(str(value))
    except InvalidOperation as error:  # pragma: no cover - str() of a number always parses
        raise ProblemError(
            code="invalid_type", item_id=item_id, field=field, message="must be a number"
        ) from error
    if not amount.is_finite() or amount < 0:
        raise ProblemError(
            code="negative_amount", item_id=item_id, field=field, message="must be >= 0"
        )
    return amount


def _date(value: object, item_id: str | None, field: str) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ProblemError(
        code="malformed_date",
        item_id=item_id,
        field=field,
        message=f"must be an ISO date (YYYY-MM-DD), got {value!r}",
    )


def plan_to_json(plan: Plan) -> dict[str, object]:
    """The plan as the JSON-ready document described in ALLOCATION.md."""
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
                        "cash": float(ticket.cash),
                    }
                    for ticket in item.tickets
                ],
            }
            for item in plan.served
        ],
        "totals": {
            "weighted_travellers": round(plan.totals.weighted_travellers, 9),
            "travellers": plan.totals.travellers,
            "cash": float(plan.totals.cash),
            "miles": plan.totals.miles,
            "pledges_used": plan.totals.pledges_used,
        },
        "bound": {"weighted_travellers": round(plan.bound_weighted_travellers, 9)},
    }


def plan_from_json(data: object) -> Plan:
    """Read a plan document back (for re-validating stored plans); trusts its shape."""
    document = _mapping(data, None, "plan")
    served = []
    for raw_item in _list(document.get("served"), None, "served"):
        item = _mapping(raw_item, None, "served[]")
        tickets = []
        for raw_ticket in _list(item.get("tickets"), None, "tickets"):
            ticket = _mapping(raw_ticket, None, "tickets[]")
            pledge = ticket.get("pledge")
            tickets.append(
                Ticket(
                    fare=str(ticket.get("fare")),
                    traveller=_count(ticket.get("traveller"), "ticket", "traveller", minimum=0),
                    pledge=None if pledge is None else str(pledge),
                    miles=_count(ticket.get("miles"), "ticket", "miles", minimum=0),
                    cash=_money(ticket.get("cash"), "ticket", "cash"),
                )
            )
        served.append(
            ServedRequest(
                request=str(item.get("request")),
                option=str(item.get("option")),
                tickets=tuple(tickets),
            )
        )
    totals = _mapping(document.get("totals"), None, "totals")
    bound = _mapping(document.get("bound"), None, "bound")
    return Plan(
        status=PlanStatus(str(document.get("status"))),
        served=tuple(served),
        totals=PlanTotals(
            weighted_travellers=_number(totals.get("weighted_travellers"), None, "totals"),
            travellers=_count(totals.get("travellers"), "totals", "travellers", minimum=0),
            cash=_money(totals.get("cash"), None, "totals.cash"),
            miles=_count(totals.get("miles"), "totals", "miles", minimum=0),
            pledges_used=_count(totals.get("pledges_used"), "totals", "pledges_used", minimum=0),
        ),
        bound_weighted_travellers=_number(bound.get("weighted_travellers"), None, "bound"),
    )
