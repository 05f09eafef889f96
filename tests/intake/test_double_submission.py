"""Sending the intake form twice (a double click with JavaScript off, a resend) opens one case
and both answers show the same codename; what is kept for that holds no plaintext, nothing
about the applicant, and is gone after it expires (decision 0026)."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from safepassage.audit.models import AuditEvent
from safepassage.cases.models import Case
from safepassage.intake import actions
from safepassage.intake.actions import (
    IntakeAnswers,
    IntakeReceipt,
    delete_expired_submission_receipts,
    do_submit_intake,
)
from safepassage.intake.models import Applicant, SubmissionReceipt
from safepassage.intake.selectors import SentRequest, find_sent_request
from safepassage.intake.submission_tokens import (
    MAX_AGE,
    SubmissionToken,
    new_submission_token,
    read_submission_token,
)
from safepassage.intake.tasks import delete_expired_submission_receipts as cleanup_task
from safepassage.intake.wordlists import WordListName
from tests.intake.factories import ANSWERS, applicant_client, intake_world, request_form, submit

pytestmark = pytest.mark.django_db

CLIENT_ADDRESS = "203.0.113.91"
USER_AGENT = "DoubleClickBrowser/1.0 (UserAgentMarker)"


def _codename(response: object) -> tuple[str, str]:
    receipt = response.context["receipt"]  # type: ignore[attr-defined]  # test client response
    return receipt.codename, receipt.case_code


def test_sending_the_same_form_twice_opens_one_case_and_shows_the_same_codename() -> None:
    # given a filled-in form with its one-time token
    world = intake_world()
    client = Client(REMOTE_ADDR=CLIENT_ADDRESS, HTTP_USER_AGENT=USER_AGENT)
    form = request_form(world.organisation)
    # when the applicant sends it twice
    first = client.post("/help/", form)
    second = client.post("/help/", form)
    # then one case and one applicant exist, and both pages show the same codename and code
    assert first.status_code == second.status_code == 200
    assert _codename(first) == _codename(second)
    assert Case.objects.count() == Applicant.objects.count() == 1
    assert AuditEvent.objects.filter(action="intake.submitted").count() == 1
    codename, case_code = _codename(second)
    assert codename in second.content.decode()
    # and the codename from the second page signs in
    assert applicant_client(IntakeReceipt(codename=codename, case_code=case_code)) is not None


def test_two_forms_are_two_requests() -> None:
    # given two forms, each with its own token
    world = intake_world()
    client = Client()
    # when each is sent
    first = client.post("/help/", request_form(world.organisation))
    second = client.post("/help/", request_form(world.organisation))
    # then two cases are opened with different codenames
    assert _codename(first) != _codename(second)
    assert Case.objects.count() == 2


def test_the_stored_receipt_holds_no_plaintext_and_nothing_about_the_applicant() -> None:
    # given a form sent from a known address and user agent
    world = intake_world()
    client = Client(REMOTE_ADDR=CLIENT_ADDRESS, HTTP_USER_AGENT=USER_AGENT)
    form = request_form(world.organisation)
    codename, case_code = _codename(client.post("/help/", form))
    # then the receipt row holds neither the codename, its words, the case code, the token,
    # the case's id, the address nor the user agent
    row = SubmissionReceipt.objects.get()
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{SubmissionReceipt._meta.db_table}"')  # noqa: S608  # model's own table
        stored = b"".join(
            bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode()
            for value in cursor.fetchone()
        )
    case = Case.objects.get()
    markers = [codename, *codename.split(), case_code, form["submission"]]
    markers += [form["submission"].split(":")[0], str(case.public_id), CLIENT_ADDRESS, USER_AGENT]
    for marker in markers:
        assert marker.encode() not in stored, marker
    assert row.response is not None
    assert {field.name for field in SubmissionReceipt._meta.get_fields()} == {
        "id",
        "token_digest",
        "response",
        "response_until",
        "expires_at",
    }


def test_after_fifteen_minutes_the_answer_is_erased_and_a_resend_still_opens_no_case() -> None:
    # given a form sent 16 minutes ago
    world = intake_world()
    client = Client()
    form = request_form(world.organisation)
    client.post("/help/", form)
    later = timezone.now() + datetime.timedelta(minutes=16)
    # when the cleanup runs
    delete_expired_submission_receipts(now=later)
    # then the encrypted answer is gone but the token is still known
    assert SubmissionReceipt.objects.get().response is None
    # and sending the same form again opens no case and says it was already sent
    response = client.post("/help/", form)
    assert response.status_code == 200
    assert "This request was already sent" in response.content.decode()
    assert "receipt" not in response.context
    assert Case.objects.count() == 1


def test_the_row_is_deleted_once_its_token_can_no_longer_be_sent() -> None:
    # given a sent form
    world = intake_world()
    Client().post("/help/", request_form(world.organisation))
    # when the scheduled cleanup runs after the token's last valid moment
    delete_expired_submission_receipts(now=timezone.now() + MAX_AGE + datetime.timedelta(hours=2))
    # then nothing is left
    assert not SubmissionReceipt.objects.exists()


def test_the_scheduled_task_erases_and_deletes() -> None:
    # given a receipt whose time has passed
    SubmissionReceipt.objects.create(
        token_digest="0" * 64,
        response=b"x",
        response_until=timezone.now() - datetime.timedelta(minutes=1),
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    # when the periodic task runs
    assert cleanup_task.call() == 1
    # then the row is gone
    assert not SubmissionReceipt.objects.exists()


@pytest.mark.parametrize(
    "token",
    ["", "not-a-token", "forged:1abc:signature"],
    ids=["missing", "malformed", "forged"],
)
def test_a_missing_malformed_or_forged_token_sends_nothing_and_keeps_the_answers(
    token: str,
) -> None:
    # given a filled-in form whose token is missing or not ours
    world = intake_world()
    form = request_form(world.organisation, submission=token, story="Keep-This-Story-b52")
    # when it is sent
    response = Client().post("/help/", form)
    # then nothing is opened, the answers are still in the form, and a fresh token is given
    html = response.content.decode()
    assert response.status_code == 200
    assert "nothing was sent now" in html
    assert "Keep-This-Story-b52" in html
    assert 'name="submission" value="' in html
    assert not Case.objects.exists()
    assert not SubmissionReceipt.objects.exists()


def test_a_tampered_token_is_refused() -> None:
    # given a real token with one character of its random part changed
    world = intake_world()
    token = new_submission_token()
    tampered = ("B" if token[0] != "B" else "C") + token[1:]
    # when it is sent
    response = Client().post("/help/", request_form(world.organisation, submission=tampered))
    # then nothing is opened
    assert "nothing was sent now" in response.content.decode()
    assert not Case.objects.exists()


def test_a_token_older_than_its_lifetime_is_asked_to_send_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a token issued longer ago than a form may stay open
    world = intake_world()
    issued = timezone.now() - MAX_AGE - datetime.timedelta(minutes=1)
    monkeypatch.setattr("time.time", issued.timestamp)
    token = new_submission_token()
    monkeypatch.undo()
    # when it is sent
    response = Client().post("/help/", request_form(world.organisation, submission=token))
    # then nothing is opened and the form asks to send again, with a fresh token
    html = response.content.decode()
    assert "nothing was sent now" in html
    assert token not in html
    assert not Case.objects.exists()


def test_the_resent_form_with_a_fresh_token_goes_through() -> None:
    # given the form re-rendered after a refused token
    world = intake_world()
    client = Client()
    response = client.post("/help/", request_form(world.organisation, submission="bad"))
    fresh = response.content.decode().split('name="submission" value="')[1].split('"')[0]
    # when it is sent again as it is
    again = client.post("/help/", request_form(world.organisation, submission=fresh))
    # then the request is opened
    assert again.context["receipt"].case_code == Case.objects.get().code


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_sends_at_the_same_moment_open_one_case_on_postgresql() -> None:
    # given one filled-in form
    world = intake_world()
    form = request_form(world.organisation)
    results: list[tuple[str, str]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def send() -> None:
        try:
            client = Client()
            barrier.wait()
            response = client.post("/help/", form)
            results.append(_codename(response))
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    # when two threads send it at once
    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then one case is opened and both answers show its codename
    assert not errors, errors
    assert len(results) == 2
    assert results[0] == results[1]
    assert Case.objects.count() == Applicant.objects.count() == 1
    assert AuditEvent.objects.filter(action="intake.submitted").count() == 1


def test_a_send_that_loses_the_race_rolls_back_whole_and_shows_the_first_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a form already sent, and a second send that checked before the first committed
    world = intake_world()
    client = Client()
    form = request_form(world.organisation)
    first = client.post("/help/", form)
    looked: list[bool] = []

    def not_yet_then_found(*, submission: SubmissionToken) -> SentRequest | None:
        looked.append(True)
        return None if len(looked) == 1 else find_sent_request(submission=submission)

    monkeypatch.setattr(actions, "find_sent_request", not_yet_then_found)
    # when the second send opens its case and then stores the same token's digest
    second = client.post("/help/", form)
    # then its case, applicant and audit event are rolled back and it shows the first answer
    assert len(looked) == 2
    assert _codename(second) == _codename(first)
    assert Case.objects.count() == Applicant.objects.count() == 1
    assert AuditEvent.objects.filter(action="intake.submitted").count() == 1


def test_a_sent_form_resent_after_its_token_expired_still_opens_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a form opened almost 12 hours ago and sent just before its token expired
    world = intake_world()
    issued = timezone.now() - MAX_AGE - datetime.timedelta(minutes=1)
    monkeypatch.setattr("time.time", issued.timestamp)
    token = new_submission_token()
    monkeypatch.undo()
    submission = read_submission_token(token, max_age=None)
    assert submission is not None
    first = submit(world.organisation)
    Case.objects.all().delete()
    receipt = do_submit_intake(
        organisation=world.organisation,
        answers=IntakeAnswers(**ANSWERS, party_size=1, urgency="weeks"),
        word_list=WordListName.ENGLISH,
        submission=submission,
    )
    assert first.case_code != receipt.case_code
    # when the browser sends it again, now that the token is past its lifetime
    response = Client().post("/help/", request_form(world.organisation, submission=token))
    # then it shows the first answer and opens nothing
    assert _codename(response) == (receipt.codename, receipt.case_code)
    assert Case.objects.count() == 1
