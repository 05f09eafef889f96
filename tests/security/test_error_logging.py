"""SR-31: an unhandled error while handling a form logs neither the form's values, nor the
local variables, nor the exception's message: the log line says the method and the status,
and no error e-mail or third-party tracker receives anything."""

import io
import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from safepassage.config.urls import urlpatterns as site_urlpatterns
from safepassage.site.access_policy import public

pytestmark = pytest.mark.django_db

SECRET_FIELD = "Zarema-Field-Canary-4471"
SECRET_LOCAL = "Zarema-Local-Canary-4472"


@public
def failing_view(request: HttpRequest) -> HttpResponse:
    secret_local = SECRET_LOCAL + request.POST.get("name", "")
    raise RuntimeError(f"could not handle {secret_local}")


urlpatterns = [path("failing/", failing_view), *site_urlpatterns]


@pytest.mark.urls("tests.security.test_error_logging")
def test_a_server_error_during_a_post_logs_no_value_local_or_message() -> None:
    """SR-31: the 500 is logged as "POST request answered 500" and nothing more."""
    handler = logging.getLogger("django.request").handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    captured = io.StringIO()
    previous = handler.setStream(captured)
    try:
        response = Client(raise_request_exception=False).post(
            "/failing/", {"name": SECRET_FIELD, "note": SECRET_FIELD}
        )
    finally:
        handler.setStream(previous)

    output = captured.getvalue()
    assert response.status_code == 500
    assert "POST request answered 500" in output
    for secret in (SECRET_FIELD, SECRET_LOCAL, "could not handle", "Traceback"):
        assert secret not in output
        assert secret not in response.content.decode()
    assert settings.ADMINS == []
    assert mail.outbox == []


def test_no_third_party_error_tracker_is_installed() -> None:
    """SR-31: no Sentry, Rollbar, Bugsnag, Honeybadger or Airbrake client in the lock file."""
    locked = (Path(__file__).resolve().parents[2] / "requirements.lock").read_text().lower()

    for tracker in ("sentry", "rollbar", "bugsnag", "honeybadger", "airbrake", "raygun"):
        assert f"\n{tracker}" not in locked
