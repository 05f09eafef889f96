"""On PostgreSQL, the same form posted many times at once makes one pledge and one e-mail."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django_tasks_db.models import DBTaskResult

from safepassage.donations.models import Pledge
from safepassage.donations.pledges import actions
from tests.donations.pledges.factories import DONOR_EMAIL, in_days, make_program

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

WORKERS = 12


def test_concurrent_resubmissions_of_one_form_store_one_pledge() -> None:
    # given: one rendered form, sent twelve times at once (double clicks, retries)
    program = make_program()
    token = uuid.uuid4().hex
    barrier = threading.Barrier(WORKERS)

    def submit(_index: int) -> tuple[str, bool]:
        try:
            barrier.wait(timeout=60)
            pledge, created = actions.do_submit_pledge(
                submission_token=token,
                terms=actions.PledgeTerms(program=program, miles=40_000, expires_on=in_days(100)),
                donor_name="",
                email=DONOR_EMAIL,
                is_anonymous=True,
                campaign=None,
                language="en",
            )
        finally:
            connections.close_all()
        return str(pledge.public_id), created

    # when
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(submit, range(WORKERS)))

    # then
    assert Pledge.objects.count() == 1
    assert {pledge_id for pledge_id, _created in results} == {str(Pledge.objects.get().public_id)}
    assert [created for _pledge_id, created in results].count(True) == 1
    assert DBTaskResult.objects.count() == 1  # one confirmation e-mail queued
