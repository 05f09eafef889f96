"""Helpers for the tests of lists: which rows a page shows in which order, and that a
list's queries do not grow with its rows."""

from collections.abc import Callable, Iterable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def queries_to_get(client: Client, url: str) -> int:
    """How many SQL queries one GET of ``url`` runs (it must answer 200)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured.captured_queries)


def listed_in_order[Row](html: str, rows: Iterable[Row], text: Callable[[Row], str]) -> list[Row]:
    """The ``rows`` whose ``text`` (a code, title or id) the page shows, in its order."""
    shown = [row for row in rows if text(row) in html]
    return sorted(shown, key=lambda row: html.index(text(row)))
