"""SR-23 with a security key (SR-19, decision 0035): before an export, a role or key change
or any other sensitive step, the password and a registered security key confirm it is you,
as the password and a code do. Same single-use challenges (of their own purpose), origin
and relying-party checks, sign count, audit and throttling as the key at sign-in."""

import json
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from safepassage.accounts.models import SecurityKey
from safepassage.accounts.roles import Role
from safepassage.accounts.webauthn_ceremony import CHALLENGE_MAX_AGE, CHALLENGE_SESSION_KEY
from safepassage.audit.models import AuditEvent
from tests.accounts.security_key_factories import (
    FOREIGN_ORIGINS,
    localhost_client,
    register_key,
    sign_in_as_stored,
)
from tests.accounts.software_authenticator import SoftwareAuthenticator
from tests.factories import STAFF_PASSWORD, StaffMember, make_staff

pytestmark = pytest.mark.django_db

REAUTHENTICATE = reverse("accounts:reauthenticate")
WITH_KEY = reverse("accounts:reauthenticate_with_security_key")
REFUSED = "The password is wrong, or your security key could not be checked."


def _export_url(staff: StaffMember) -> str:
    return reverse(
        "donations:pledge_export", kwargs={"organisation_id": staff.organisation.public_id}
    )


def _stale_with_key() -> tuple[Client, StaffMember, SoftwareAuthenticator, SecurityKey]:
    """An admin with a registered key, signed in more than 5 minutes ago."""
    admin = make_staff(Role.ADMIN)
    key = SoftwareAuthenticator()
    stored = register_key(admin, key)
    client = sign_in_as_stored(localhost_client(), admin, recently_authenticated=False)
    return client, admin, key, stored


def _options(client: Client, *, next_url: str = "/") -> str:
    response = client.get(REAUTHENTICATE + "?" + urlencode({"next": next_url}))
    assert response.status_code == 200
    options = response.context["security_key_options"]
    assert isinstance(options, str)
    return options


def _confirm(
    client: Client, credential: str, *, password: str = STAFF_PASSWORD, next_url: str = "/"
):
    return client.post(WITH_KEY, {"password": password, "credential": credential, "next": next_url})


def _confirmed(client: Client, staff: StaffMember) -> bool:
    return client.get(_export_url(staff)).status_code == 200


def _events(staff: StaffMember, action: str, outcome: str) -> int:
    return AuditEvent.objects.filter(
        action=action, outcome=outcome, object_ref=str(staff.user.public_id)
    ).count()


def test_password_and_security_key_confirm_and_the_export_opens() -> None:
    # Given a stale session sent to confirm before an export, and its key's options
    client, admin, key, stored = _stale_with_key()
    url = _export_url(admin)
    options = _options(client, next_url=url)
    assert json.loads(options)["allowCredentials"][0]["id"] == stored.credential_id

    # When the password and the key answer
    response = _confirm(client, key.sign(options), next_url=url)

    # Then it goes on to the export, which opens; the key's count moved on; it is audited
    assert response.status_code == 302
    assert response["Location"] == url
    assert _confirmed(client, admin)
    stored.refresh_from_db()
    assert stored.sign_count == 1
    assert _events(admin, "login.reauthentication", "success") == 1


def test_a_wrong_password_with_the_right_key_is_refused_and_uses_up_the_challenge() -> None:
    # Given the key's answer to this session's challenge
    client, admin, key, stored = _stale_with_key()
    answer = key.sign(_options(client))

    # When it comes with a wrong password
    response = _confirm(client, answer, password="not the password at all, no")

    # Then it is refused with one message (which part failed is audited, not shown)
    assert response.status_code == 200
    assert REFUSED in response.text
    assert not _confirmed(client, admin)
    assert _events(admin, "login.reauthentication.password", "failure") == 1
    # and the same answer with the right password no longer works: the challenge is gone
    assert _confirm(client, answer).status_code == 200
    assert not _confirmed(client, admin)
    stored.refresh_from_db()
    assert stored.sign_count == 0


