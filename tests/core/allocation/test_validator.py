"""The independent plan validator against hand-made valid and invalid plans."""

from dataclasses import replace
from decimal import Decimal

import pytest

from safepassage.core.allocation.models import (
    Plan,
    PlanStatus,
    Problem,
    ServedRequest,
    Ticket,
    compute_totals,
)
from safepassage.core.allocation.validator import validate_plan
from tests.core.allocation.builders import fare, pledge, problem, request


def _problem() -> Problem:
    return problem(
        [
            pledge("P1", "AC", 60000, max_travellers=2),
            pledge("P2", "UA", 30000),
            pledge("P3", "AC", 50000, expires="2026-11-30"),
            pledge("P4", "AC", 20000),
            pledge("P5", "AC", 100000, max_travellers=1),
        ],
        [
            request(
                "R1",
                2,
                [
                    [
                        fare("F1", {"AC": 17500, "UA": 22000}, taxes={"AC": 60.0}, cash_price=310),
                        fare("F2", {"AC": 12500}, taxes={"AC": 40.0}),
                    ]
                ],
                priority=2.0,
            ),
            request("R2", 1, [[fare("F3", {"UA": 5000})]]),
        ],
        cash_budget=300.0,
    )


def _ticket(fare_id: str, traveller: int, pledge_id: str | None, miles: int, cash: str) -> Ticket:
    return Ticket(fare_id, traveller, pledge_id, miles, Decimal(cash))


VALID_TICKETS = (
    _ticket("F1", 1, "P1", 17500, "60.0"),
    _ticket("F1", 2, "P2", 22000, "0"),
    _ticket("F2", 1, "P1", 12500, "40.0"),
    _ticket("F2", 2, "P1", 12500, "40.0"),
)


def _plan(tickets: tuple[Ticket, ...], *extra: ServedRequest, option: str = "R1-0") -> Plan:
    served = (ServedRequest("R1", option, tickets), *extra)
    prob = _problem()
    return Plan(
        status=PlanStatus.FEASIBLE,
        served=served,
        totals=compute_totals(prob, served),
        bound_weighted_travellers=5.0,
    )


def _rules(plan: Plan) -> set[int]:
    return {violation.rule for violation in validate_plan(_problem(), plan)}


def test_a_hand_made_valid_plan_passes() -> None:
    assert validate_plan(_problem(), _plan(VALID_TICKETS)) == ()


def test_the_empty_plan_is_valid() -> None:
    prob = _problem()
    empty = Plan(PlanStatus.FEASIBLE, (), compute_totals(prob, ()), 0.0)

    assert validate_plan(prob, empty) == ()


@pytest.mark.parametrize(
    "tickets",
    [
        pytest.param(VALID_TICKETS[:3], id="missing-ticket"),
        pytest.param((*VALID_TICKETS, VALID_TICKETS[0]), id="duplicate-ticket"),
        pytest.param((*VALID_TICKETS, _ticket("F1", 3, None, 0, "0")), id="no-such-traveller"),
        pytest.param((*VALID_TICKETS, _ticket("F3", 1, "P2", 5000, "0")), id="fare-of-other"),
    ],
)
def test_rule_1_a_request_is_served_whole_or_not_at_all(tickets: tuple[Ticket, ...]) -> None:
    assert 1 in _rules(_plan(tickets))


def test_rule_1_an_option_of_another_request_is_refused() -> None:
    assert 1 in _rules(_plan(VALID_TICKETS, option="R2-0"))


def test_rule_1_a_request_served_twice_is_refused() -> None:
    again = ServedRequest("R1", "R1-0", VALID_TICKETS)

    assert 1 in _rules(_plan(VALID_TICKETS, again))


@pytest.mark.parametrize(
    ("index", "ticket"),
    [
        pytest.param(3, _ticket("F2", 2, "P2", 12500, "0"), id="program-cannot-pay"),
        pytest.param(0, _ticket("F1", 1, "P1", 17000, "60.0"), id="wrong-miles"),
        pytest.param(0, _ticket("F1", 1, "P1", 17500, "0"), id="wrong-tax"),
        pytest.param(3, _ticket("F2", 2, None, 0, "0"), id="cash-ticket-without-price"),
        pytest.param(1, _ticket("F1", 2, None, 0, "300"), id="cash-ticket-wrong-price"),
        pytest.param(1, _ticket("F1", 2, None, 22000, "310"), id="cash-ticket-with-miles"),
    ],
)
def test_rule_2_tickets_record_what_the_fare_costs(index: int, ticket: Ticket) -> None:
    tickets = list(VALID_TICKETS)
    tickets[index] = ticket

    assert 2 in _rules(_plan(tuple(tickets)))


def test_rule_2_a_cash_ticket_at_the_cash_price_is_valid() -> None:
    tickets = list(VALID_TICKETS)
    tickets[1] = _ticket("F1", 2, None, 0, "160")
    cheap = replace(_problem(), cash_budget=Decimal(1000))

    # 160 is not the cash price (310), so the same plan fails; at 310 it passes.
    assert any(v.rule == 2 for v in validate_plan(cheap, _plan(tuple(tickets))))
    tickets[1] = _ticket("F1", 2, None, 0, "310")
    assert validate_plan(cheap, _plan(tuple(tickets))) == ()


@pytest.mark.parametrize(
    "tickets",
    [
        pytest.param(
            (
                _ticket("F1", 1, "P3", 17500, "60.0"),
                *VALID_TICKETS[1:],
            ),
            id="expired-pledge",
        ),
        pytest.param(
            (
                _ticket("F1", 1, "P4", 17500, "60.0"),
                VALID_TICKETS[1],
                _ticket("F2", 1, "P4", 12500, "40.0"),
                VALID_TICKETS[3],
            ),
            id="balance-exceeded",
        ),
        pytest.param(
            (
                _ticket("F1", 1, "P5", 17500, "60.0"),
                VALID_TICKETS[1],
                VALID_TICKETS[2],
                _ticket("F2", 2, "P5", 12500, "40.0"),
            ),
            id="max-travellers-exceeded",
        ),
    ],
)
def test_rule_3_pledges_are_usable_and_within_balance_and_limit(
    tickets: tuple[Ticket, ...],
) -> None:
    assert 3 in _rules(_plan(tickets))


def test_rule_3_one_traveller_on_several_fares_counts_once() -> None:
    tickets = (
        _ticket("F1", 1, "P5", 17500, "60.0"),
        VALID_TICKETS[1],
        _ticket("F2", 1, "P5", 12500, "40.0"),
        VALID_TICKETS[3],
    )

    assert validate_plan(_problem(), _plan(tickets)) == ()


def test_rule_4_cash_stays_within_budget() -> None:
    tickets = list(VALID_TICKETS)
    tickets[1] = _ticket("F1", 2, None, 0, "310")

    assert 4 in _rules(_plan(tuple(tickets)))


def test_totals_that_do_not_match_the_tickets_are_reported() -> None:
    plan = _plan(VALID_TICKETS)
    wrong = replace(plan, totals=replace(plan.totals, miles=1))

    assert 0 in _rules(wrong)


def test_a_bound_below_the_plan_is_reported() -> None:
    plan = replace(_plan(VALID_TICKETS), bound_weighted_travellers=1.0)

    assert 0 in _rules(plan)


def test_unknown_ids_are_reported() -> None:
    tickets = (*VALID_TICKETS[:3], _ticket("F2", 2, "P9", 12500, "40.0"))
    ghost = ServedRequest("R9", "R9-0", ())

    assert 0 in _rules(_plan(tickets, ghost))
