"""The case state machine (issue 4, item 3): which moves exist and which roles may make them.

Framework-free: states and role names are plain strings so the Django layer can map its own
``Role`` values onto them. A case runs

    new → triaged → vetting → approved → documents/visa → travel planned → ticketed
        → departed → arrived → resettled

and may leave the road as *declined* (before approval), *withdrawn* (any time before it
ends) or *closed* (from resettled, declined or withdrawn). A ticketed case goes back to
*travel planned* when one of its booked tickets is cancelled (or a ticket waiting to be
booked again is declined) before departure. Every move needs a reason: a staff member's
is free text the Django layer stores sealed; a move made by the system or by the applicant
carries a :class:`ReasonCode` instead (a code, never text, so it holds nothing personal).
The applicant may withdraw their own request until travel is planned; after that, miles
and money are committed and the caseworkers stop the journey.
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
SYSTEM = "system"
"""The application itself, acting on what happened elsewhere (every ticket of a trip booked,
a booked ticket cancelled): no person and no staff role. Staff members never hold it."""

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


class ReasonCodeMismatchError(WorkflowError):
    """A coded reason given for a move (or an actor) it does not describe."""

    code = "reason_code_mismatch"


class ReasonCode(enum.StrEnum):
    """Why the system or the applicant moved a case: stored as the code, shown translated."""

    ALL_TICKETS_BOOKED = "all_tickets_booked"
    TICKET_CANCELLED = "ticket_cancelled"
    TICKET_DECLINED = "ticket_declined"
    APPLICANT_WITHDREW = "applicant_withdrew"


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
    # Staff may record it by hand; the system makes it when every ticket of a trip is booked.
    (CaseState.TRAVEL_PLANNED, CaseState.TICKETED, _TRAVEL | {SYSTEM}),
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
    # Back from ticketed when a ticket of the trip is cancelled (or declined) before
    # departure: only the system makes it, together with the booking change, so the case's
    # state never disagrees with its trip's.
    Transition(
        source=CaseState.TICKETED, target=CaseState.TRAVEL_PLANNED, roles=frozenset({SYSTEM})
    ),
)

CODED_REASONS: dict[ReasonCode, tuple[str, CaseState]] = {
    ReasonCode.ALL_TICKETS_BOOKED: (SYSTEM, CaseState.TICKETED),
    ReasonCode.TICKET_CANCELLED: (SYSTEM, CaseState.TRAVEL_PLANNED),
    ReasonCode.TICKET_DECLINED: (SYSTEM, CaseState.TRAVEL_PLANNED),
    ReasonCode.APPLICANT_WITHDREW: (APPLICANT, CaseState.WITHDRAWN),
}
"""Who gives each coded reason, and for a move to which state."""

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


def check_coded_transition(
    *, source: CaseState, target: CaseState, actor: str, reason_code: ReasonCode
) -> Transition:
    """Validate a move made by the system or the applicant (``actor``: :data:`SYSTEM` or
    :data:`APPLICANT`) with a coded reason.

    Checks, in order: the move exists, ``actor`` may make it, the code is one ``actor``
    gives for a move to ``target``.
    """
    transition = find_transition(source=source, target=target)
    if actor not in transition.roles:
        raise TransitionNotPermittedError
    if CODED_REASONS.get(reason_code) != (actor, target):
        raise ReasonCodeMismatchError
    return transition


def available_targets(*, source: CaseState, roles: Iterable[str]) -> tuple[CaseState, ...]:
    """The states an actor holding ``roles`` may move a case in ``source`` to, in road order."""
    held = frozenset(roles)
    return tuple(
        transition.target
        for transition in TRANSITIONS
        if transition.source == source and transition.roles & held
    )
