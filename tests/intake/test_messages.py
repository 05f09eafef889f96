"""Messages both ways (issue 4 item 2, SR-05, SR-18): the applicant's are sealed to public
keys on arrival and filed under the case's narrative key when a caseworker reads them;
replies are sealed to the applicant and the case; wrong roles and other organisations are
refused and nothing is written."""

import pytest
from django.test import Client

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.cases.actions import do_add_case_member
from safepassage.cases.models import Case
from safepassage.intake.models import Direction, Message
from tests.cases.factories import keyed_organisation, make_keyed_staff, sign_in_with_keys
from tests.intake.factories import applicant_client, intake_world, submit, take

pytestmark = pytest.mark.django_db


def test_the_applicant_writes_and_the_caseworker_reads_and_files_it() -> None:
    # given a request taken by a caseworker, and a message from the applicant
    world = intake_world()
    receipt = submit(world.organisation)
    case = take(world, receipt)
    applicant = applicant_client(receipt)
    assert applicant.post("/help/status/", {"body": "Canary-Hello-1"}).status_code == 302
    message = Message.objects.get()
    assert message.direction == Direction.FROM_APPLICANT
    assert not message.case_copy
    assert b"Canary-Hello-1" not in bytes(message.applicant_copy)
    # when the caseworker opens the messages page
    staff = sign_in_with_keys(Client(), world.caseworker)
    page = staff.get(f"/cases/{case.public_id}/messages/").content.decode()
    # then they read it, it is filed under the case key, and the view is audited
    assert "Canary-Hello-1" in page
    message.refresh_from_db()
    assert message.case_copy
    assert AuditEvent.objects.filter(action="case.messages_viewed").count() == 1
    # and the applicant still reads their own message
    assert "Canary-Hello-1" in applicant.get("/help/status/").content.decode()


def test_a_message_sent_before_anyone_took_the_case_is_read_with_the_team_key() -> None:
    world = intake_world()
    receipt = submit(world.organisation)
    applicant_client(receipt).post("/help/status/", {"body": "Canary-Early-2"})
    case = take(world, receipt)
    staff = sign_in_with_keys(Client(), world.caseworker)
    assert "Canary-Early-2" in staff.get(f"/cases/{case.public_id}/messages/").content.decode()


def test_a_colleague_put_on_the_case_later_reads_filed_messages() -> None:
    world = intake_world()
    receipt = submit(world.organisation)
    case = take(world, receipt)
    applicant_client(receipt).post("/help/status/", {"body": "Canary-Filed-3"})
    sign_in_with_keys(Client(), world.caseworker).get(f"/cases/{case.public_id}/messages/")
    colleague = make_keyed_staff(Role.CASEWORKER, world.organisation)
    do_add_case_member(
        actor=world.caseworker.user,
        key_pair=world.caseworker.key_pair,
        case=case,
        member=colleague.user,
    )
    page = sign_in_with_keys(Client(), colleague).get(f"/cases/{case.public_id}/messages/")
    assert "Canary-Filed-3" in page.content.decode()


def test_the_caseworker_replies_and_the_applicant_reads_it_without_their_name() -> None:
    # given a taken request
    world = intake_world()
    receipt = submit(world.organisation)
    case = take(world, receipt)
    staff = sign_in_with_keys(Client(), world.caseworker)
    # when the caseworker replies
    response = staff.post(f"/cases/{case.public_id}/messages/reply/", {"body": "Canary-Reply-4"})
    # then the reply is sealed, audited, and the applicant reads it with no staff name
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.direction == Direction.TO_APPLICANT
    assert b"Canary-Reply-4" not in bytes(message.applicant_copy)
    assert b"Canary-Reply-4" not in bytes(message.case_copy or b"")
    assert AuditEvent.objects.filter(action="case.message_sent").count() == 1
    page = applicant_client(receipt).get("/help/status/").content.decode()
    assert "Canary-Reply-4" in page
    assert "Your caseworker wrote" in page
    assert world.caseworker.user.display_name not in page
    assert "Canary-Reply-4" in staff.get(f"/cases/{case.public_id}/messages/").content.decode()


