"""Downloading an encrypted export as a staff member does, and opening it with gpg."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client

from tests.exports.gpg import open_export

EXPORT_PASSPHRASE = "violet-harbour-lantern-7-quiet-fjord"
"""Passes the passphrase rules; no test user has it as a sign-in password."""


def post_export(
    client: Client, url: str, *, query: str = "", passphrase: str = EXPORT_PASSPHRASE
) -> Any:
    """Submit the export page of ``url`` (filters in ``query``) with ``passphrase``."""
    target = f"{url}?{query}" if query else url
    return client.post(target, {"passphrase": passphrase})


def body_of(response: HttpResponse | StreamingHttpResponse) -> bytes:
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content)  # type: ignore[arg-type]  # bytes here
    return response.content


def opened(response: Any, *, passphrase: str = EXPORT_PASSPHRASE) -> bytes:
    """The plaintext of an encrypted export response; fails unless it is one."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pgp-encrypted"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].endswith('.gpg"')
    return open_export(body_of(response), passphrase=passphrase)


def download(
    client: Client, url: str, *, query: str = "", passphrase: str = EXPORT_PASSPHRASE
) -> bytes:
    """Post the export page and open the file: what the plain export used to be."""
    return opened(
        post_export(client, url, query=query, passphrase=passphrase), passphrase=passphrase
    )
