"""Decision 0050 (SR-01): a copy of the database holds no authenticator seed, no unused
recovery code and no security-key name; sign-in with each still works; a server key that
is not the one the seeds were sealed under fails closed with a message, never a traceback."""

import base64

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from safepassage.accounts import actions
from safepassage.accounts.errors import TwoFactorKeyMismatch
from safepassage.accounts.models import Authenticator, RecoveryCodes
from safepassage.accounts.roles import Role
from safepassage.accounts.two_factor_secrets import (
    TWO_FACTOR_KEY_ENVIRONMENT_VARIABLE,
    open_seed,
    recovery_code_digest,
)
from safepassage.audit.models import AuditEvent
from safepassage.core.crypto.envelope import EnvelopeKind, parse_header
from tests.accounts.security_key_factories import register_key
from tests.accounts.software_authenticator import SoftwareAuthenticator
from tests.factories import STAFF_PASSWORD, StaffMember, make_staff, sign_in

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("site:dashboard")
KEY_CHANGED = "the server&#x27;s two-factor key has changed"


def _raw_rows(sql: str, *params: int) -> list[tuple[object, ...]]:
    """Rows as the database holds them, past every model."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _as_text(rows: list[tuple[object, ...]]) -> str:
    return " ".join(
        bytes(value).hex() + repr(bytes(value))
        if isinstance(value, (bytes, memoryview))
        else str(value)
        for row in rows
        for value in row
    )


def _password_step(client: Client, staff: StaffMember) -> None:
    response = client.post(
        reverse("accounts:login"), {"email": staff.user.email, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 302


def _seed_forms(seed: bytes) -> list[str]:
    b32 = base64.b32encode(seed).decode("ascii")
    return [seed.hex(), seed.hex().upper(), b32, b32.rstrip("=").lower()]


def test_the_authenticator_seed_is_stored_sealed_and_still_gives_the_right_codes() -> None:
    # Given a staff member with an authenticator
    staff = make_staff(Role.CASEWORKER)
    seed = Authenticator.objects.get(pk=staff.device.pk).bin_key

    # When the table is read as a copy of the database shows it
    stored = _as_text(_raw_rows("SELECT * FROM otp_totp_totpdevice WHERE id = %s", staff.device.pk))

    # Then no form of the seed is in the row, the column holds the sealed text
    assert len(seed) == 20
    assert all(form not in stored for form in _seed_forms(seed))
    (key,) = _raw_rows("SELECT key FROM otp_totp_totpdevice WHERE id = %s", staff.device.pk)[0]
    assert str(key).startswith("s1:")
    assert len(str(key)) <= 80
    # And the sealed seed opens only for its owner
    with pytest.raises(TwoFactorKeyMismatch):
        open_seed(user_ref=str(make_staff(Role.VIEWER).user.public_id), stored=str(key))


def test_sign_in_with_the_authenticator_code_still_works(client: Client) -> None:
    # Given a staff member past the password step
    staff = make_staff(Role.CASEWORKER)
    _password_step(client, staff)

    # When they enter the code their app shows for the sealed seed
    response = client.post(reverse("accounts:two_factor"), {"code": staff.current_code()})

    # Then they are signed in
    assert response.status_code == 302
    assert client.get(DASHBOARD).status_code == 200


def test_recovery_codes_are_stored_as_digests_and_each_signs_in_once() -> None:
    # Given a staff member's new recovery codes, shown once
    staff = make_staff(Role.CASEWORKER)
    codes = actions.do_regenerate_recovery_codes(user=staff.user)

    # Then the stored tokens are 16-character keyed digests, never a code in any form
    rows = _raw_rows(
        "SELECT t.token FROM otp_static_statictoken t JOIN otp_static_staticdevice d "
        "ON t.device_id = d.id WHERE d.user_id = %s",
        staff.user.pk,
    )
    tokens = {str(row[0]) for row in rows}
    assert len(codes) == len(tokens) == 10
    assert tokens == {recovery_code_digest(code) for code in codes}
    stored = " ".join(tokens)
    for code in codes:
        for form in (code, code.replace("-", ""), code.upper()):
            assert form not in stored

    # When the first code signs in
    first = Client()
    _password_step(first, staff)
    response = first.post(reverse("accounts:two_factor"), {"code": codes[0]})
    assert response.status_code == 302
    assert first.get(DASHBOARD).status_code == 200
    assert AuditEvent.objects.filter(action="login.recovery_code", outcome="success").exists()

    # Then the same code is refused the second time, and another one still works
    second = Client()
    _password_step(second, staff)
    refused = second.post(reverse("accounts:two_factor"), {"code": codes[0]})
    assert refused.status_code == 200
    assert "That code is not valid" in refused.content.decode()
    assert second.get(DASHBOARD).status_code == 302
    device = RecoveryCodes.objects.get(user=staff.user)
    device.throttle_reset()  # the refused try set a growing delay
    accepted = second.post(reverse("accounts:two_factor"), {"code": codes[1].upper()})
    assert accepted.status_code == 302
    assert second.get(DASHBOARD).status_code == 200


def test_enrolment_stores_a_sealed_seed_and_shows_it_once_to_the_app(client: Client) -> None:
    # Given a new staff member without an authenticator, past the password step
    staff = make_staff(Role.VIEWER)
    Authenticator.objects.filter(user=staff.user).delete()
    _password_step(client, staff)

    # When the enrolment page draws the QR code
    page = client.get(reverse("accounts:enrol"))
    device = Authenticator.objects.get(user=staff.user, confirmed=False)
    seed = device.bin_key

    # Then the page shows the seed (to the app), the row holds it sealed, and its code enrols
    assert base64.b32encode(seed).decode().rstrip("=")[:4] in page.content.decode()
    stored = _as_text(_raw_rows("SELECT * FROM otp_totp_totpdevice WHERE id = %s", device.pk))
    assert all(form not in stored for form in _seed_forms(seed))
    response = client.post(reverse("accounts:enrol"), {"code": f"{totp(seed):06d}"})
    assert response["Location"] == reverse("accounts:recovery_codes")


def test_a_security_key_name_is_stored_sealed() -> None:
    # Given a caseworker who names a key after themself
    caseworker = make_staff(Role.CASEWORKER)
    key = register_key(caseworker, SoftwareAuthenticator(), name="Anna Petrova's key")

    # When the row is read as a copy of the database shows it
    stored = _as_text(_raw_rows("SELECT * FROM accounts_securitykey WHERE id = %s", key.pk))

    # Then the name is nowhere in it, yet the owner's page shows it
    assert "Anna" not in stored
    assert b"Anna".hex() not in stored
    assert key.label == "Anna Petrova's key"
    # And it is the project's FIELD envelope, whose header names algorithm and key version
    assert key.sealed_name is not None
    assert parse_header(bytes(key.sealed_name)).kind is EnvelopeKind.FIELD


def test_a_wrong_server_key_refuses_codes_with_a_clear_message(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a staff member whose seed was sealed under the key the server had then
    staff = make_staff(Role.CASEWORKER)
    code = staff.current_code()
    _password_step(client, staff)

    # When the server runs with another two-factor key
    monkeypatch.setenv(TWO_FACTOR_KEY_ENVIRONMENT_VARIABLE, "not the key the seeds were sealed")
    response = client.post(reverse("accounts:two_factor"), {"code": code})

    # Then the code is refused with a message saying why (no error page), nothing is signed
    # in, the failure is audited and the growing delay is not charged for it
    assert response.status_code == 200
    assert KEY_CHANGED in response.content.decode()
    assert client.get(DASHBOARD).status_code == 302
    assert AuditEvent.objects.filter(action="login.second_factor", outcome="failure").exists()
    assert Authenticator.objects.get(pk=staff.device.pk).throttling_failure_count == 0


def test_a_wrong_server_key_refuses_reauthentication_with_a_clear_message(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a signed-in member asked to confirm it is them
    staff = make_staff(Role.ADMIN)
    sign_in(client, staff, recently_authenticated=False)
    code = staff.current_code()

    # When the server's two-factor key changed
    monkeypatch.setenv(TWO_FACTOR_KEY_ENVIRONMENT_VARIABLE, "not the key the seeds were sealed")
    response = client.post(
        reverse("accounts:reauthenticate"), {"password": STAFF_PASSWORD, "code": code}
    )

    # Then the page says why, and nothing counts as a recent authentication
    assert response.status_code == 200
    assert KEY_CHANGED in response.content.decode()
    assert not AuditEvent.objects.filter(action="login.reauthentication", outcome="success")


def test_a_wrong_server_key_shows_the_enrolment_page_without_a_qr_code(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a member enrolling, whose unconfirmed authenticator was sealed under another key
    staff = make_staff(Role.VIEWER)
    Authenticator.objects.filter(user=staff.user).delete()
    _password_step(client, staff)
    client.get(reverse("accounts:enrol"))

    # When the server's key changes before the page is drawn again
    monkeypatch.setenv(TWO_FACTOR_KEY_ENVIRONMENT_VARIABLE, "not the key the seeds were sealed")
    page = client.get(reverse("accounts:enrol"))

    # Then the page says why and shows no secret
    assert page.status_code == 200
    assert KEY_CHANGED in page.content.decode()
    assert "<svg" not in page.content.decode()
