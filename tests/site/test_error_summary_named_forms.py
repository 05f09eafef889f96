# ruff: noqa: RUF001  (Russian interface text: Cyrillic letters that look Latin are meant)
"""The pages whose form has another name than ``form`` in the context (decision 0038:
``end_form``, ``state_form``, ``link_form``, ``code_form``, ``record_form``,
``delegation_form``) list a bad submission's mistakes like every other form: "Error:" first
in the title, a summary with ``role="alert"`` before the page's heading, each mistake a link
to a field that is on the page (decision 0043)."""

import re
from dataclasses import dataclass

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from tests.bookings.factories import booked_trip, committed, make_network, pledge_of
from tests.site.page_audit import audit_page
from tests.test_permission_matrix import URL_KWARGS, World, build_world, client_for

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class BadSubmission:
    url_name: str
    role: str
    data: dict[str, str]
    fields: tuple[str, ...]
    """The ids the summary links to (none for a mistake of the whole form)."""


SUBMISSIONS = [
    BadSubmission("donations:sponsor_match_end", Role.ADMIN, {"ends_on": "soon"}, ("id_ends_on",)),
    BadSubmission("travel:request_state", Role.ADMIN, {"state": "flying"}, ("id_state",)),
    BadSubmission("pathways:link_case", Role.ADMIN, {"code": ""}, ("id_code",)),
    BadSubmission("bookings:donor", "anonymous", {"step": "verify", "code": "12"}, ("id_code",)),
    BadSubmission("accounts:reauthenticate", Role.ADMIN, {"password": "", "code": ""}, ()),
]


def _post(world: World, submission: BadSubmission, language: str) -> str:
    client = client_for(submission.role, world)
    factory = URL_KWARGS.get(submission.url_name)
    kwargs = factory(world) if factory is not None else {}
    response = client.post(
        reverse(submission.url_name, kwargs=kwargs),
        submission.data,
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    return response.content.decode()


def _summary(html: str) -> str:
    start = html.index('class="error-summary"')
    return html[start : html.index("</div>", start)]


@pytest.mark.parametrize(
    "submission", SUBMISSIONS, ids=[f"{s.url_name}:{'-'.join(s.data)}" for s in SUBMISSIONS]
)
def test_a_bad_submission_lists_its_mistakes_first(submission: BadSubmission) -> None:
    world = build_world()

    html = _post(world, submission, "en")

    assert re.search(r"<title>Error: ", html)
    summary = _summary(html)
    assert 'role="alert"' in summary
    assert html.index('class="error-summary"') < html.index("<h1>")
    targets = re.findall(r'<a href="#([^"]+)">', summary)
    assert set(submission.fields) <= set(targets)
    audit = audit_page(html)
    assert set(targets) <= set(audit.ids)  # every link leads to a field on the page
    assert audit.duplicate_ids() == []
    assert audit.unlabelled_fields() == []
    assert summary.count("<li>") >= max(1, len(submission.fields))


@pytest.mark.parametrize(
    "submission", SUBMISSIONS, ids=[f"{s.url_name}:{'-'.join(s.data)}" for s in SUBMISSIONS]
)
def test_the_summary_speaks_russian(submission: BadSubmission) -> None:
    world = build_world()

    html = _post(world, submission, "ru")

    assert re.search(r"<title>Ошибка: ", html)
    assert 'lang="ru"' in html
    assert "В форме есть ошибки" in _summary(html)


def test_the_pledge_booking_access_answer_lists_a_refused_answer_first() -> None:
    # Given a donor whose program does not let the fund book with their access
    from tests.donations.pledges.factories import matrix_manage_token

    token = matrix_manage_token()

    # When they say yes anyway (a hand-made request: the box is not offered)
    html = (
        Client()
        .post(reverse("donations:pledge_delegation", kwargs={"token": token}), {"consent": "on"})
        .content.decode()
    )

    # Then the refusal is listed first and links to the box
    assert re.search(r"<title>Error: ", html)
    assert '<a href="#id_consent">' in _summary(html)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_booking_recorded_with_mistakes_lists_them_first(language: str) -> None:
    # Given a donor who proved their address and sees what to book
    network = make_network()
    pledge_of(network)
    booked_trip(network)
    found = re.search(r"http\S+/bookings/donor/\S+/", str(mail.outbox[-1].body))
    assert found is not None
    link = found.group(0).split("127.0.0.1:8000", 1)[-1]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    with committed():
        client.post(link, {"step": "send_code"})
    code = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body))
    assert code is not None
    client.post(link, {"step": "verify", "code": code.group(1)})

    # When they record the booking with a bad locator, negative miles and no taxes
    data = {"step": "record", "locator": "!", "miles_charged": "-1", "taxes": "", "currency": "USD"}
    html = client.post(link, data).content.decode()

    # Then each mistake is listed first and links to its field on the page
    assert re.search(r"<title>(Error|Ошибка): ", html)
    targets = re.findall(r'<a href="#([^"]+)">', _summary(html))
    assert targets == ["id_locator", "id_miles_charged", "id_taxes"]
    assert set(targets) <= set(audit_page(html).ids)
