"""Access audit (issue 4, item 7; SR-30): every cases URL that shows sealed case data or
changes a case writes an audit event, and no audit event holds a personal value.

The walk covers every URL of the ``cases`` namespace: a URL missing from ``AUDITED`` or
``NOT_AUDITED`` fails the test, so a new page has to say which it is.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from pytest_django import Settings

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.cases.actions import WorkflowFields, do_create_case_from_intake
from safepassage.cases.models import (
    Case,
    CaseDocument,
    CaseReferral,
    CaseTask,
    OrganisationKeyring,
)
from safepassage.core.crypto import (
    FieldContext,
    IntakeValue,
    PublicKey,
    SensitiveGroup,
    seal_intake,
)
from safepassage.organisations.models import Partnership
from tests.cases.attention_factories import clear_attention_for
from tests.cases.factories import (
    KeyedStaff,
    keyed_organisation,
    make_keyed_staff,
    sign_in_with_keys,
)

pytestmark = pytest.mark.django_db

MARKERS = {
    "full_name": "AuditMarkerName",
    "contact": "AuditMarkerContact",
    "current_location": "AuditMarkerPlace",
    "story": "AuditMarkerStory",
    "note": "AuditMarkerNote",
    "household": "AuditMarkerHousehold",
    "reason": "AuditMarkerReason",
    "task": "AuditMarkerTask",
    "file": "AuditMarkerFile.pdf",
    "consent": "AuditMarkerConsent",
}

NOT_AUDITED = {
    "cases:queue": "lists clear workflow fields only (code, state, priority, day)",
}
"""Pages that show no sealed value; their GET is checked to show none of the markers."""


@dataclass
class World:
    caseworker: KeyedStaff
    admin: KeyedStaff
    partner: KeyedStaff
    clients: dict[str, Client]
    case: Case | None = None
    intake: Case | None = None


@pytest.fixture
def world(settings: Settings, tmp_path: Path) -> World:
    settings.DATA_DIR = tmp_path
    organisation, _ = keyed_organisation()
    partner_organisation, _ = keyed_organisation()
    Partnership.objects.create(organisation=organisation, partner=partner_organisation)
    Partnership.objects.create(organisation=partner_organisation, partner=organisation)
    caseworker = make_keyed_staff(Role.CASEWORKER, organisation)
    admin = make_keyed_staff(Role.ADMIN, organisation)
    partner = make_keyed_staff(Role.CASEWORKER, partner_organisation)
    return World(
        caseworker=caseworker,
        admin=admin,
        partner=partner,
        clients={
            "caseworker": sign_in_with_keys(Client(), caseworker),
            "admin": sign_in_with_keys(Client(), admin),
            "partner": sign_in_with_keys(Client(), partner),
        },
    )


def _intake(world: World) -> Case:
    organisation = world.caseworker.staff.organisation
    keyring = OrganisationKeyring.objects.get(organisation=organisation)
    case_id = uuid.uuid4()
    return do_create_case_from_intake(
        organisation=organisation,
        sealed=seal_intake(
            case_id=str(case_id),
            values=[
                IntakeValue(
                    group=SensitiveGroup.IDENTITY,
                    context=FieldContext(model="cases.Case", field="identity", row_id=str(case_id)),
                    plaintext=b'{"full_name": "AuditMarkerName"}',
                )
            ],
            team_public_key=PublicKey(raw=bytes(keyring.team_public_key or b"")),
            recovery_public_key=PublicKey(raw=bytes(keyring.recovery_public_key)),
        ),
        workflow=WorkflowFields(priority=4, risk=4),
    )


@dataclass(frozen=True)
class Step:
    """One request: who, which URL (kwargs from the world), GET or POST data, and the audit
    action it must write about the case (or the organisation, for retention)."""

    name: str
    who: str
    kwargs: Callable[[World], dict[str, object]]
    data: Callable[[World], dict[str, object]] | None
    action: str


def _case(world: World) -> dict[str, object]:
    assert world.case is not None
    return {"case_id": world.case.public_id}


def _organisation(world: World) -> dict[str, object]:
    return {"organisation_id": world.caseworker.staff.organisation.public_id}


def _attention(world: World) -> dict[str, object]:
    assert world.case is not None
    item = clear_attention_for(case=world.case, recipient=world.caseworker.user)
    return {"attention_id": item.public_id}


def _referral(world: World) -> dict[str, object]:
    return {"referral_id": CaseReferral.objects.get().public_id}


AUDITED = [
    Step(
        "cases:create",
        "caseworker",
        lambda world: {},
        lambda world: {
            "organisation": str(world.caseworker.staff.organisation.public_id),
            "full_name": MARKERS["full_name"],
            "contact": MARKERS["contact"],
            "current_location": MARKERS["current_location"],
            "story": MARKERS["story"],
            "priority": "3",
            "risk": "3",
        },
        "case.created",
    ),
    Step("cases:detail", "caseworker", _case, None, "case.viewed"),
    Step(
        "cases:add_note",
        "caseworker",
        _case,
        lambda world: {"body": MARKERS["note"]},
        "case.note_added",
    ),
    Step(
        "cases:add_household_member",
        "caseworker",
        _case,
        lambda world: {"full_name": MARKERS["household"]},
        "case.household_member_added",
    ),
    Step(
        "cases:transition",
        "caseworker",
        _case,
        lambda world: {"target": "triaged", "reason": MARKERS["reason"]},
        "case.state.triaged",
    ),
    Step(
        "cases:workflow_fields",
        "caseworker",
        _case,
        lambda world: {"priority": "4", "risk": "4", "origin": "GRV", "destination": "VNO"},
        "case.workflow_fields_changed",
    ),
    Step(
        "cases:add_member",
        "caseworker",
        _case,
        lambda world: {"member": str(world.admin.user.public_id)},
        "case.member_added",
    ),
    Step(
        "cases:add_task",
        "caseworker",
        _case,
        lambda world: {
            "assignee": str(world.admin.user.public_id),
            "due_on": "2031-01-01",
            "text": MARKERS["task"],
        },
        "case.task_added",
    ),
    Step("cases:my_tasks", "admin", lambda world: {}, None, "case.tasks_viewed"),
    Step(
        "cases:complete_task",
        "admin",
        lambda world: {"task_id": CaseTask.objects.get().public_id},
        lambda world: {},
        "case.task_done",
    ),
    Step(
        "cases:upload_document",
        "caseworker",
        _case,
        lambda world: {"document": SimpleUploadedFile(MARKERS["file"], b"%PDF-1.4 x")},
        "case.document_uploaded",
    ),
    Step(
        "cases:download_document",
        "admin",
        lambda world: {"document_id": CaseDocument.objects.get().public_id},
        None,
        "case.document_downloaded",
    ),
    Step(
        "cases:delete_document",
        "caseworker",
        lambda world: {"document_id": CaseDocument.objects.get().public_id},
        lambda world: {},
        "case.document_deleted",
    ),
    Step(
        "cases:refer",
        "caseworker",
        _case,
        lambda world: {
            "to_organisation": str(world.partner.staff.organisation.public_id),
            "sender_keeps_access": "on",
            "consent_given_by": MARKERS["consent"],
            "consent_given_on": "2026-11-01",
            "consent_how": MARKERS["consent"],
        },
        "case.referred.sent",
    ),
    Step(
        "cases:accept_referral",
        "partner",
        _referral,
        lambda world: {},
        "case.referral_accepted.received",
    ),
    Step(
        "cases:revoke_referral",
        "caseworker",
        _referral,
        lambda world: {},
        "case.referral_revoked.sent",
    ),
    Step(
        "cases:dismiss_attention",
        "caseworker",
        _attention,
        lambda world: {},
        "case.attention_dismissed",
    ),
    Step(
        "cases:remove_member",
        "caseworker",
        lambda world: _case(world) | {"user_id": world.admin.user.public_id},
        lambda world: {},
        "case.member_removed",
    ),
    Step(
        "cases:take",
        "caseworker",
        lambda world: {"case_id": world.intake.public_id if world.intake else None},
        lambda world: {},
        "case.taken",
    ),
    Step(
        "cases:retention",
        "admin",
        _organisation,
        lambda world: {"closed": "30"},
        "organisation.retention_rules_changed",
    ),
]


def _cases_url_names() -> set[str]:
    (resolver,) = [
        pattern
        for pattern in get_resolver().url_patterns
        if isinstance(pattern, URLResolver) and pattern.namespace == "cases"
    ]
    return {
        f"cases:{pattern.name}"
        for pattern in resolver.url_patterns
        if isinstance(pattern, URLPattern)
    }


def test_every_cases_url_is_either_audited_or_shows_no_sealed_value() -> None:
    assert {step.name for step in AUDITED} | set(NOT_AUDITED) == _cases_url_names()
    assert not {step.name for step in AUDITED} & set(NOT_AUDITED)


def test_every_view_and_change_of_case_data_writes_an_event_without_personal_values(
    world: World,
) -> None:
    world.intake = _intake(world)
    for step in AUDITED:
        # Given the state the previous steps left
        before = AuditEvent.objects.count()
        url = reverse(step.name, kwargs=step.kwargs(world))
        client = world.clients[step.who]

        # When the page is read or the change is posted
        response = client.get(url) if step.data is None else client.post(url, step.data(world))
        if step.name == "cases:create":
            world.case = Case.objects.exclude(pk=world.intake.pk).get()

        # Then it worked and an event names the case (or organisation) and the action
        assert response.status_code in {200, 302}, step.name
        assert response.status_code == 302 or step.data is None, (step.name, response.text[:500])
        new = AuditEvent.objects.order_by("position")[before:]
        assert world.case is not None
        expected_object = (
            str(world.caseworker.staff.organisation.public_id)
            if step.name == "cases:retention"
            else str(world.intake.public_id if step.name == "cases:take" else world.case.public_id)
        )
        assert (step.action, expected_object) in {
            (event.action, event.object_ref) for event in new
        }, step.name

    # and the GET-only pages show no sealed value
    for name in NOT_AUDITED:
        page = world.clients["admin"].get(reverse(name)).text
        assert not [marker for marker in MARKERS.values() if marker in page], name

    # and no audit event anywhere holds a personal value
    for event in AuditEvent.objects.all():
        text = " ".join(
            str(value)
            for value in (
                event.actor,
                event.action,
                event.object_type,
                event.object_ref,
                event.organisation,
                event.outcome,
            )
        )
        assert not [marker for marker in MARKERS.values() if marker in text]
        assert "@" not in text
