"""The applicant withdraws their own request (issue 4 follow-up): a confirmation step, the
case state machine's rule for the applicant (only before travel is planned), an audit event
without values, applicant-safe words afterwards; refused moves write nothing."""

import pytest
from django.test import Client

from safepassage.audit.models import AuditEvent
from safepassage.cases.actions import do_transition_case
from safepassage.cases.models import Case, CaseState, CaseTransition
from safepassage.cases.models.case import TransitionActorKind, TransitionReason
from safepassage.core import case_workflow
from safepassage.intake.actions import APPLICANT_ACTOR
from safepassage.intake.models import Message
from safepassage.intake.selectors import withdrawn_by_applicant
from tests.cases.factories import sign_in_with_keys
from tests.intake.factories import ANSWERS, applicant_client, intake_world, submit, take

pytestmark = pytest.mark.django_db

APPLICANT_MAY_WITHDRAW = [
    case_workflow.CaseState.NEW,
    case_workflow.CaseState.TRIAGED,
    case_workflow.CaseState.VETTING,
    case_workflow.CaseState.APPROVED,
    case_workflow.CaseState.DOCUMENTS_VISA,
]


@pytest.mark.parametrize("state", list(case_workflow.CaseState))
def test_the_applicant_may_only_withdraw_before_travel_is_planned(
    state: case_workflow.CaseState,
) -> None:
    targets = case_workflow.available_targets(source=state, roles=[case_workflow.APPLICANT])
    expected = (case_workflow.CaseState.WITHDRAWN,) if state in APPLICANT_MAY_WITHDRAW else ()
    assert targets == expected


def test_the_applicant_rule_gives_staff_roles_nothing_new() -> None:
    for state in case_workflow.CaseState:
        staff = case_workflow.available_targets(
            source=state, roles=[case_workflow.ADMIN, case_workflow.CASEWORKER]
        )
        assert case_workflow.CaseState.WITHDRAWN in staff or state not in APPLICANT_MAY_WITHDRAW


def test_the_applicant_confirms_and_the_request_is_withdrawn() -> None:
    # given a signed-in applicant whose request is being reviewed
    world = intake_world()
    receipt = submit(world.organisation)
    case = take(world, receipt)
    client = applicant_client(receipt)
    # when they open the withdrawal page from the status page
    status = client.get("/help/status/").content.decode()
    assert 'href="/help/withdraw/"' in status
    confirm = client.get("/help/withdraw/")
    # then nothing has happened yet
    assert confirm.status_code == 200
    assert 'class="quick-exit"' in confirm.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.NEW
    # when they confirm
    response = client.post("/help/withdraw/", {"confirm": "on"})
    # then the case is withdrawn, audited as the applicant with the case id only
    assert response.status_code == 302
    assert response["Location"] == "/help/status/"
    case.refresh_from_db()
    assert case.state == CaseState.WITHDRAWN
    event = AuditEvent.objects.filter(action="case.state.withdrawn").get()
    assert event.actor == APPLICANT_ACTOR
    assert event.object_ref == str(case.public_id)
    # and the status page says so in applicant-safe words, with no withdraw link left
    page = client.get("/help/status/").content.decode()
    assert "This request was withdrawn." in page
    assert "/help/withdraw/" not in page
    assert world.caseworker.user.display_name not in page


def test_the_caseworker_sees_the_applicant_withdrew() -> None:
    world = intake_world()
    receipt = submit(world.organisation)
    case = take(world, receipt)
    applicant_client(receipt).post("/help/withdraw/", {"confirm": "on"})
    page = sign_in_with_keys(Client(), world.caseworker).get(f"/cases/{case.public_id}/")
    assert "The applicant withdrew this request on" in page.content.decode()


