"""Small problem documents for the allocation tests, built through the real parser."""

from typing import Any

from safepassage.core.allocation.models import Problem
from safepassage.core.allocation.parsing import parse_problem


def pledge(pledge_id: str, program: str, miles: int, **extra: Any) -> dict[str, Any]:
    base = {"id": pledge_id, "donor": f"donor-{pledge_id}", "program": program, "miles": miles}
    return base | extra


def fare(fare_id: str, miles: dict[str, int], **extra: Any) -> dict[str, Any]:
    return {"id": fare_id, "miles": miles} | extra


def request(
    request_id: str, travellers: int, options: list[list[dict[str, Any]]], priority: float = 1.0
) -> dict[str, Any]:
    return {
        "id": request_id,
        "travellers": travellers,
        "priority": priority,
        "options": [
            {"id": f"{request_id}-{index}", "fares": fares} for index, fares in enumerate(options)
        ],
    }


def document(
    pledges: list[dict[str, Any]],
    requests: list[dict[str, Any]],
    *,
    cash_budget: float = 0.0,
    as_of: str = "2026-12-01",
) -> dict[str, Any]:
    return {
        "as_of": as_of,
        "currency": "USD",
        "cash_budget": cash_budget,
        "pledges": pledges,
        "requests": requests,
    }


def problem(pledges: list[dict[str, Any]], requests: list[dict[str, Any]], **extra: Any) -> Problem:
    return parse_problem(document(pledges, requests, **extra))
