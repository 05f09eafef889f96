"""Error pages under /help/ keep the applicant's layout (SR-17): one neutral title, quick
exit first in focus order, no staff navigation, no-store; staff pages keep theirs."""

import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.test.client import RequestFactory

from safepassage.intake import selectors, views
from safepassage.site import rate_limits
from safepassage.site.views import server_error_view
from tests.intake.factories import applicant_client, intake_world, submit

pytestmark = pytest.mark.django_db


def assert_applicant_layout(html: str) -> None:
    assert re.search(r"<title>\s*Help\s*</title>", html)
    first = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", html.split("<body>")[1])
    assert first is not None
    assert 'class="quick-exit"' in first.group(0)
    assert 'href="/help/exit/"' in first.group(0)
    assert "Staff sign-in" not in html
    assert "SafePassage" not in html
    assert "Dashboard" not in html


def test_an_unknown_applicant_address_answers_404_in_the_applicant_layout() -> None:
    response = Client().get("/help/no-such-page/")
    assert response.status_code == 404
    assert response["Cache-Control"] == "no-store"
    assert_applicant_layout(response.content.decode())
    assert "Page not found" in response.content.decode()


def test_a_staff_address_keeps_the_staff_404() -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "Staff sign-in" in response.content.decode()
    assert 'class="quick-exit"' not in response.content.decode()


def test_a_refusal_under_help_answers_403_in_the_applicant_layout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse() -> None:
        raise PermissionDenied

    monkeypatch.setattr(selectors, "list_intake_organisations", refuse)
    response = Client().get("/help/")
    assert response.status_code == 403
    assert response["Cache-Control"] == "no-store"
    assert_applicant_layout(response.content.decode())


def test_a_bad_request_under_help_answers_400_in_the_applicant_layout() -> None:
    response = Client(HTTP_HOST="not-an-allowed-host.invalid").get("/help/")
    assert response.status_code == 400
    assert response["Cache-Control"] == "no-store"
    assert_applicant_layout(response.content.decode())


def test_an_expired_form_under_help_answers_in_the_applicant_layout_and_saves_nothing() -> None:
    # given an applicant whose form's CSRF token is gone (quick exit cleared the cookies)
    world = intake_world()
    receipt = submit(world.organisation)
    client = Client(enforce_csrf_checks=True)
    # when they send the codename form
    response = client.post(
        "/help/check/", {"codename": receipt.codename, "case_code": receipt.case_code}
    )
    # then the applicant's "form expired" page answers, and no applicant cookie is set
    html = response.content.decode()
    assert response.status_code == 403
    assert response["Cache-Control"] == "no-store"
    assert_applicant_layout(html)
    assert "This form has expired" in html
    assert not [name for name in response.cookies if "help" in name]


def test_an_expired_language_switch_from_an_applicant_page_keeps_the_applicant_layout() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/language/", {"language": "ru", "next": "/help/check/"})
    assert response.status_code == 403
    assert_applicant_layout(response.content.decode())


def test_an_expired_staff_form_keeps_the_staff_page() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/language/", {"language": "ru", "next": "/"})
    assert response.status_code == 403
    assert "Staff sign-in" in response.content.decode()


def test_a_server_error_under_help_answers_500_in_the_applicant_layout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail() -> None:
        raise RuntimeError

    monkeypatch.setattr(selectors, "list_intake_organisations", fail)
    response = Client(raise_request_exception=False).get("/help/")
    assert response.status_code == 500
    assert response["Cache-Control"] == "no-store"
    assert_applicant_layout(response.content.decode())
    assert "Something went wrong" in response.content.decode()


def test_the_applicant_500_page_needs_no_request_context() -> None:
    response = server_error_view(RequestFactory().get("/help/status/"))
    assert response.status_code == 500
    assert_applicant_layout(response.content.decode())


def test_the_staff_500_page_is_unchanged() -> None:
    response = server_error_view(RequestFactory().get("/cases/"))
    assert "SafePassage" in response.content.decode()
    assert 'class="quick-exit"' not in response.content.decode()


def test_a_flood_answers_429_in_the_applicant_layout() -> None:
    world = intake_world()
    client = applicant_client(submit(world.organisation))
    for _ in range(views.RATE_LIMITS["intake-message"]):
        client.post("/help/status/", {"body": "hello"})
    response = client.post("/help/status/", {"body": "one too many"})
    assert response.status_code == 429
    assert response["Cache-Control"] == "no-store"
    assert_applicant_layout(response.content.decode())


def test_error_pages_speak_russian() -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="ru").get("/help/no-such-page/")
    html = response.content.decode()
    assert re.search(r"<title>\s*Помощь\s*</title>", html)
    assert "Страница не найдена" in html


def test_the_site_rate_limit_page_under_help_is_the_applicants() -> None:
    request = RequestFactory().post("/help/check/")
    request.user = AnonymousUser()
    response = rate_limits.rate_limited_response(request, window=datetime.timedelta(minutes=1))
    assert response.status_code == 429
    assert_applicant_layout(response.content.decode())
