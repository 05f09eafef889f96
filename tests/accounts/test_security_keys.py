"""Security keys (WebAuthn) as a second factor (SR-19, decision 0035), with a software key.

Every refusal (wrong origin, wrong relying party, replayed or expired challenge, a sign
count that did not grow, another user's key, a malformed answer) is an ordinary page with
a message: nothing is stored, the session is not verified, and there is no traceback.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import Settings

from safepassage.accounts.models import SecurityKey, User
from safepassage.accounts.roles import Role
from safepassage.accounts.webauthn_ceremony import CHALLENGE_MAX_AGE, CHALLENGE_SESSION_KEY
from safepassage.audit.models import AuditEvent
from tests.accounts.factories import colleagues, reset_two_factor
from tests.accounts.security_key_factories import (
    FOREIGN_ORIGINS,
    localhost_client,
    register_key,
    registration_options,
    sign_in_as_stored,
)
from tests.accounts.software_authenticator import SoftwareAuthenticator
from tests.factories import StaffMember, make_staff

pytestmark = pytest.mark.django_db

ADD = reverse("accounts:add_security_key")
SIGN_IN = reverse("accounts:security_key_sign_in")
TWO_FACTOR = reverse("accounts:two_factor")
SECURITY = reverse("accounts:security")
DASHBOARD = reverse("site:dashboard")


def _password_only(staff: StaffMember) -> tuple[Client, str]:
    """A session past the password step, and the key options its code page offers."""
    client = sign_in_as_stored(localhost_client(), staff, second_factor=False)
    response = client.get(TWO_FACTOR)
    assert response.status_code == 200
    options = response.context["security_key_options"]
    assert isinstance(options, str)
    return client, options


def _is_verified(client: Client) -> bool:
    return client.get(DASHBOARD).status_code == 200


def _failures(staff: StaffMember) -> int:
    return AuditEvent.objects.filter(
        action="login.security_key", outcome="failure", object_ref=str(staff.user.public_id)
    ).count()


def _age_challenge(client: Client) -> None:
    """Make the session's challenge 5 minutes and 1 second old."""
    session = client.session
    stored = session[CHALLENGE_SESSION_KEY]
    stored["issued_at"] -= CHALLENGE_MAX_AGE.total_seconds() + 1
    session[CHALLENGE_SESSION_KEY] = stored
    session.save()


def _clear_throttle(staff: StaffMember) -> None:
    TOTPDevice.objects.filter(pk=staff.device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )


# --- Registration -------------------------------------------------------------------


def test_a_caseworker_adds_a_security_key_from_the_security_page() -> None:
    # Given a signed-in caseworker who confirmed it is them in the last 5 minutes
    caseworker = make_staff(Role.CASEWORKER)
    client = sign_in_as_stored(localhost_client(), caseworker)
    epoch = caseworker.user.session_epoch
    key = SoftwareAuthenticator()

    # When they name a key and the browser answers the ceremony
    response = client.post(
        ADD, {"name": "Blue key", "credential": key.register(registration_options(client))}
    )

    # Then the key is stored (id, public key, count, transports, day) and audited
    assert response.status_code == 302
    assert response["Location"] == SECURITY
    stored = SecurityKey.objects.get(user=caseworker.user)
    assert stored.label == "Blue key"
    assert stored.name == SecurityKey.KEY_LABEL  # the name itself is sealed (decision 0050)
    assert stored.credential_id == key.credential_id_b64
    assert stored.sign_count == 0
    assert stored.transports == ["usb"]
    assert stored.created_on == timezone.localdate()
    assert AuditEvent.objects.filter(
        action="two_factor.key_added", object_ref=str(stored.public_id)
    ).exists()
    # and every other session ended (a two-factor change, SR-22) but this one stays
    assert User.objects.get(pk=caseworker.user.pk).session_epoch != epoch
    page = client.get(SECURITY)
    assert page.status_code == 200
    assert "Blue key" in page.content.decode()
    assert reverse("accounts:remove_security_key", args=[stored.public_id]) in (
        page.content.decode()
    )


def test_several_keys_per_user() -> None:
    caseworker = make_staff(Role.CASEWORKER)
    register_key(caseworker, SoftwareAuthenticator(), name="Blue key")
    register_key(caseworker, SoftwareAuthenticator(), name="Spare key")
    assert SecurityKey.objects.filter(user=caseworker.user).count() == 2


