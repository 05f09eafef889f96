"""SR-16 on the applicant side: too many requests, sign-ins or messages from one address are
refused with a 429 page that keeps quick exit, before anything is derived, saved or sent."""

import pytest
from django.test import Client

from safepassage.cases.models import Case
from safepassage.intake import actions
from safepassage.intake.models import Message
from safepassage.intake.submission_tokens import new_submission_token
from safepassage.intake.views import RATE_LIMITS
from tests.intake.factories import ANSWERS, applicant_client, intake_world, submit

pytestmark = pytest.mark.django_db


def _request_form(organisation_id: str) -> dict[str, str]:
    return {
        "organisation": organisation_id,
        "party_size": "1",
        "urgency": "weeks",
        "word_list": "en",
        **ANSWERS,
    }


def test_the_request_form_refuses_a_flood_and_saves_nothing() -> None:
    # given a client that has sent as many requests as the window allows
    world = intake_world()
    client = Client(REMOTE_ADDR="198.51.100.9")
    form = _request_form(str(world.organisation.public_id))
    for _ in range(RATE_LIMITS["intake"]):
        assert (
            client.post("/help/", form | {"submission": new_submission_token()}).status_code == 200
        )
    # when it sends one more
    response = client.post("/help/", form | {"submission": new_submission_token()})
    # then it is refused with a page that still offers quick exit, and no case is opened
    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    assert 'class="quick-exit"' in response.content.decode()
    assert Case.objects.count() == RATE_LIMITS["intake"]
    # while another address is not affected, and reading the form is never limited
    form["submission"] = new_submission_token()
    assert Client(REMOTE_ADDR="198.51.100.10").post("/help/", form).status_code == 200
    assert client.get("/help/").status_code == 200


def test_codename_guessing_is_refused_before_any_argon2_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = intake_world()
    receipt = submit(world.organisation)
    client = Client(REMOTE_ADDR="198.51.100.11")
    guess = {"codename": "alpha bravo charlie delta echo foxtrot golf", "case_code": "X"}
    for _ in range(RATE_LIMITS["intake-sign-in"]):
        assert client.post("/help/check/", guess).status_code == 200
    derivations: list[str] = []
    monkeypatch.setattr(actions, "derive_secrets", lambda **_: derivations.append("one"))
    right = {"codename": receipt.codename, "case_code": receipt.case_code}
    assert client.post("/help/check/", right).status_code == 429
    assert derivations == []


def test_a_message_flood_is_refused_and_nothing_is_sent() -> None:
    world = intake_world()
    client = applicant_client(submit(world.organisation))
    for _ in range(RATE_LIMITS["intake-message"]):
        assert client.post("/help/status/", {"body": "hello"}).status_code == 302
    assert client.post("/help/status/", {"body": "one too many"}).status_code == 429
    assert Message.objects.count() == RATE_LIMITS["intake-message"]