def test_a_refused_answer_is_not_written_back_so_the_next_try_asks_the_key() -> None:
    client, _admin, key, _stored = _stale_with_key()

    answer = key.sign(_options(client))
    response = _confirm(client, answer, password="not the password at all")

    assert '<input type="hidden" name="credential" id="id_key_credential">' in response.text
    assert json.loads(answer)["response"]["signature"] not in response.text


@FOREIGN_ORIGINS
def test_an_answer_for_another_origin_or_relying_party_does_not_confirm(
    origin: str, rp_id: str | None
) -> None:
    client, admin, key, _stored = _stale_with_key()

    response = _confirm(client, key.sign(_options(client), origin=origin, rp_id=rp_id))

    assert response.status_code == 200
    assert REFUSED in response.text
    assert not _confirmed(client, admin)
    assert _events(admin, "login.reauthentication.security_key", "failure") == 1
    assert TOTPDevice.objects.get(pk=admin.device.pk).throttling_failure_count == 1


def test_a_confirmation_challenge_works_once() -> None:
    # Given a confirmation with the key
    client, admin, key, _stored = _stale_with_key()
    answer = key.sign(_options(client))
    assert _confirm(client, answer).status_code == 302

    # When the same answer is sent again, in another stale session of the same person
    other = sign_in_as_stored(localhost_client(), admin, recently_authenticated=False)
    _options(other)
    _confirm(other, answer)

    # Then it confirms nothing there
    assert not _confirmed(other, admin)
    assert _events(admin, "login.reauthentication.security_key", "failure") == 1


def test_a_sign_in_challenge_does_not_confirm() -> None:
    # Given a session whose stored challenge was issued for a sign-in
    client, admin, key, _stored = _stale_with_key()
    options = _options(client)
    session = client.session
    session[CHALLENGE_SESSION_KEY] = session[CHALLENGE_SESSION_KEY] | {"purpose": "authenticate"}
    session.save()

    # When the key answers it
    _confirm(client, key.sign(options))

    # Then it is not a confirmation
    assert not _confirmed(client, admin)


def test_a_confirmation_challenge_expires_after_five_minutes() -> None:
    client, admin, key, _stored = _stale_with_key()
    options = _options(client)
    session = client.session
    stored_challenge = session[CHALLENGE_SESSION_KEY]
    stored_challenge["issued_at"] -= CHALLENGE_MAX_AGE.total_seconds() + 1
    session[CHALLENGE_SESSION_KEY] = stored_challenge
    session.save()

    _confirm(client, key.sign(options))

    assert not _confirmed(client, admin)


def test_a_copy_of_the_key_whose_count_is_behind_does_not_confirm() -> None:
    client, admin, key, stored = _stale_with_key()
    key.sign_count = 5
    assert _confirm(client, key.sign(_options(client))).status_code == 302

    stale = sign_in_as_stored(localhost_client(), admin, recently_authenticated=False)
    _confirm(stale, key.sign(_options(stale), sign_count=3))

    assert not _confirmed(stale, admin)
    stored.refresh_from_db()
    assert stored.sign_count == 6


def test_another_persons_key_does_not_confirm() -> None:
    client, admin, _key, _stored = _stale_with_key()
    other = make_staff(Role.ADMIN)
    other_key = SoftwareAuthenticator()
    register_key(other, other_key)

    _confirm(client, other_key.sign(_options(client)))

    assert not _confirmed(client, admin)


@pytest.mark.parametrize(
    "credential", ["", "not json", "[]", '{"rawId": "@@@"}', json.dumps({"rawId": "AAAA"})]
)
def test_a_malformed_answer_is_refused_without_a_traceback(credential: str) -> None:
    client, admin, _key, _stored = _stale_with_key()
    _options(client)

    response = _confirm(client, credential)

    assert response.status_code == 200
    assert REFUSED in response.text
    assert not _confirmed(client, admin)


