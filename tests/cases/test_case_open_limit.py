"""SR-29: a per-user cap on the different cases opened per hour. The case page (which
decrypts the case) opens at most ``CASES_OPENED_PER_HOUR`` different cases per person per
hour; a case already opened this hour opens again; a refusal shows nothing of the case,
is audited as denied and records no opening."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.cases import actions
from safepassage.cases.actions import new_case_code
from safepassage.cases.models import Case, CaseMember
from safepassage.site import rate_limits
from safepassage.site.models import RateLimitCounter
from tests.cases.factories import clear_document_for
from tests.factories import StaffMember, make_staff, sign_in
from tests.travel.factories import matrix_travel_request

pytestmark = pytest.mark.django_db


def _cases(staff: StaffMember, count: int) -> list[Case]:
    today = timezone.localdate()
    cases = []
    for _ in range(count):
        case = Case.objects.create(
            organisation=staff.organisation,
            code=new_case_code(),
            opened_on=today,
            state_changed_on=today,
        )
        CaseMember.objects.create(case=case, user=staff.user, added_on=today)
        cases.append(case)
    return cases


def _open(client: Client, case: Case) -> int:
    return client.get(reverse("cases:detail", kwargs={"case_id": case.public_id})).status_code


def test_the_next_different_case_over_the_cap_is_refused_and_audited_as_denied(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: a caseworker who opened the cap's worth of different cases this hour
    monkeypatch.setattr(actions, "CASES_OPENED_PER_HOUR", 3)
    rate_limits.reset()
    staff = make_staff(Role.CASEWORKER)
    first, second, third, fourth = _cases(staff, 4)
    client = sign_in(Client(), staff)
    assert [_open(client, case) for case in (first, second, third)] == [200, 200, 200]

    # when: a fourth different case
    response = client.get(reverse("cases:detail", kwargs={"case_id": fourth.public_id}))

    # then: refused, nothing of it shown, the refusal audited and no opening recorded
    assert response.status_code == 429
    assert fourth.code not in response.content.decode()
    events = AuditEvent.objects.filter(object_ref=str(fourth.public_id))
    assert list(events.values_list("action", "outcome")) == [("case.view_refused", "denied")]
    # a case already opened this hour still opens
    assert _open(client, second) == 200


def test_the_cap_is_per_person(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(actions, "CASES_OPENED_PER_HOUR", 2)
    rate_limits.reset()
    busy = make_staff(Role.CASEWORKER)
    colleague = make_staff(Role.CASEWORKER, busy.organisation)
    cases = _cases(busy, 3)
    for case in cases:
        CaseMember.objects.create(case=case, user=colleague.user, added_on=timezone.localdate())
    busy_client = sign_in(Client(), busy)
    assert [_open(busy_client, case) for case in cases] == [200, 200, 429]

    colleague_client = sign_in(Client(), colleague)

    assert [_open(colleague_client, case) for case in cases[1:]] == [200, 200]


def test_the_counters_name_neither_the_person_nor_the_case(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(actions, "CASES_OPENED_PER_HOUR", 5)
    rate_limits.reset()
    staff = make_staff(Role.CASEWORKER)
    (case,) = _cases(staff, 1)
    _open(sign_in(Client(), staff), case)

    rows = str(list(RateLimitCounter.objects.values()))

    assert "case_open" in rows
    for clear in (str(staff.user.public_id), str(case.public_id), case.code):
        assert clear not in rows


def test_a_document_or_the_messages_of_one_case_too_many_are_refused_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: a caseworker who opened the one case the cap allows
    monkeypatch.setattr(actions, "CASES_OPENED_PER_HOUR", 1)
    rate_limits.reset()
    staff = make_staff(Role.CASEWORKER)
    opened, other = _cases(staff, 2)
    client = sign_in(Client(), staff)
    assert _open(client, opened) == 200

    # when: a document and the messages of another case
    document = clear_document_for(case=other, uploader=staff.user)
    download = client.get(
        reverse("cases:download_document", kwargs={"document_id": document.public_id})
    )
    messages = client.get(reverse("intake_staff:messages", kwargs={"case_id": other.public_id}))

    # then: both refused, audited as denied, nothing read
    assert (download.status_code, messages.status_code) == (429, 429)
    refused = AuditEvent.objects.filter(object_ref=str(other.public_id))
    assert list(refused.values_list("action", flat=True)) == ["case.view_refused"] * 2
    assert (
        client.get(
            reverse("intake_staff:messages", kwargs={"case_id": opened.public_id})
        ).status_code
        == 200
    )


def test_the_travel_request_of_one_case_too_many_is_refused_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(actions, "CASES_OPENED_PER_HOUR", 1)
    rate_limits.reset()
    staff = make_staff(Role.CASEWORKER)
    opened, other = _cases(staff, 2)
    client = sign_in(Client(), staff)
    assert _open(client, opened) == 200
    travel_request = matrix_travel_request(case=other)

    response = client.get(
        reverse("travel:request_detail", kwargs={"request_id": travel_request.public_id})
    )

    assert response.status_code == 429
    refused = AuditEvent.objects.filter(object_ref=str(other.public_id))
    assert list(refused.values_list("action", flat=True)) == ["case.view_refused"]
