"""The case state machine (issue 4, item 3): which moves exist and which roles may make them.

Framework-free: states and role names are plain strings so the Django layer can map its own
``Role`` values onto them. A case runs

    new → triaged → vetting → approved → documents/visa → travel planned → ticketed
        → departed → arrived → resettled

and may leave the road as *declined* (before approval), *withdrawn* (any time before it
ends) or *closed* (from resettled, declined or withdrawn). Every move needs a reason: the
Django layer stores it sealed and audits the move. The applicant may withdraw their own
request until travel is planned; after that, miles and money are committed and the
caseworkers stop the journey.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

ADMIN = "admin"
CASEWORKER = "caseworker"
TRAVEL_COORDINATOR = "travel_coordinator"
APPLICANT = "applicant"
"""The person who asked for help, acting through the intake with their codename: no staff
role; the only move open to them is withdrawing their own request."""

MAX_REASON_LENGTH = 2000


class CaseState(enum.StrEnum):
    NEW = "new"
    TRIAGED = "triaged"
    VETTING = "vetting"
    APPROVED = "approved"
    DOCUMENTS_VISA = "documents_visa"
    TRAVEL_PLANNED = "travel_planned"
    TICKETED = "ticketed"
    DEPARTED = "departed"
    ARRIVED = "arrived"
    RESETTLED = "resettled"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


class WorkflowError(Exception):
    """Base of the state machine's refusals; ``code`` names the reason."""

    code = "workflow_error"


class IllegalTransitionError(WorkflowError):
    """No such move exists from the case's state."""

    code = "illegal_transition"


class TransitionNotPermittedError(WorkflowError):
    """The move exists but none of the actor's roles may make it."""

    code = "transition_not_permitted"


class ReasonRequiredError(WorkflowError):
    """Every move records why; an empty or over-long reason is refused."""

    code = "reason_required"


@dataclass(frozen=True, kw_only=True)
class Transition:
    """One permitted move and the roles that may make it."""

    source: CaseState
    target: CaseState
    roles: frozenset[str]


_CASE_TEAM = frozenset({ADMIN, CASEWORKER})
_TRAVEL = frozenset({ADMIN, CASEWORKER, TRAVEL_COORDINATOR})
_ADMIN_ONLY = frozenset({ADMIN})

_ROAD: tuple[tuple[CaseState, CaseState, frozenset[str]], ...] = (
    (CaseState.NEW, CaseState.TRIAGED, _CASE_TEAM),
    (CaseState.TRIAGED, CaseState.VETTING, _CASE_TEAM),
    # Approval commits the network's money and miles: admins only.
    (CaseState.VETTING, CaseState.APPROVED, _ADMIN_ONLY),
    (CaseState.APPROVED, CaseState.DOCUMENTS_VISA, _CASE_TEAM),
    (CaseState.DOCUMENTS_VISA, CaseState.TRAVEL_PLANNED, _TRAVEL),
    (CaseState.TRAVEL_PLANNED, CaseState.TICKETED, _TRAVEL),
    (CaseState.TICKETED, CaseState.DEPARTED, _TRAVEL),
    (CaseState.DEPARTED, CaseState.ARRIVED, _TRAVEL),
    (CaseState.ARRIVED, CaseState.RESETTLED, _CASE_TEAM),
)

_DECLINABLE = (CaseState.NEW, CaseState.TRIAGED, CaseState.VETTING)
_WITHDRAWABLE = (
    CaseState.NEW,
    CaseState.TRIAGED,
    CaseState.VETTING,
    CaseState.APPROVED,
    CaseState.DOCUMENTS_VISA,
    CaseState.TRAVEL_PLANNED,
    CaseState.TICKETED,
)
# The applicant withdraws only before travel is planned (miles and money not yet committed).
_APPLICANT_WITHDRAWABLE = frozenset(
    {
        CaseState.NEW,
        CaseState.TRIAGED,
        CaseState.VETTING,
        CaseState.APPROVED,
        CaseState.DOCUMENTS_VISA,
    }
)
_CLOSABLE = (CaseState.RESETTLED, CaseState.DECLINED, CaseState.WITHDRAWN)

TRANSITIONS: tuple[Transition, ...] = (
    *(Transition(source=source, target=target, roles=roles) for source, target, roles in _ROAD),
    *(
        Transition(source=source, target=CaseState.DECLINED, roles=_CASE_TEAM)
        for source in _DECLINABLE
    ),
    *(
        Transition(
            source=source,
            target=CaseState.WITHDRAWN,
            roles=_CASE_TEAM | {APPLICANT} if source in _APPLICANT_WITHDRAWABLE else _CASE_TEAM,
        )
        for source in _WITHDRAWABLE
    ),
    *(
        Transition(source=source, target=CaseState.CLOSED, roles=_ADMIN_ONLY)
        for source in _CLOSABLE
    ),
)

_BY_MOVE: dict[tuple[CaseState, CaseState], Transition] = {
    (transition.source, transition.target): transition for transition in TRANSITIONS
}

OPEN_STATES = frozenset(CaseState) - {CaseState.CLOSED}
"""States in which a case still appears in lists of live work."""

TRIAGE_STATES = frozenset({CaseState.NEW, CaseState.TRIAGED})
"""States listed in the triage queue."""


def find_transition(*, source: CaseState, target: CaseState) -> Transition:
    """The move from ``source`` to ``target``; :class:`IllegalTransitionError` if none."""
    transition = _BY_MOVE.get((source, target))
    if transition is None:
        raise IllegalTransitionError
    return transition


def check_transition(
    *, source: CaseState, target: CaseState, roles: Iterable[str], reason: str
) -> Transition:
    """Validate a move by an actor holding ``roles``, with a non-empty ``reason``.

    Checks, in order: the move exists, one of the roles may make it, the reason is given.
    """
    transition = find_transition(source=source, target=target)
    if not transition.roles & frozenset(roles):
        raise TransitionNotPermittedError
    if not reason.strip() or len(reason) > MAX_REASON_LENGTH:
        raise ReasonRequiredError
    return transition


def available_targets(*, source: CaseState, roles: Iterable[str]) -> tuple[CaseState, ...]:
    """The states an actor holding ``roles`` may move a case in ``source`` to, in road order."""
    held = frozenset(roles)
    return tuple(
        transition.target
        for transition in TRANSITIONS
        if transition.source == source and transition.roles & held
    )
