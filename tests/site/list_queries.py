"""Helpers for the tests that a list's queries do not grow with its rows."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def queries_to_get(client: Client, url: str) -> int:
    """How many SQL queries one GET of ``url`` runs (it must answer 200)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured.captured_queries)