def test_the_case_page_says_only_that_a_message_needs_attention() -> None:
    world = intake_world()
    receipt = submit(world.organisation)
    case = take(world, receipt)
    applicant_client(receipt).post("/help/status/", {"body": "Canary-Attention-5"})
    staff = sign_in_with_keys(Client(), world.caseworker)
    page = staff.get(f"/cases/{case.public_id}/").content.decode()
    assert "The applicant has written a message nobody has read yet." in page
    assert f"/cases/{case.public_id}/messages/" in page
    assert "Canary-Attention-5" not in page


@pytest.mark.parametrize("role", [Role.TRAVEL_COORDINATOR, Role.FUNDRAISER, Role.VIEWER])
def test_other_roles_are_refused_and_nothing_is_written_or_sent(role: str) -> None:
    # given a taken request and a colleague in a role without message permissions
    world = intake_world()
    case = take(world, submit(world.organisation))
    colleague = make_keyed_staff(role, world.organisation)
    events = AuditEvent.objects.count()
    client = sign_in_with_keys(Client(), colleague)
    # when they try to read or reply
    read = client.get(f"/cases/{case.public_id}/messages/")
    reply = client.post(f"/cases/{case.public_id}/messages/reply/", {"body": "Canary-No-6"})
    # then both are refused and nothing was written or audited as a read
    assert (read.status_code, reply.status_code) == (403, 403)
    assert not Message.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_caseworker_of_another_organisation_gets_404_and_writes_nothing() -> None:
    world = intake_world()
    case = take(world, submit(world.organisation))
    other_organisation, _recovery = keyed_organisation()
    outsider = make_keyed_staff(Role.CASEWORKER, other_organisation)
    events = AuditEvent.objects.count()
    client = sign_in_with_keys(Client(), outsider)
    read = client.get(f"/cases/{case.public_id}/messages/")
    reply = client.post(f"/cases/{case.public_id}/messages/reply/", {"body": "Canary-No-7"})
    assert (read.status_code, reply.status_code) == (404, 404)
    assert not Message.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_caseworker_of_the_same_organisation_not_on_the_case_gets_404() -> None:
    world = intake_world()
    case = take(world, submit(world.organisation))
    colleague = make_keyed_staff(Role.CASEWORKER, world.organisation)
    client = sign_in_with_keys(Client(), colleague)
    assert client.get(f"/cases/{case.public_id}/messages/").status_code == 404
    assert client.post(f"/cases/{case.public_id}/messages/reply/", {"body": "x"}).status_code == 404
    assert not Message.objects.exists()


def test_no_reply_to_a_case_without_an_applicant() -> None:
    from tests.cases.factories import make_case

    world = intake_world()
    case: Case = make_case(actor=world.caseworker)
    client = sign_in_with_keys(Client(), world.caseworker)
    response = client.post(f"/cases/{case.public_id}/messages/reply/", {"body": "x"})
    assert response.status_code == 200
    assert "no applicant to write to" in response.content.decode()
    assert not Message.objects.exists()


def test_shredding_removes_the_applicant_and_messages_and_voids_the_codename() -> None:
    import datetime

    from safepassage.cases.models import ShredReason
    from safepassage.cases.retention_actions import do_shred_case
    from safepassage.intake.models import Applicant

    # given a request with a message, closed and past its retention
    world = intake_world()
    receipt = submit(world.organisation)
    applicant_client(receipt).post("/help/status/", {"body": "Canary-Shred-8"})
    case = Case.objects.get(code=receipt.case_code)
    # when it is crypto-shredded
    do_shred_case(case=case, reason=ShredReason.RETENTION, today=datetime.date(2031, 1, 1))
    # then nothing of the applicant is left, and the codename answers like an unknown one
    assert not Applicant.objects.exists()
    assert not Message.objects.exists()
    response = Client().post(
        "/help/check/", {"codename": receipt.codename, "case_code": receipt.case_code}
    )
    assert response.status_code == 200
    assert "We could not find a request" in response.content.decode()
