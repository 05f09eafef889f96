"""The staff 'Miles per program' table counts only pledges whose miles are in the ledger."""

import datetime
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.roles import Role
from safepassage.donations.models import Pledge, PledgeStatus
from tests.donations.pledges.factories import confirmed_pledge, make_program, submit_pledge
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db


def test_pledges_waiting_for_e_mail_confirmation_are_not_counted_with_the_ledger_miles(
    client: Client,
) -> None:
    # given one confirmed pledge of 20,000 miles and three never confirmed (a mistyped
    # address, or someone filling in the public form for nothing) in the shared pool, and
    # a program with only an unconfirmed pledge
    program = make_program()
    confirmed_pledge(program=program, miles=20_000)
    for _ in range(3):
        submit_pledge(program=program, miles=90_000)
    lonely = make_program()
    Pledge.objects.create(
        program=lonely,
        miles=5_000,
        expires_on=timezone.localdate() + datetime.timedelta(days=200),
        status=PledgeStatus.UNCONFIRMED,
        submission_token=uuid.uuid4().hex,
        created_on=datetime.date(2026, 11, 10),
    )
    staff = make_staff(Role.VIEWER)
    sign_in(client, staff)

    # when staff open the totals by program
    response = client.get(
        reverse(
            "donations:program_totals", kwargs={"organisation_id": staff.organisation.public_id}
        )
    )

    # then the count is the one pledge behind the 20,000 miles, and a program with nothing
    # in the ledger has no row
    totals = {total.program_code: total for total in response.context["totals"]}
    assert (totals[program.code].pledge_count, totals[program.code].pledged) == (1, 20_000)
    assert lonely.code not in totals