def test_without_the_confirmation_nothing_happens() -> None:
    world = intake_world()
    receipt = submit(world.organisation)
    events = AuditEvent.objects.count()
    response = applicant_client(receipt).post("/help/withdraw/", {})
    assert response.status_code == 200
    assert Case.objects.get(code=receipt.case_code).state == CaseState.NEW
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    "state", [CaseState.TRAVEL_PLANNED, CaseState.TICKETED, CaseState.DECLINED, CaseState.WITHDRAWN]
)
def test_past_travel_planning_or_after_the_end_it_is_refused_and_nothing_written(
    state: str,
) -> None:
    # given a request the applicant may no longer withdraw
    world = intake_world()
    receipt = submit(world.organisation)
    Case.objects.filter(code=receipt.case_code).update(state=state)
    client = applicant_client(receipt)
    events = AuditEvent.objects.count()
    # then neither page offers it, and a POST changes nothing
    assert "/help/withdraw/" not in client.get("/help/status/").content.decode()
    response = client.post("/help/withdraw/", {"confirm": "on"})
    assert response.status_code == 200
    assert "can no longer be withdrawn" in response.content.decode()
    assert Case.objects.get(code=receipt.case_code).state == state
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("method", ["get", "post"])
def test_without_the_applicant_cookie_nothing_is_withdrawn(method: str) -> None:
    # given a request and someone without its codename (or a staff member)
    world = intake_world()
    receipt = submit(world.organisation)
    events = AuditEvent.objects.count()
    for client in (Client(), sign_in_with_keys(Client(), world.caseworker)):
        response = getattr(client, method)("/help/withdraw/", {"confirm": "on"})
        # then they are sent to the codename page and nothing changes
        assert response.status_code == 302
        assert response["Location"] == "/help/check/"
    assert Case.objects.get(code=receipt.case_code).state == CaseState.NEW
    assert AuditEvent.objects.count() == events


def test_the_withdrawal_page_speaks_russian() -> None:
    world = intake_world()
    client = applicant_client(submit(world.organisation))
    client.cookies["django_language"] = "ru"
    page = client.get("/help/withdraw/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Отозвать" in page
    assert ANSWERS["story"] not in page


def test_a_note_with_the_withdrawal_reaches_the_caseworker_sealed() -> None:
    # given a taken request
    world = intake_world()
    receipt = submit(world.organisation)
    case = take(world, receipt)
    # when the applicant withdraws with a note
    applicant_client(receipt).post(
        "/help/withdraw/", {"confirm": "on", "note": "Canary-Withdraw-Note-3"}
    )
    # then the note is stored only sealed, and the caseworker reads it with the messages
    message = Message.objects.get(case=case)
    assert b"Canary-Withdraw-Note-3" not in bytes(message.applicant_copy)
    staff = sign_in_with_keys(Client(), world.caseworker)
    assert (
        "Canary-Withdraw-Note-3" in staff.get(f"/cases/{case.public_id}/messages/").content.decode()
    )


def test_a_refused_withdrawal_keeps_no_note() -> None:
    world = intake_world()
    receipt = submit(world.organisation)
    Case.objects.filter(code=receipt.case_code).update(state=CaseState.TICKETED)
    applicant_client(receipt).post("/help/withdraw/", {"confirm": "on", "note": "Canary-4"})
    assert not Message.objects.exists()


def test_the_withdrawal_is_in_the_case_history_as_the_applicant_with_nothing_personal() -> None:
    # given a taken request the applicant withdraws with a note
    world = intake_world()
    receipt = submit(world.organisation)
    case = take(world, receipt)
    applicant_client(receipt).post("/help/withdraw/", {"confirm": "on", "note": "Canary-5"})
    # then the history row names the applicant's move by kind and code only
    transition = CaseTransition.objects.get(case=case)
    assert (transition.source, transition.target) == (CaseState.NEW, CaseState.WITHDRAWN)
    assert transition.actor_kind == TransitionActorKind.APPLICANT
    assert transition.actor is None
    assert transition.reason is None
    assert transition.reason_code == TransitionReason.APPLICANT_WITHDREW
    # and the caseworker's history table shows it; the note is a message, not the reason
    page = sign_in_with_keys(Client(), world.caseworker).get(f"/cases/{case.public_id}/")
    history = page.content.decode().split("History</h2>", 1)[1].split("Working on this case")[0]
    assert "<td>The applicant</td>" in history
    assert "Withdrawn by the applicant" in history
    assert "Canary-5" not in history


def test_a_staff_withdrawal_is_not_shown_as_the_applicants() -> None:
    world = intake_world()
    receipt = submit(world.organisation)
    case = take(world, receipt)
    do_transition_case(
        actor=world.caseworker.user,
        key_pair=world.caseworker.key_pair,
        case=case,
        target=CaseState.WITHDRAWN,
        reason="Asked by phone.",
    )
    assert not withdrawn_by_applicant(case=case)
    page = sign_in_with_keys(Client(), world.caseworker).get(f"/cases/{case.public_id}/")
    assert "The applicant withdrew this request on" not in page.content.decode()


def test_a_refused_withdrawal_writes_no_history_row() -> None:
    # given a request moved past travel planning before the applicant confirms
    world = intake_world()
    receipt = submit(world.organisation)
    client = applicant_client(receipt)
    Case.objects.filter(code=receipt.case_code).update(state=CaseState.TRAVEL_PLANNED)
    client.post("/help/withdraw/", {"confirm": "on"})
    assert not CaseTransition.objects.exists()