def test_key_failures_share_the_growing_delay_of_wrong_codes() -> None:
    # Given a refused answer just now
    client, admin, key, _stored = _stale_with_key()
    _confirm(client, key.sign(_options(client), origin="https://evil.example"))

    # When the right key answers at once
    response = _confirm(client, key.sign(_options(client)))

    # Then the delay refuses it unchecked, audited as denied
    assert response.status_code == 200
    assert "Too many failed attempts. Wait a little, then try again." in response.text
    assert not _confirmed(client, admin)
    assert _events(admin, "login.reauthentication.security_key", "denied") == 1


def test_five_wrong_passwords_lock_like_the_sign_in_and_end_the_session() -> None:
    client, admin, key, _stored = _stale_with_key()

    statuses = []
    for _ in range(5):
        response = _confirm(client, key.sign(_options(client)), password="wrong wrong wrong")
        statuses.append(response.status_code)

    # The fifth locks: the page says how long to wait, and this session is over
    assert statuses == [200, 200, 200, 200, 429]
    assert "Wait 1 minute, then try again." in response.text
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert client.get(REAUTHENTICATE)["Location"].startswith(reverse("accounts:login"))
    assert _events(admin, "login.reauthentication.password", "denied") == 1


def test_signed_out_or_password_only_cannot_confirm_and_nothing_is_written() -> None:
    # Given the key's answer taken from a stale session
    client, admin, key, stored = _stale_with_key()
    answer = key.sign(_options(client))
    events = AuditEvent.objects.count()

    # When it is posted by someone signed out, and by a session past the password only
    signed_out = localhost_client().post(
        WITH_KEY, {"password": STAFF_PASSWORD, "credential": answer}
    )
    password_only = sign_in_as_stored(localhost_client(), admin, second_factor=False)
    halfway = password_only.post(WITH_KEY, {"password": STAFF_PASSWORD, "credential": answer})

    # Then both are sent to sign in, nothing is checked, counted or audited
    assert signed_out["Location"].startswith(reverse("accounts:login"))
    assert halfway["Location"].startswith(reverse("accounts:two_factor"))
    assert AuditEvent.objects.count() == events
    stored.refresh_from_db()
    assert stored.sign_count == 0
    assert TOTPDevice.objects.get(pk=admin.device.pk).throttling_failure_count == 0
    # and the answer still works where it belongs
    assert _confirm(client, answer).status_code == 302


def test_the_page_offers_the_key_and_still_the_code() -> None:
    client, _admin, _key, _stored = _stale_with_key()

    page = client.get(REAUTHENTICATE).content.decode()

    assert "With your security key" in page
    assert "Or with a code from your authenticator app" in page
    assert "data-webauthn-without-script" in page
    assert 'name="code"' in page
    assert "accounts/security-key.js" in page
    assert page.count('id="id_password"') == 1
    assert page.count('id="id_key_password"') == 1


def test_without_a_key_the_page_asks_for_the_code_only() -> None:
    admin = make_staff(Role.ADMIN)
    client = sign_in_as_stored(localhost_client(), admin, recently_authenticated=False)

    response = client.get(REAUTHENTICATE)

    assert response.context["security_key_options"] is None
    assert "security-key.js" not in response.text
    assert "With your security key" not in response.text


def test_the_key_endpoint_answers_only_posts() -> None:
    client, _admin, _key, _stored = _stale_with_key()
    assert client.get(WITH_KEY).status_code == 405


def test_the_page_with_a_key_reads_in_russian() -> None:
    client, _admin, _key, _stored = _stale_with_key()

    page = client.get(REAUTHENTICATE, HTTP_ACCEPT_LANGUAGE="ru").text

    for russian in (
        "С ключом безопасности",  # noqa: RUF001
        "Подтвердить ключом безопасности",
        "Или с кодом из приложения-аутентификатора",  # noqa: RUF001
        "Введите пароль, нажмите кнопку",
    ):
        assert russian in page
    for english in ("With your security key", "Confirm with your security key", "Type your"):
        assert english not in page