def test_the_registration_options_name_no_address_and_exclude_known_keys() -> None:
    caseworker = make_staff(Role.CASEWORKER)
    first = register_key(caseworker, SoftwareAuthenticator())
    options = json.loads(registration_options(sign_in_as_stored(localhost_client(), caseworker)))
    assert options["rp"]["id"] == "localhost"
    assert caseworker.user.email not in json.dumps(options)
    assert [item["id"] for item in options["excludeCredentials"]] == [first.credential_id]


# A page at another origin (a phishing look-alike, another port) or a relying party that
# is not this site: what a key's signature is bound against.
@FOREIGN_ORIGINS
def test_a_registration_for_another_origin_or_relying_party_is_refused(
    origin: str, rp_id: str | None
) -> None:
    caseworker = make_staff(Role.CASEWORKER)
    client = sign_in_as_stored(localhost_client(), caseworker)
    answer = SoftwareAuthenticator().register(
        registration_options(client), origin=origin, rp_id=rp_id
    )
    response = client.post(ADD, {"name": "Blue key", "credential": answer})
    assert response.status_code == 200
    assert "could not be added" in response.content.decode()
    assert not SecurityKey.objects.exists()
    assert not AuditEvent.objects.filter(action="two_factor.key_added").exists()


def test_a_registration_challenge_works_once() -> None:
    caseworker = make_staff(Role.CASEWORKER)
    client = sign_in_as_stored(localhost_client(), caseworker)
    options = registration_options(client)
    first = client.post(
        ADD, {"name": "Blue key", "credential": SoftwareAuthenticator().register(options)}
    )
    assert first.status_code == 302
    client = sign_in_as_stored(client, caseworker)  # the key change rotated the session epoch
    replay = client.post(
        ADD, {"name": "Red key", "credential": SoftwareAuthenticator().register(options)}
    )
    assert replay.status_code == 200
    assert SecurityKey.objects.filter(user=caseworker.user).count() == 1


def test_a_registration_challenge_expires_after_five_minutes() -> None:
    caseworker = make_staff(Role.CASEWORKER)
    client = sign_in_as_stored(localhost_client(), caseworker)
    options = registration_options(client)
    _age_challenge(client)
    answer = SoftwareAuthenticator().register(options)
    response = client.post(ADD, {"name": "Blue key", "credential": answer})
    assert response.status_code == 200
    assert not SecurityKey.objects.exists()


@pytest.mark.parametrize(
    "credential", ["", "not json", "[]", '{"id": "x"}', json.dumps({"response": {}})]
)
def test_a_malformed_registration_answer_is_refused_without_a_traceback(
    credential: str,
) -> None:
    caseworker = make_staff(Role.CASEWORKER)
    client = sign_in_as_stored(localhost_client(), caseworker)
    registration_options(client)
    response = client.post(ADD, {"name": "Blue key", "credential": credential})
    assert response.status_code == 200
    assert not SecurityKey.objects.exists()


def test_the_same_key_cannot_be_registered_twice() -> None:
    caseworker = make_staff(Role.CASEWORKER)
    other = make_staff(Role.CASEWORKER)
    key = SoftwareAuthenticator()
    register_key(caseworker, key)
    client = sign_in_as_stored(localhost_client(), other)
    response = client.post(
        ADD, {"name": "Copied key", "credential": key.register(registration_options(client))}
    )
    assert response.status_code == 200
    assert SecurityKey.objects.get().user == caseworker.user


def test_a_refused_answer_is_not_written_back_so_the_next_try_asks_the_key() -> None:
    # Given a registration refused (its challenge is spent)
    caseworker = make_staff(Role.CASEWORKER)
    client = sign_in_as_stored(localhost_client(), caseworker)
    answer = SoftwareAuthenticator().register(
        registration_options(client), origin="https://evil.example"
    )
    response = client.post(ADD, {"name": "Blue key", "credential": answer})

    # Then the form shown again has an empty answer field (the script, seeing one filled
    # in, would send it again instead of asking the key)
    assert response.status_code == 200
    assert '<input type="hidden" name="credential" id="id_credential">' in response.text
    assert json.loads(answer)["response"]["clientDataJSON"] not in response.text


