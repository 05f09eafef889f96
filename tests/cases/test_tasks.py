"""Tasks on a case (issue 4, item 3): sealed text, assignee on the case, "my tasks", audit."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.cases.actions import do_add_case_member
from safepassage.cases.models import CaseTask
from safepassage.cases.task_actions import do_add_task
from tests.cases.factories import (
    KeyedStaff,
    keyed_organisation,
    make_case,
    make_keyed_staff,
    sign_in_with_keys,
)
from tests.factories import sign_in

pytestmark = pytest.mark.django_db

TEXT = "Call the consulate about the passport of Zarema"


def _writes() -> tuple[int, ...]:
    return (CaseTask.objects.count(), AuditEvent.objects.count(), len(mail.outbox))


def _tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def _task(*, actor: KeyedStaff, assignee: KeyedStaff | None = None, text: str = TEXT) -> CaseTask:
    case = make_case(actor=actor)
    return do_add_task(
        actor=actor.user,
        key_pair=actor.key_pair,
        case=case,
        assignee=(assignee or actor).user,
        due_on=_tomorrow(),
        text=text,
    )


def test_a_caseworker_adds_a_task_for_a_colleague_who_sees_it_on_their_list() -> None:
    # Given a case with two caseworkers on it
    organisation, _ = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    colleague = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=owner)
    do_add_case_member(actor=owner.user, key_pair=owner.key_pair, case=case, member=colleague.user)

    # When the owner gives the colleague a task
    response = sign_in_with_keys(Client(), owner).post(
        reverse("cases:add_task", kwargs={"case_id": case.public_id}),
        {"assignee": str(colleague.user.public_id), "due_on": "2031-05-01", "text": TEXT},
    )

    # Then the task is stored sealed, audited, and on the colleague's list and the case page
    assert response.status_code == 302
    task = CaseTask.objects.get()
    assert (task.assignee, task.due_on, task.done_on) == (
        colleague.user,
        datetime.date(2031, 5, 1),
        None,
    )
    assert b"consulate" not in bytes(task.text)
    assert AuditEvent.objects.filter(action="case.task_added", object_ref=str(case.public_id))
    client = sign_in_with_keys(Client(), colleague)
    mine = client.get(reverse("cases:my_tasks")).content.decode()
    assert TEXT in mine
    assert case.code in mine
    assert AuditEvent.objects.filter(
        action="case.tasks_viewed", actor=str(colleague.user.public_id)
    )
    assert TEXT in client.get(reverse("cases:detail", kwargs={"case_id": case.public_id})).text


def test_marking_a_task_done_takes_it_off_the_list_once() -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    task = _task(actor=keyed)
    client = sign_in_with_keys(Client(), keyed)
    url = reverse("cases:complete_task", kwargs={"task_id": task.public_id})

    assert client.post(url).status_code == 302
    again = client.post(url)

    task.refresh_from_db()
    assert task.done_on == timezone.localdate()
    assert again.status_code == 200  # "already done", nothing changed
    assert AuditEvent.objects.filter(action="case.task_done").count() == 1
    assert TEXT not in client.get(reverse("cases:my_tasks")).content.decode()


def test_a_task_for_someone_not_on_the_case_or_without_the_narrative_key_is_refused() -> None:
    organisation, _ = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    outsider = make_keyed_staff(Role.CASEWORKER, organisation)
    coordinator = make_keyed_staff(Role.TRAVEL_COORDINATOR, organisation)
    case = make_case(actor=owner)
    do_add_case_member(
        actor=owner.user, key_pair=owner.key_pair, case=case, member=coordinator.user
    )
    client = sign_in_with_keys(Client(), owner)
    before = _writes()

    for assignee in (outsider, coordinator):
        response = client.post(
            reverse("cases:add_task", kwargs={"case_id": case.public_id}),
            {"assignee": str(assignee.user.public_id), "due_on": "2031-05-01", "text": "x"},
        )
        assert response.status_code == 200

    assert _writes() == before


@pytest.mark.parametrize("role", [Role.FUNDRAISER, Role.VIEWER])
def test_roles_without_case_access_add_and_complete_no_task(role: str) -> None:
    organisation, _ = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    task = _task(actor=owner)
    client = sign_in_with_keys(Client(), make_keyed_staff(role, organisation))
    before = _writes()

    add = client.post(
        reverse("cases:add_task", kwargs={"case_id": task.case.public_id}),
        {"assignee": str(owner.user.public_id), "due_on": "2031-05-01", "text": "x"},
    )
    done = client.post(reverse("cases:complete_task", kwargs={"task_id": task.public_id}))

    assert (add.status_code, done.status_code) == (403, 403)
    assert _writes() == before
    assert CaseTask.objects.get().done_on is None


def test_a_caseworker_of_another_organisation_gets_404_for_tasks_and_sees_none() -> None:
    organisation, _ = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    task = _task(actor=owner)
    other, _ = keyed_organisation()
    outsider = make_keyed_staff(Role.CASEWORKER, other)
    client = sign_in_with_keys(Client(), outsider)
    before = _writes()

    done = client.post(reverse("cases:complete_task", kwargs={"task_id": task.public_id}))
    mine = client.get(reverse("cases:my_tasks"))

    assert done.status_code == 404
    assert TEXT not in mine.content.decode()
    assert task.case.code not in mine.content.decode()
    assert _writes() == before


def test_without_unlocked_keys_my_tasks_lists_due_days_but_no_text() -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    task = _task(actor=keyed)

    page = sign_in(Client(), keyed.staff).get(reverse("cases:my_tasks")).content.decode()

    assert task.case.code in page
    assert TEXT not in page
    assert not AuditEvent.objects.filter(action="case.tasks_viewed").exists()


def test_a_task_text_moved_to_another_row_does_not_open_and_the_page_still_works() -> None:
    # Given two tasks on a case, and someone with database access swapping their texts
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=keyed)
    first, second = (
        do_add_task(
            actor=keyed.user,
            key_pair=keyed.key_pair,
            case=case,
            assignee=keyed.user,
            due_on=_tomorrow(),
            text=text,
        )
        for text in ("First task text", "Second task text")
    )
    CaseTask.objects.filter(pk=first.pk).update(text=bytes(second.text))

    # When the case page is read
    page = sign_in_with_keys(Client(), keyed).get(
        reverse("cases:detail", kwargs={"case_id": case.public_id})
    )

    # Then the moved text fails to open (SR-04) and is shown as such; the other still opens
    assert page.status_code == 200
    assert "cannot be opened" in page.text
    assert page.text.count("Second task text") == 1
