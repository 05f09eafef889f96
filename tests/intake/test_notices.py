"""When the applicant writes (or withdraws), the people who can read it get an e-mail that
says only that something needs attention (SR-18): no content, no case code, sent after the
commit through the configured mailer, at most one per case per hour."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safepassage.accounts.roles import Role
from safepassage.cases.models import Case, TeamKeyCopy
from safepassage.intake import actions
from safepassage.intake.actions import NOTICE_INTERVAL, NOTICE_SCOPE
from safepassage.intake.models import Applicant
from safepassage.site.models import RateLimitCounter
from tests.cases.factories import make_keyed_staff, sign_in_with_keys
from tests.intake.factories import ANSWERS, applicant_client, intake_world, submit, take

# Real commits: the on-commit hooks run as in production, and the worker closes its database
# connection on PostgreSQL, which a test wrapped in a transaction would not survive.
pytestmark = pytest.mark.django_db(transaction=True)


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")


def _write(client: Client, body: str) -> None:
    assert client.post("/help/status/", {"body": body}).status_code == 302


def test_a_message_sends_a_content_free_notice_to_the_caseworker_on_the_case() -> None:
    # given a taken request, and a colleague of the same team not on the case
    world = intake_world()
    receipt = submit(world.organisation)
    case = take(world, receipt)
    make_keyed_staff(Role.CASEWORKER, world.organisation)
    client = applicant_client(receipt)
    # when the applicant writes
    _write(client, "Canary-Notice-1")
    # then nothing is sent before the worker runs, and then one e-mail to the caseworker
    assert mail.outbox == []
    _run_worker()
    assert [message.to for message in mail.outbox] == [[world.caseworker.user.email]]
    notice = mail.outbox[0]
    text = str(notice.subject) + str(notice.body)
    # that says nothing about the case, the applicant or the message
    for secret in ["Canary-Notice-1", receipt.case_code, str(case.public_id), *ANSWERS.values()]:
        assert secret not in text
    assert "needs your attention" in text
    assert "Требуется" in notice.subject


def test_before_anyone_took_the_case_the_case_team_key_holders_are_told() -> None:
    # given a request nobody took yet, a team-key holder and a colleague holding no team key
    world = intake_world()
    colleague = make_keyed_staff(Role.CASEWORKER, world.organisation)
    receipt = submit(world.organisation)
    holders = set(
        TeamKeyCopy.objects.filter(organisation=world.organisation).values_list(
            "user__email", flat=True
        )
    )
    assert holders == {world.caseworker.user.email}
    # when the applicant writes
    _write(applicant_client(receipt), "hello")
    _run_worker()
    # then only those who can open the message are told
    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients == holders
    assert colleague.user.email not in recipients


def test_at_most_one_notice_per_case_per_hour() -> None:
    # given an applicant who writes three times in a row
    world = intake_world()
    receipt = submit(world.organisation)
    take(world, receipt)
    client = applicant_client(receipt)
    for body in ("one", "two", "three"):
        _write(client, body)
    _run_worker()
    # then one notice was sent
    assert len(mail.outbox) == 1
    # and another applicant's case is not held back by it
    other = submit(world.organisation)
    take(world, other)
    _write(applicant_client(other), "elsewhere")
    _run_worker()
    assert len(mail.outbox) == 2
    # and once its hour has passed the first case may notify again
    RateLimitCounter.objects.filter(scope=NOTICE_SCOPE).update(expires_at=timezone.now())
    _write(client, "four")
    _run_worker()
    assert len(mail.outbox) == 3


def test_the_throttle_row_names_no_case_and_expires() -> None:
    world = intake_world()
    receipt = submit(world.organisation)
    take(world, receipt)
    applicant = Applicant.objects.get(case__code=receipt.case_code)
    actions.do_send_applicant_message(applicant=applicant, body="hello")
    row = RateLimitCounter.objects.get(scope=NOTICE_SCOPE)
    case = Case.objects.get(code=receipt.case_code)
    assert str(case.public_id) not in row.client_digest
    assert case.code not in row.client_digest
    assert row.expires_at <= timezone.now() + NOTICE_INTERVAL


def test_a_withdrawal_notifies_too() -> None:
    world = intake_world()
    receipt = submit(world.organisation)
    take(world, receipt)
    applicant_client(receipt).post("/help/withdraw/", {"confirm": "on"})
    _run_worker()
    assert [message.to for message in mail.outbox] == [[world.caseworker.user.email]]


def test_a_refused_message_claims_and_sends_nothing() -> None:
    # given an empty message, which the form refuses
    world = intake_world()
    receipt = submit(world.organisation)
    take(world, receipt)
    response = applicant_client(receipt).post("/help/status/", {"body": ""})
    assert response.status_code == 200
    assert not DBTaskResult.objects.exists()
    assert not RateLimitCounter.objects.filter(scope=NOTICE_SCOPE).exists()
    _run_worker()
    assert mail.outbox == []


def test_a_staff_reply_sends_no_notice() -> None:
    world = intake_world()
    case = take(world, submit(world.organisation))
    staff = sign_in_with_keys(Client(), world.caseworker)
    staff.post(f"/cases/{case.public_id}/messages/reply/", {"body": "Reply"})
    _run_worker()
    assert mail.outbox == []
