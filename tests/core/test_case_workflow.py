"""The case state machine: every legal move with its roles, every illegal move refused."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safepassage.core.case_workflow import (
    ADMIN,
    CASEWORKER,
    TRANSITIONS,
    TRAVEL_COORDINATOR,
    CaseState,
    IllegalTransitionError,
    ReasonRequiredError,
    TransitionNotPermittedError,
    available_targets,
    check_transition,
)

ROLES = (ADMIN, CASEWORKER, TRAVEL_COORDINATOR, "fundraiser", "viewer")
LEGAL = {(transition.source, transition.target): transition.roles for transition in TRANSITIONS}
ROAD = [
    CaseState.NEW,
    CaseState.TRIAGED,
    CaseState.VETTING,
    CaseState.APPROVED,
    CaseState.DOCUMENTS_VISA,
    CaseState.TRAVEL_PLANNED,
    CaseState.TICKETED,
    CaseState.DEPARTED,
    CaseState.ARRIVED,
    CaseState.RESETTLED,
]


def test_the_road_runs_from_new_to_resettled_and_then_closes() -> None:
    for source, target in itertools.pairwise(ROAD):
        assert (source, target) in LEGAL
    assert (CaseState.RESETTLED, CaseState.CLOSED) in LEGAL


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (source, target)
        for source, target in itertools.product(CaseState, CaseState)
        if (source, target) not in LEGAL
    ],
)
def test_every_illegal_move_is_refused_for_every_role(source: CaseState, target: CaseState) -> None:
    for role in ROLES:
        with pytest.raises(IllegalTransitionError):
            check_transition(source=source, target=target, roles=[role], reason="because")


@pytest.mark.parametrize(("source", "target"), sorted(LEGAL))
def test_each_legal_move_is_allowed_exactly_to_its_roles(
    source: CaseState, target: CaseState
) -> None:
    for role in ROLES:
        if role in LEGAL[(source, target)]:
            assert check_transition(source=source, target=target, roles=[role], reason="why")
        else:
            with pytest.raises(TransitionNotPermittedError):
                check_transition(source=source, target=target, roles=[role], reason="why")


def test_nothing_leaves_closed_and_nobody_without_a_role_moves_anything() -> None:
    assert available_targets(source=CaseState.CLOSED, roles=ROLES) == ()
    for source, target in LEGAL:
        with pytest.raises(TransitionNotPermittedError):
            check_transition(source=source, target=target, roles=[], reason="why")


def test_approval_and_closing_are_for_admins_only() -> None:
    assert LEGAL[(CaseState.VETTING, CaseState.APPROVED)] == {ADMIN}
    assert all(
        roles == {ADMIN} for (_, target), roles in LEGAL.items() if target == CaseState.CLOSED
    )


def test_declining_is_possible_only_before_approval() -> None:
    declinable = {source for source, target in LEGAL if target == CaseState.DECLINED}
    assert declinable == {CaseState.NEW, CaseState.TRIAGED, CaseState.VETTING}


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001])
def test_a_move_without_a_sensible_reason_is_refused(reason: str) -> None:
    with pytest.raises(ReasonRequiredError):
        check_transition(
            source=CaseState.NEW, target=CaseState.TRIAGED, roles=[CASEWORKER], reason=reason
        )


@given(
    source=st.sampled_from(CaseState),
    roles=st.sets(st.sampled_from(ROLES)),
)
def test_available_targets_are_exactly_the_moves_check_accepts(
    source: CaseState, roles: set[str]
) -> None:
    offered = set(available_targets(source=source, roles=roles))
    for target in CaseState:
        try:
            check_transition(source=source, target=target, roles=roles, reason="why")
        except (IllegalTransitionError, TransitionNotPermittedError):
            assert target not in offered
        else:
            assert target in offered