def test_adding_a_key_needs_a_recent_authentication() -> None:
    caseworker = make_staff(Role.CASEWORKER)
    client = sign_in_as_stored(localhost_client(), caseworker, recently_authenticated=False)
    response = client.post(ADD, {"name": "Blue key", "credential": "{}"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert not SecurityKey.objects.exists()


def test_over_http_at_a_real_host_keys_are_not_offered() -> None:
    # Given a site reached over plain http at a name other than localhost
    caseworker = make_staff(Role.CASEWORKER)
    client = sign_in_as_stored(Client(), caseworker)  # "testserver", http
    # Then the add page explains, and no challenge was issued
    response = client.get(ADD)
    assert response.status_code == 200
    assert response.context["options"] is None
    assert "only over https" in response.content.decode()


def test_a_configured_rp_id_is_used_and_a_foreign_host_refused(settings: Settings) -> None:
    settings.WEBAUTHN_RP_ID = "localhost"
    caseworker = make_staff(Role.CASEWORKER)
    options = json.loads(registration_options(sign_in_as_stored(localhost_client(), caseworker)))
    assert options["rp"]["id"] == "localhost"
    settings.WEBAUTHN_RP_ID = "safepassage.example"
    response = sign_in_as_stored(localhost_client(), caseworker).get(ADD)
    assert response.context["options"] is None


def test_anonymous_and_password_only_cannot_add_or_remove_keys() -> None:
    caseworker = make_staff(Role.CASEWORKER)
    stored = register_key(caseworker, SoftwareAuthenticator())
    remove = reverse("accounts:remove_security_key", args=[stored.public_id])
    audit_before = AuditEvent.objects.count()
    anonymous = localhost_client()
    assert anonymous.post(ADD, {"name": "x", "credential": "{}"})["Location"].startswith(
        reverse("accounts:login")
    )
    assert anonymous.post(remove)["Location"].startswith(reverse("accounts:login"))
    password_only = sign_in_as_stored(localhost_client(), caseworker, second_factor=False)
    assert password_only.post(ADD, {"name": "x", "credential": "{}"})["Location"] == TWO_FACTOR
    assert password_only.post(remove)["Location"] == TWO_FACTOR
    assert SecurityKey.objects.filter(pk=stored.pk).exists()
    assert AuditEvent.objects.count() == audit_before


# --- Removal ------------------------------------------------------------------------


def test_a_user_removes_their_own_key_after_confirming_it_is_them() -> None:
    caseworker = make_staff(Role.CASEWORKER)
    stored = register_key(caseworker, SoftwareAuthenticator())
    remove = reverse("accounts:remove_security_key", args=[stored.public_id])
    client = sign_in_as_stored(localhost_client(), caseworker)
    assert client.get(remove).status_code == 200
    epoch = User.objects.get(pk=caseworker.user.pk).session_epoch

    response = client.post(remove)

    assert response.status_code == 302
    assert not SecurityKey.objects.filter(pk=stored.pk).exists()
    assert AuditEvent.objects.filter(
        action="two_factor.key_removed", object_ref=str(stored.public_id)
    ).exists()
    assert User.objects.get(pk=caseworker.user.pk).session_epoch != epoch
    assert client.get(SECURITY).status_code == 200  # this session stays


def test_removing_a_key_needs_a_recent_authentication() -> None:
    caseworker = make_staff(Role.CASEWORKER)
    stored = register_key(caseworker, SoftwareAuthenticator())
    client = sign_in_as_stored(localhost_client(), caseworker, recently_authenticated=False)
    response = client.post(reverse("accounts:remove_security_key", args=[stored.public_id]))
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert SecurityKey.objects.filter(pk=stored.pk).exists()


def test_nobody_removes_another_users_key_not_even_their_admin() -> None:
    admin, caseworker = colleagues()
    stored = register_key(caseworker, SoftwareAuthenticator())
    audit_before = AuditEvent.objects.count()
    client = sign_in_as_stored(localhost_client(), admin)
    remove = reverse("accounts:remove_security_key", args=[stored.public_id])
    assert client.get(remove).status_code == 404
    assert client.post(remove).status_code == 404
    assert SecurityKey.objects.filter(pk=stored.pk).exists()
    assert AuditEvent.objects.count() == audit_before


def test_an_admins_two_factor_reset_also_removes_the_colleagues_keys() -> None:
    admin, caseworker = colleagues()
    register_key(caseworker, SoftwareAuthenticator())
    reset_two_factor(admin, caseworker)
    assert not SecurityKey.objects.filter(user=caseworker.user).exists()


# --- Sign-in ------------------------------------------------------------------------


def test_password_then_security_key_reaches_the_dashboard() -> None:
    # Given a caseworker with a key, past the password step
    caseworker = make_staff(Role.CASEWORKER)
    key = SoftwareAuthenticator()
    stored = register_key(caseworker, key)
    client, options = _password_only(caseworker)
    assert json.loads(options)["allowCredentials"][0]["id"] == stored.credential_id
    session_key = client.session.session_key

    # When the key answers
    response = client.post(SIGN_IN, {"credential": key.sign(options), "next": DASHBOARD})

    # Then the session is two-factor verified (by django-otp, as a code does), rotated,
    # the key's count moved on and the sign-in is audited
    assert response.status_code == 302
    assert response["Location"] == DASHBOARD
    assert _is_verified(client)
    assert client.session.session_key != session_key
    stored.refresh_from_db()
    assert stored.sign_count == 1
    assert stored.last_used_on == timezone.localdate()
    assert AuditEvent.objects.filter(action="login.security_key", outcome="success").exists()


def test_the_code_page_offers_the_key_and_still_the_code() -> None:
    caseworker = make_staff(Role.CASEWORKER)
    register_key(caseworker, SoftwareAuthenticator())
    client = sign_in_as_stored(localhost_client(), caseworker, second_factor=False)
    page = client.get(TWO_FACTOR).content.decode()
    assert "<h1>Sign in with your security key or a code</h1>" in page
    assert "Use your security key" in page
    assert "data-webauthn-without-script" in page
    assert 'name="code"' in page
    assert "accounts/security-key.js" in page


def test_without_a_key_the_code_page_is_unchanged() -> None:
    caseworker = make_staff(Role.CASEWORKER)
    client = sign_in_as_stored(localhost_client(), caseworker, second_factor=False)
    response = client.get(TWO_FACTOR)
    assert response.context["security_key_options"] is None
    assert "security-key.js" not in response.content.decode()
    assert "<h1>Enter your authenticator code</h1>" in response.content.decode()


def test_the_code_page_heading_names_both_ways_in_russian_too() -> None:
    caseworker = make_staff(Role.CASEWORKER)
    register_key(caseworker, SoftwareAuthenticator())
    client = sign_in_as_stored(localhost_client(), caseworker, second_factor=False)
    page = client.get(TWO_FACTOR, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "<h1>Войдите с ключом безопасности или кодом</h1>" in page  # noqa: RUF001


@FOREIGN_ORIGINS
def test_an_assertion_for_another_origin_or_relying_party_is_refused(
    origin: str, rp_id: str | None
) -> None:
    caseworker = make_staff(Role.CASEWORKER)
    key = SoftwareAuthenticator()
    register_key(caseworker, key)
    client, options = _password_only(caseworker)

    response = client.post(SIGN_IN, {"credential": key.sign(options, origin=origin, rp_id=rp_id)})

    assert response.status_code == 302
    assert response["Location"].startswith(TWO_FACTOR)
    assert not _is_verified(client)
    assert _failures(caseworker) == 1
    assert TOTPDevice.objects.get(pk=caseworker.device.pk).throttling_failure_count == 1


def test_a_sign_in_challenge_works_once() -> None:
    caseworker = make_staff(Role.CASEWORKER)
    key = SoftwareAuthenticator()
    register_key(caseworker, key)
    client, options = _password_only(caseworker)
    answer = key.sign(options)
    assert client.post(SIGN_IN, {"credential": answer}).status_code == 302
    assert _is_verified(client)

    # When someone replays the same answer in another password-only session
    other, _options = _password_only(caseworker)
    other.post(SIGN_IN, {"credential": answer})
    assert not _is_verified(other)
    assert _failures(caseworker) == 1


def test_a_sign_in_answer_without_any_challenge_is_refused() -> None:
    caseworker = make_staff(Role.CASEWORKER)
    key = SoftwareAuthenticator()
    register_key(caseworker, key)
    _client_with_options, options = _password_only(caseworker)
    # A session that never saw the code page
    client = sign_in_as_stored(localhost_client(), caseworker, second_factor=False)
    client.post(SIGN_IN, {"credential": key.sign(options)})
    assert not _is_verified(client)


def test_a_sign_in_challenge_expires_after_five_minutes() -> None:
    caseworker = make_staff(Role.CASEWORKER)
    key = SoftwareAuthenticator()
    register_key(caseworker, key)
    client, options = _password_only(caseworker)
    _age_challenge(client)
    client.post(SIGN_IN, {"credential": key.sign(options)})
    assert not _is_verified(client)
    assert _failures(caseworker) == 1


def test_a_sign_count_that_goes_backwards_is_refused_as_a_cloned_key() -> None:
    caseworker = make_staff(Role.CASEWORKER)
    key = SoftwareAuthenticator()
    stored = register_key(caseworker, key)
    client, options = _password_only(caseworker)
    key.sign_count = 5
    assert client.post(SIGN_IN, {"credential": key.sign(options)}).status_code == 302
    assert _is_verified(client)

    # When a copy of the key, whose counter is behind, signs
    clone, options = _password_only(caseworker)
    _clear_throttle(caseworker)
    clone.post(SIGN_IN, {"credential": key.sign(options, sign_count=3)})

    assert not _is_verified(clone)
    stored.refresh_from_db()
    assert stored.sign_count == 6
    assert _failures(caseworker) == 1


def test_another_users_key_does_not_sign_in_this_user() -> None:
    # Given two caseworkers, each with a key
    caseworker = make_staff(Role.CASEWORKER)
    other = make_staff(Role.CASEWORKER)
    register_key(caseworker, SoftwareAuthenticator())
    other_key = SoftwareAuthenticator()
    register_key(other, other_key)
    client, options = _password_only(caseworker)

    # When the other caseworker's key answers this caseworker's challenge
    client.post(SIGN_IN, {"credential": other_key.sign(options)})

    # Then it is refused
    assert not _is_verified(client)
    assert _failures(caseworker) == 1


def test_a_signature_from_another_private_key_is_refused() -> None:
    caseworker = make_staff(Role.CASEWORKER)
    key = SoftwareAuthenticator()
    register_key(caseworker, key)
    forged = SoftwareAuthenticator(credential_id=key.credential_id)  # same id, other key
    client, options = _password_only(caseworker)
    client.post(SIGN_IN, {"credential": forged.sign(options)})
    assert not _is_verified(client)


@pytest.mark.parametrize(
    "credential",
    ["", "not json", "[]", '{"rawId": "@@@"}', json.dumps({"rawId": "AAAA", "response": {}})],
)
def test_a_malformed_sign_in_answer_is_refused_without_a_traceback(credential: str) -> None:
    caseworker = make_staff(Role.CASEWORKER)
    register_key(caseworker, SoftwareAuthenticator())
    client, _options = _password_only(caseworker)
    response = client.post(SIGN_IN, {"credential": credential})
    assert response.status_code == 302
    assert not _is_verified(client)
    assert _failures(caseworker) == 1


def test_key_failures_share_the_growing_delay_of_wrong_codes() -> None:
    # Given a failure just now (the authenticator's throttle counts it)
    caseworker = make_staff(Role.CASEWORKER)
    key = SoftwareAuthenticator()
    register_key(caseworker, key)
    client, options = _password_only(caseworker)
    client.post(SIGN_IN, {"credential": key.sign(options, origin="https://evil.example")})

    # When the right key answers at once
    again, options = _password_only(caseworker)
    again.post(SIGN_IN, {"credential": key.sign(options)})

    # Then the delay refuses it unchecked, audited as denied
    assert not _is_verified(again)
    assert AuditEvent.objects.filter(action="login.security_key", outcome="denied").exists()
    # and a wrong code counts in the same throttle
    assert TOTPDevice.objects.get(pk=caseworker.device.pk).throttling_failure_count >= 1


def test_the_sign_in_endpoint_answers_only_posts() -> None:
    caseworker = make_staff(Role.CASEWORKER)
    password_only = sign_in_as_stored(localhost_client(), caseworker, second_factor=False)
    assert password_only.get(SIGN_IN).status_code == 405
    assert (
        localhost_client()
        .post(SIGN_IN, {"credential": "{}"})["Location"]
        .startswith(reverse("accounts:login"))
    )
