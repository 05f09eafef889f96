"""Moves made by the system or the applicant (``do_system_transition``,
``do_applicant_transition``): checked by the state machine under the case row lock, a
history row naming no one with a reason code, one audit event; refusals write nothing.
Also the migration that gave earlier applicant withdrawals their history row."""

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from safepassage.accounts.roles import Role
from safepassage.audit.actions import record_audit_event
from safepassage.audit.models import AuditEvent
from safepassage.cases.actions import (
    check_applicant_transition,
    check_system_transition,
    do_applicant_transition,
    do_system_transition,
    do_transition_case,
)
from safepassage.cases.errors import TransitionRefused
from safepassage.cases.models import Case, CaseState, CaseTransition
from safepassage.cases.models.case import TransitionActorKind, TransitionReason
from safepassage.core.case_workflow import ReasonCode
from tests.cases.factories import keyed_organisation, make_case, make_keyed_staff

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("safepassage.cases.migrations.0008_transition_actor_kind")


def _case(state: str) -> Case:
    organisation, _recovery = keyed_organisation()
    case = make_case(actor=make_keyed_staff(Role.CASEWORKER, organisation))
    Case.objects.filter(pk=case.pk).update(state=state)
    case.refresh_from_db()
    return case


def _writes() -> tuple[int, int]:
    return CaseTransition.objects.count(), AuditEvent.objects.count()


def test_the_system_tickets_a_travel_planned_case() -> None:
    case = _case(CaseState.TRAVEL_PLANNED)
    with transaction.atomic():
        transition = do_system_transition(
            case=case,
            target=CaseState.TICKETED,
            reason_code=ReasonCode.ALL_TICKETS_BOOKED,
            actor_ref="anonymous",
        )
    stored = Case.objects.get(pk=case.pk)
    assert stored.state == case.state == CaseState.TICKETED
    assert stored.state_changed_on == timezone.localdate()
    assert transition.actor_kind == TransitionActorKind.SYSTEM
    assert (transition.actor, transition.reason, transition.reason_group) == (None, None, "")
    event = AuditEvent.objects.filter(action="case.state.ticketed").get()
    assert (event.actor, event.object_ref) == ("anonymous", str(case.public_id))


@pytest.mark.parametrize(
    ("state", "target", "code"),
    [
        # no such move from this state
        (CaseState.VETTING, CaseState.TICKETED, ReasonCode.ALL_TICKETS_BOOKED),
        (CaseState.DEPARTED, CaseState.TRAVEL_PLANNED, ReasonCode.TICKET_CANCELLED),
        # a move the system never makes
        (CaseState.NEW, CaseState.WITHDRAWN, ReasonCode.APPLICANT_WITHDREW),
        (CaseState.TICKETED, CaseState.DEPARTED, ReasonCode.ALL_TICKETS_BOOKED),
        # the wrong reason for the move
        (CaseState.TICKETED, CaseState.TRAVEL_PLANNED, ReasonCode.ALL_TICKETS_BOOKED),
        (CaseState.TRAVEL_PLANNED, CaseState.TICKETED, ReasonCode.TICKET_CANCELLED),
        # not a state at all
        (CaseState.TICKETED, "lost", ReasonCode.TICKET_CANCELLED),
    ],
)
def test_a_refused_system_move_writes_nothing(state: str, target: str, code: ReasonCode) -> None:
    case = _case(state)
    before = _writes()
    with pytest.raises(TransitionRefused):
        check_system_transition(case=case, target=target, reason_code=code)
    with pytest.raises(TransitionRefused):
        do_system_transition(case=case, target=target, reason_code=code, actor_ref="system")
    assert _writes() == before
    assert Case.objects.get(pk=case.pk).state == state


def test_a_refusal_inside_a_callers_transaction_leaves_the_callers_work_to_the_caller() -> None:
    # the action runs in a savepoint: the caller may go on after a refusal
    case = _case(CaseState.WITHDRAWN)
    with transaction.atomic():
        record_audit_event(
            actor_ref="system", action="test.caller", object_type="case", object_ref="x"
        )
        with pytest.raises(TransitionRefused):
            do_system_transition(
                case=case,
                target=CaseState.TICKETED,
                reason_code=ReasonCode.ALL_TICKETS_BOOKED,
                actor_ref="system",
            )
    assert AuditEvent.objects.filter(action="test.caller").exists()
    assert not CaseTransition.objects.exists()


