"""Request logs carry method and status only: no path, token or query string (SR-31)."""

import io
import logging

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_request_log_line_holds_no_path_or_query() -> None:
    handler = logging.getLogger("django.request").handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    captured = io.StringIO()
    previous = handler.setStream(captured)
    try:
        Client().get("/no-such-page/SECRET-TOKEN-1234/?name=Ruslan")
        Client().get("/accounts/invitation/SECRET-TOKEN-5678/?email=someone@example.org")
    finally:
        handler.setStream(previous)

    output = captured.getvalue()
    assert "GET request answered 404" in output
    assert "SECRET-TOKEN" not in output
    assert "Ruslan" not in output
    assert "someone@example.org" not in output
