"""The case state machine: every legal move with its roles, every illegal move refused."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safepassage.core.case_workflow import (
    ADMIN,
    APPLICANT,
    CASEWORKER,
    CODED_REASONS,
    SYSTEM,
    TRANSITIONS,
    TRAVEL_COORDINATOR,
    CaseState,
    IllegalTransitionError,
    ReasonCode,
    ReasonCodeMismatchError,
    ReasonRequiredError,
    TransitionNotPermittedError,
    available_targets,
    check_coded_transition,
    check_transition,
)

STAFF_ROLES = (ADMIN, CASEWORKER, TRAVEL_COORDINATOR, "fundraiser", "viewer")
ROLES = (*STAFF_ROLES, APPLICANT, SYSTEM)
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


def test_only_the_system_takes_a_ticketed_case_back_to_travel_planned() -> None:
    assert LEGAL[(CaseState.TICKETED, CaseState.TRAVEL_PLANNED)] == {SYSTEM}
    for role in STAFF_ROLES:
        assert CaseState.TRAVEL_PLANNED not in available_targets(
            source=CaseState.TICKETED, roles=[role]
        )


def test_the_system_makes_exactly_the_ticketing_moves() -> None:
    system_moves = {move for move, roles in LEGAL.items() if SYSTEM in roles}
    assert system_moves == {
        (CaseState.TRAVEL_PLANNED, CaseState.TICKETED),
        (CaseState.TICKETED, CaseState.TRAVEL_PLANNED),
    }


def test_no_move_leads_back_from_departed_or_later() -> None:
    after_departure = {CaseState.DEPARTED, CaseState.ARRIVED, CaseState.RESETTLED}
    for source, target in LEGAL:
        if source in after_departure:
            assert target not in {CaseState.TRAVEL_PLANNED, CaseState.TICKETED}


def test_a_coded_move_passes_exactly_when_it_exists_its_actor_may_make_it_and_the_code_fits() -> (
    None
):
    # every (move, actor, code) combination: the first failing check names the refusal
    for source, target, actor, reason_code in itertools.product(
        CaseState, CaseState, (SYSTEM, APPLICANT, *STAFF_ROLES), ReasonCode
    ):
        expected: type[Exception] | None
        if (source, target) not in LEGAL:
            expected = IllegalTransitionError
        elif actor not in LEGAL[(source, target)]:
            expected = TransitionNotPermittedError
        elif CODED_REASONS[reason_code] != (actor, target):
            expected = ReasonCodeMismatchError
        else:
            expected = None
        if expected is None:
            transition = check_coded_transition(
                source=source, target=target, actor=actor, reason_code=reason_code
            )
            assert (transition.source, transition.target) == (source, target)
        else:
            with pytest.raises(expected):
                check_coded_transition(
                    source=source, target=target, actor=actor, reason_code=reason_code
                )


def test_every_coded_reason_names_a_move_its_actor_may_make_from_somewhere() -> None:
    for actor, target in CODED_REASONS.values():
        assert any(actor in roles for (_, t), roles in LEGAL.items() if t == target)
    assert set(CODED_REASONS) == set(ReasonCode)