def test_the_applicant_withdraws_only_before_travel_is_planned() -> None:
    early = _case(CaseState.APPROVED)
    transition = do_applicant_transition(
        case=early,
        target=CaseState.WITHDRAWN,
        reason_code=ReasonCode.APPLICANT_WITHDREW,
        actor_ref="applicant",
    )
    assert transition.actor_kind == TransitionActorKind.APPLICANT
    assert transition.reason_code == TransitionReason.APPLICANT_WITHDREW
    late = _case(CaseState.TRAVEL_PLANNED)
    before = _writes()
    with pytest.raises(TransitionRefused):
        check_applicant_transition(
            case=late, target=CaseState.WITHDRAWN, reason_code=ReasonCode.APPLICANT_WITHDREW
        )
    with pytest.raises(TransitionRefused):
        do_applicant_transition(
            case=late,
            target=CaseState.WITHDRAWN,
            reason_code=ReasonCode.APPLICANT_WITHDREW,
            actor_ref="applicant",
        )
    assert _writes() == before


def test_the_applicant_cannot_make_the_systems_moves() -> None:
    case = _case(CaseState.TICKETED)
    with pytest.raises(TransitionRefused):
        do_applicant_transition(
            case=case,
            target=CaseState.TRAVEL_PLANNED,
            reason_code=ReasonCode.TICKET_CANCELLED,
            actor_ref="applicant",
        )
    assert Case.objects.get(pk=case.pk).state == CaseState.TICKETED


def test_staff_cannot_take_a_ticketed_case_back_by_hand() -> None:
    organisation, _recovery = keyed_organisation()
    admin = make_keyed_staff(Role.ADMIN, organisation)
    case = make_case(actor=admin)
    Case.objects.filter(pk=case.pk).update(state=CaseState.TICKETED)
    case.refresh_from_db()
    with pytest.raises(TransitionRefused):
        do_transition_case(
            actor=admin.user,
            key_pair=admin.key_pair,
            case=case,
            target=CaseState.TRAVEL_PLANNED,
            reason="The ticket was cancelled.",
        )


@pytest.mark.parametrize(
    ("actor_kind", "with_actor", "reason", "reason_code"),
    [
        # a system or applicant row naming a person, or holding text, or without a code
        (TransitionActorKind.SYSTEM, True, None, "all_tickets_booked"),
        (TransitionActorKind.SYSTEM, False, b"text", "all_tickets_booked"),
        (TransitionActorKind.APPLICANT, False, None, ""),
        # a staff row without its person or its sealed reason, or with a code
        (TransitionActorKind.STAFF, False, b"sealed", ""),
        (TransitionActorKind.STAFF, True, None, ""),
        (TransitionActorKind.STAFF, True, b"sealed", "all_tickets_booked"),
    ],
)
def test_the_database_refuses_a_row_that_mixes_the_kinds(
    actor_kind: str, with_actor: bool, reason: bytes | None, reason_code: str
) -> None:
    organisation, _recovery = keyed_organisation()
    staff = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseTransition.objects.create(
            case=case,
            actor=staff.user if with_actor else None,
            actor_kind=actor_kind,
            source=CaseState.NEW,
            target=CaseState.TRIAGED,
            made_on=timezone.localdate(),
            reason=reason,
            reason_code=reason_code,
        )


def test_the_migration_gives_an_earlier_applicant_withdrawal_its_history_row() -> None:
    # given a case triaged by staff, then withdrawn by the applicant when only the audit
    # trail recorded it (no CaseTransition row)
    organisation, _recovery = keyed_organisation()
    staff = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=staff)
    do_transition_case(
        actor=staff.user, key_pair=staff.key_pair, case=case, target="triaged", reason="ok"
    )
    Case.objects.filter(pk=case.pk).update(state=CaseState.WITHDRAWN)
    for action in ("case.viewed", "case.state.withdrawn"):
        record_audit_event(
            actor_ref="applicant",
            action=action,
            object_type="case",
            object_ref=str(case.public_id),
            organisation_ref=str(organisation.public_id),
        )
    # when the migration's data step runs (twice: it is idempotent)
    backfill.record_applicant_withdrawals(apps, None)
    backfill.record_applicant_withdrawals(apps, None)
    # then the withdrawal is in the history, from the state the audit trail shows
    row = CaseTransition.objects.get(case=case, target=CaseState.WITHDRAWN)
    assert (row.source, row.actor_kind, row.actor) == (
        CaseState.TRIAGED,
        TransitionActorKind.APPLICANT,
        None,
    )
    assert row.reason_code == TransitionReason.APPLICANT_WITHDREW
    assert row.reason is None
    # and a case shredded since (no row) is skipped
    record_audit_event(
        actor_ref="applicant",
        action="case.state.withdrawn",
        object_type="case",
        object_ref="3d8f8f0e-0000-4000-8000-000000000000",
    )
    backfill.record_applicant_withdrawals(apps, None)
    assert CaseTransition.objects.filter(target=CaseState.WITHDRAWN).count() == 1


def test_every_reason_code_has_a_label() -> None:
    assert {code.value for code in ReasonCode} == set(TransitionReason.values)
