"""Helpers of the security-key tests (decision 0035): a browser at http://localhost, where
WebAuthn allows plain http, and a key registered through the security page."""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import SecurityKey
from tests.accounts.software_authenticator import SoftwareAuthenticator
from tests.factories import StaffMember, sign_in

ADD = reverse("accounts:add_security_key")

FOREIGN_ORIGINS = pytest.mark.parametrize(
    ("origin", "rp_id"),
    [
        ("https://localhost.evil.example", None),
        ("http://localhost:8001", None),
        ("http://localhost", "evil.example"),
    ],
    ids=["phishing-origin", "other-port", "wrong-rp-id"],
)
"""Answers signed for a phishing origin, another port, or another relying party."""


def localhost_client() -> Client:
    """A browser at http://localhost, where WebAuthn allows plain http."""
    return Client(HTTP_HOST="localhost")


def sign_in_as_stored(client: Client, staff: StaffMember, **kwargs: bool) -> Client:
    """``sign_in`` with the user as stored now (a key change rotates the session epoch)."""
    staff.user.refresh_from_db()
    return sign_in(client, staff, **kwargs)


def registration_options(client: Client) -> str:
    response = client.get(ADD)
    assert response.status_code == 200
    options = response.context["options"]
    assert isinstance(options, str)
    return options


def register_key(
    staff: StaffMember, key: SoftwareAuthenticator, name: str = "Blue key"
) -> SecurityKey:
    """``key`` added to ``staff``'s keys through the security page."""
    client = sign_in_as_stored(localhost_client(), staff)
    response = client.post(
        ADD, {"name": name, "credential": key.register(registration_options(client))}
    )
    assert response.status_code == 302, response.content.decode()
    return SecurityKey.objects.get(credential_id=key.credential_id_b64)
