"""SR-16 on the public pledge form: the (N+1)th submission from one address is refused
with a clear page, and nothing is saved or sent."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from safepassage.audit.models import AuditEvent
from safepassage.donations.models import Pledge
from safepassage.donations.pledges.rate_limits import PLEDGE_RATE_LIMIT
from tests.donations.factories import matrix_campaign
from tests.donations.pledges.factories import anonymous_pledge_form, make_program
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

DONOR_ADDRESS = "192.0.2.44"
NEIGHBOUR_ADDRESS = "192.0.2.45"


def _post(url: str, program_id: int, *, address: str = DONOR_ADDRESS, **headers: str) -> int:
    response = Client(REMOTE_ADDR=address).post(
        url, anonymous_pledge_form(program_id), headers=headers
    )
    return response.status_code


def test_the_submission_after_the_limit_is_refused_and_nothing_is_saved_or_sent() -> None:
    # given: one address used up its pledge submissions
    program = make_program()
    url = reverse("donations:pledge")
    assert {_post(url, program.pk) for _ in range(PLEDGE_RATE_LIMIT)} == {302}
    pledges, tasks, events = (
        Pledge.objects.count(),
        DBTaskResult.objects.count(),
        AuditEvent.objects.count(),
    )

    # when
    response = Client(REMOTE_ADDR=DONOR_ADDRESS).post(url, anonymous_pledge_form(program.pk))

    # then
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "nothing was saved" in response.content.decode()
    assert Pledge.objects.count() == pledges == PLEDGE_RATE_LIMIT
    assert DBTaskResult.objects.count() == tasks
    assert AuditEvent.objects.count() == events
    assert len(mail.outbox) == 0


def test_reading_the_form_is_not_limited_and_other_addresses_are_independent() -> None:
    program = make_program()
    url = reverse("donations:pledge")
    for _ in range(PLEDGE_RATE_LIMIT + 1):
        _post(url, program.pk)

    assert Client(REMOTE_ADDR=DONOR_ADDRESS).get(url).status_code == 200
    assert _post(url, program.pk, address=NEIGHBOUR_ADDRESS) == 302


def test_a_campaigns_pledge_page_is_limited_too_and_says_so_in_russian() -> None:
    # given: the pledge page of a campaign (the one an event's QR code opens)
    campaign = matrix_campaign(OrganisationFactory.create())
    url = reverse("donations:pledge_for_campaign", kwargs={"slug": campaign.slug})
    program = make_program()
    for _ in range(PLEDGE_RATE_LIMIT):
        _post(url, program.pk)

    # when
    response = Client(REMOTE_ADDR=DONOR_ADDRESS).post(
        url, anonymous_pledge_form(program.pk), headers={"accept-language": "ru"}
    )

    # then
    assert response.status_code == 429
    assert '<html lang="ru">' in response.content.decode()
    assert Pledge.objects.count() == PLEDGE_RATE_LIMIT
