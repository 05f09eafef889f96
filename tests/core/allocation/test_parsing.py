"""Rejecting bad problems: every error names the offending id and field."""

import copy
import json
from decimal import Decimal
from typing import Any

import pytest

from safepassage.core.allocation.errors import ProblemError
from safepassage.core.allocation.parsing import load_problem_json, parse_problem
from tests.core.allocation.builders import document, fare, pledge, request


def _valid() -> dict[str, Any]:
    return document(
        [pledge("P1", "AC", 60000, expires="2027-01-15", max_travellers=2)],
        [
            request(
                "R1",
                2,
                [[fare("F1", {"AC": 17500, "UA": 22000}, taxes={"AC": 60.0}, cash_price=310.0)]],
            )
        ],
        cash_budget=500.0,
    )


def test_a_valid_problem_is_parsed_into_models() -> None:
    problem = load_problem_json(json.dumps(_valid()))

    assert problem.pledges[0].max_travellers == 2
    assert problem.pledges[0].expires is not None
    assert problem.requests[0].options[0].fares[0].tax_for("AC") == Decimal("60.0")
    assert problem.requests[0].options[0].fares[0].tax_for("UA") == Decimal(0)
    assert problem.cash_budget == Decimal("500.0")


def _mutate(path: list[str | int], value: object) -> dict[str, Any]:
    data = copy.deepcopy(_valid())
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("data", "code", "item_id", "field"),
    [
        (_mutate(["pledges", 0, "miles"], -5), "negative_miles", "P1", "miles"),
        (
            _mutate(["requests", 0, "options", 0, "fares", 0, "miles", "AC"], -1),
            "negative_miles",
            "F1",
            "miles.AC",
        ),
        (
            _mutate(["requests", 0, "options", 0, "fares", 0, "taxes"], {"LH": 10.0}),
            "unknown_program",
            "F1",
            "taxes",
        ),
        (_mutate(["requests", 0, "id"], "P1"), "duplicate_id", "P1", "id"),
        (_mutate(["requests", 0, "options", 0, "id"], "F1"), "duplicate_id", "F1", "id"),
        (
            _mutate(["requests", 0, "options", 0, "fares"], []),
            "option_without_fares",
            "R1-0",
            "fares",
        ),
        (_mutate(["requests", 0, "options"], []), "request_without_options", "R1", "options"),
        (_mutate(["pledges", 0, "expires"], "2027-02-30"), "malformed_date", "P1", "expires"),
        (_mutate(["as_of"], "01/12/2026"), "malformed_date", None, "as_of"),
        (_mutate(["requests", 0, "priority"], 0), "invalid_priority", "R1", "priority"),
        (_mutate(["requests", 0, "travellers"], 0), "out_of_range", "R1", "travellers"),
        (_mutate(["requests", 0, "travellers"], True), "invalid_type", "R1", "travellers"),
        (_mutate(["pledges", 0, "max_travellers"], -1), "out_of_range", "P1", "max_travellers"),
        (_mutate(["cash_budget"], -1), "negative_amount", None, "cash_budget"),
        (
            _mutate(["requests", 0, "options", 0, "fares", 0, "cash_price"], "cheap"),
            "invalid_type",
            "F1",
            "cash_price",
        ),
        (_mutate(["pledges"], {"P1": 1}), "invalid_type", None, "pledges"),
    ],
)
def test_a_bad_problem_is_rejected_naming_id_and_field(
    data: dict[str, Any], code: str, item_id: str | None, field: str
) -> None:
    with pytest.raises(ProblemError) as raised:
        parse_problem(data)

    assert raised.value.code == code
    assert raised.value.item_id == item_id
    assert raised.value.field == field
    if item_id is not None:
        assert repr(item_id) in str(raised.value)


def test_a_program_outside_a_declared_catalogue_is_unknown() -> None:
    data = _valid() | {"programs": ["UA"]}

    with pytest.raises(ProblemError) as raised:
        parse_problem(data)

    assert (raised.value.code, raised.value.item_id, raised.value.field) == (
        "unknown_program",
        "P1",
        "program",
    )


def test_text_that_is_not_json_is_rejected() -> None:
    with pytest.raises(ProblemError) as raised:
        load_problem_json("{not json")

    assert raised.value.code == "malformed_json"
