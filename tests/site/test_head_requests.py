"""HEAD answers like GET, without a body, and never writes (uptime monitors, link checkers).

The walk reuses the permission matrix: every URL, every role, the same answer a GET gets,
except the few pages whose every opening writes something (an audited read, a one-time
display, the start of an enrolment, a sign-out or quick exit): those stay GET-only and
answer HEAD with 405, so a monitor never records a reading nobody made.
"""

import urllib.request

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from tests.factories import make_staff, sign_in
from tests.test_permission_matrix import (
    EXPECTED_HEADERS,
    MATRIX,
    REDIRECT_TARGETS,
    ROLES,
    URL_KWARGS,
    World,
    client_for,
    world,  # noqa: F401  # the matrix's fixture, used by name below
)

pytestmark = pytest.mark.django_db

EXPECTED_CSP = EXPECTED_HEADERS["Content-Security-Policy"]

GET_ONLY = frozenset(
    {
        # Every opening is audited: a HEAD would record a reading nobody made.
        "cases:detail",
        "cases:my_tasks",
        "cases:download_document",
        "bookings:trip",
        "travel:request_detail",
        "intake_staff:messages",
        "donations:gift_export",
        "donations:pledge_export",
        "donations:report_csv",
        "donations:report_pdf",
        # A GET that changes something: the authenticator being set up, the recovery codes
        # shown once, signing out (its GET is a confirmation page, anything else signs out)
        # and the applicant's quick exit.
        "accounts:enrol",
        "accounts:recovery_codes",
        "accounts:logout",
        "intake:exit",
    }
)


def _row_counts() -> dict[str, int]:
    counted: list[type[models.Model]] = [
        model for model in apps.get_models() if model._meta.db_table != "django_session"
    ]
    return {model._meta.label: model._default_manager.count() for model in counted}


@pytest.mark.parametrize("role", ROLES)
def test_head_answers_like_get_without_a_body_and_writes_nothing(
    role: str,
    world: World,  # noqa: F811  # the fixture imported above
) -> None:
    # Given every URL of the site, built before anything is counted
    client = client_for(role, world)
    urls = {
        name: reverse(name, kwargs=URL_KWARGS.get(name, lambda _world: {})(world))
        for name in MATRIX
    }
    before = _row_counts()
    # When the role sends HEAD to each of them
    mismatches = []
    for name, url in urls.items():
        response = client.head(url)
        expected = MATRIX[name][role]
        status, target = expected if isinstance(expected, tuple) else (expected, None)
        # Then each answers as its GET does (GET-only pages: 405 once the view is reached)
        if name in GET_ONLY and response.status_code == 405:
            assert "HEAD" not in response["Allow"], name
        elif response.status_code != status:
            mismatches.append(f"{name}: expected {status}, got {response.status_code}")
        elif target is not None and not response["Location"].startswith(REDIRECT_TARGETS[target]):
            mismatches.append(f"{name}: redirected to {response['Location']}, not {target}")
        if name in GET_ONLY and response.status_code == 200:
            mismatches.append(f"{name}: a GET-only page answered HEAD")
        if response.content:
            mismatches.append(f"{name}: HEAD answered with a body")
        if response.headers.get("Content-Security-Policy") != EXPECTED_CSP:
            mismatches.append(f"{name}: no Content-Security-Policy")
    assert mismatches == []
    # And nothing was written: no audit event, no row of any kind
    assert _row_counts() == before


@pytest.mark.parametrize(
    "name",
    [
        "site:home",
        "donations:campaign_list",
        "donations:catalogue",
        "events:event_list",
        "transparency:page",
        "intake:start",
        "intake:safety",
        "accounts:login",
    ],
)
def test_head_on_a_public_page_is_200_with_the_security_headers_and_no_body(name: str) -> None:
    # When a monitor sends HEAD to a public page
    response = Client().head(reverse(name))
    # Then it answers 200 with the page's headers and an empty body
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == EXPECTED_CSP
    assert response["Content-Type"].startswith("text/html")
    assert response.content == b""


def test_head_on_a_signed_in_staff_page_is_200_without_a_body() -> None:
    # Given a signed-in admin
    client = sign_in(Client(), make_staff(Role.ADMIN))
    # When they (or a link checker with their session) send HEAD to the dashboard
    response = client.head(reverse("site:dashboard"))
    # Then it answers like a GET, without the page
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == EXPECTED_CSP
    assert response.content == b""


def test_head_on_an_audited_page_is_refused_and_records_nothing() -> None:
    # Given a signed-in admin and the audit trail's length
    from safepassage.audit.models import AuditEvent

    client = sign_in(Client(), make_staff(Role.ADMIN))
    events = AuditEvent.objects.count()
    # When HEAD reaches a page whose every opening is audited
    response = client.head(reverse("cases:my_tasks"))
    # Then it is refused (use GET) and no reading is recorded
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db(transaction=True)
def test_the_real_server_answers_head_without_a_body(live_server: object) -> None:
    # Given the site served over HTTP, as a monitor reaches it
    url = f"{live_server}{reverse('site:home')}"
    # When a monitor sends HEAD
    with urllib.request.urlopen(urllib.request.Request(url, method="HEAD")) as response:  # noqa: S310  # the test's own server
        # Then it is 200 with the headers and no body
        assert response.status == 200
        assert response.headers["Content-Security-Policy"] == EXPECTED_CSP
        assert response.read() == b""
