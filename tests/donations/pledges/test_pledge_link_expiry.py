"""Signed links expire: the confirmation link after 7 days, the form token after a day;
the management link lasts. An expired link answers like a bad one and changes nothing."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.donations.models import Pledge, PledgeStatus
from safepassage.donations.pledges.tokens import (
    CONFIRM_MAX_AGE,
    SUBMISSION_MAX_AGE,
    make_confirm_token,
    make_manage_token,
    new_submission_token,
)
from safepassage.ledger.models import LedgerTransaction
from tests.donations.pledges.factories import (
    DONOR_EMAIL,
    confirmed_pledge,
    in_days,
    make_program,
    submit_pledge,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch):
    """Move the clock ``seconds`` ahead (links carry the time they were signed at)."""

    def move(seconds: int) -> None:
        now = time.time() + seconds
        monkeypatch.setattr(time, "time", lambda: now)

    return move


def test_an_expired_confirmation_link_answers_404_and_confirms_nothing(later) -> None:
    # given: a pledge whose confirmation link is a week and a minute old
    pledge = submit_pledge()
    url = reverse(
        "donations:pledge_confirm", kwargs={"token": make_confirm_token(pledge.public_id)}
    )
    later(CONFIRM_MAX_AGE + 60)

    # when
    shown, posted = Client().get(url), Client().post(url)

    # then
    assert (shown.status_code, posted.status_code) == (404, 404)
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.UNCONFIRMED
    assert LedgerTransaction.objects.count() == 0


def test_a_confirmation_link_works_within_the_week(later) -> None:
    pledge = submit_pledge()
    url = reverse(
        "donations:pledge_confirm", kwargs={"token": make_confirm_token(pledge.public_id)}
    )
    later(CONFIRM_MAX_AGE - 60)

    assert Client().post(url).status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.CONFIRMED


def test_a_form_older_than_a_day_is_refused_and_saves_nothing(later) -> None:
    token = new_submission_token()
    later(SUBMISSION_MAX_AGE + 60)

    response = Client().post(
        reverse("donations:pledge"),
        {
            "program": make_program().pk,
            "miles": 40_000,
            "expires_on": in_days(200).isoformat(),
            "donor_name": "",
            "email": DONOR_EMAIL,
            "is_anonymous": "on",
            "submission_token": token,
        },
    )

    assert response.status_code == 200
    assert not Pledge.objects.exists()


def _hidden(response: object, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', response.text)  # type: ignore[attr-defined]  # a test client response
    assert match is not None
    return match.group(1)


def test_a_form_too_old_comes_back_with_a_fresh_token_so_sending_it_again_works(later) -> None:
    # given a pledge form left open for more than a day
    token = new_submission_token()
    later(SUBMISSION_MAX_AGE + 60)
    form = {
        "program": make_program().pk,
        "miles": 40_000,
        "expires_on": in_days(200).isoformat(),
        "donor_name": "",
        "email": DONOR_EMAIL,
        "is_anonymous": "on",
        "submission_token": token,
    }
    client = Client()

    # when the donor sends it, reads the message and sends the form they are shown again
    refused = client.post(reverse("donations:pledge"), form)
    resent = client.post(
        reverse("donations:pledge"),
        form | {"submission_token": _hidden(refused, "submission_token")},
    )

    # then the message names no technical field, and the second send is taken
    assert refused.status_code == 200
    assert "This form is too old" in refused.text
    assert "Hidden field" not in refused.text
    assert resent.status_code == 302
    assert Pledge.objects.count() == 1


def test_a_change_form_too_old_comes_back_with_a_fresh_token(later) -> None:
    pledge = confirmed_pledge(miles=40_000)
    url = reverse("donations:pledge_change", kwargs={"token": make_manage_token(pledge.public_id)})
    token = new_submission_token()
    later(SUBMISSION_MAX_AGE + 60)
    form = {"miles": 50_000, "expires_on": in_days(300).isoformat(), "change_token": token}
    client = Client()

    refused = client.post(url, form)
    resent = client.post(url, form | {"change_token": _hidden(refused, "change_token")})

    assert refused.status_code == 200
    assert "Hidden field" not in refused.text
    assert resent.status_code == 302
    pledge.refresh_from_db()
    assert pledge.miles == 50_000


def test_the_management_link_still_works_after_a_year(later) -> None:
    pledge = confirmed_pledge()
    url = reverse("donations:pledge_manage", kwargs={"token": make_manage_token(pledge.public_id)})
    later(365 * 24 * 3600)

    assert Client().get(url).status_code == 200
