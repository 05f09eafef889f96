"""SR-08: the unlocked private key lives in the session only sealed under a cookie secret."""

import pytest
from django.contrib.sessions.models import Session
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.actions import do_log_out_everywhere
from safepassage.accounts.key_session import (
    SESSION_KEY,
    cookie_name,
    load_private_key,
    seal_private_key_into_session,
)
from safepassage.accounts.roles import Role
from safepassage.core.crypto import generate_key_pair
from tests.cases.factories import keyed_organisation, make_keyed_staff, sign_in_with_keys
from tests.factories import STAFF_PASSWORD, make_staff

pytestmark = pytest.mark.django_db


def _request(client: Client) -> HttpRequest:
    request = HttpRequest()
    request.session = client.session
    request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
    return request


def test_the_key_round_trips_with_session_and_cookie_together() -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    client = sign_in_with_keys(Client(), keyed)

    loaded = load_private_key(request=_request(client), user=keyed.user)

    assert loaded is not None
    assert loaded.private_key == keyed.key_pair.private_key


def test_a_copy_of_the_session_store_decrypts_nothing() -> None:
    # Given a signed-in session holding a key
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    client = sign_in_with_keys(Client(), keyed)
    raw_private = keyed.key_pair.private_key.raw

    # When someone copies every session row (but has no cookie)
    rows = [session.session_data for session in Session.objects.all()]
    thief = HttpRequest()
    thief.session = client.session
    thief.COOKIES = {}

    # Then the private key appears nowhere and nothing opens without the cookie
    assert all(raw_private.hex() not in row and str(raw_private) not in row for row in rows)
    assert load_private_key(request=thief, user=keyed.user) is None
    thief.COOKIES = {cookie_name(): "A" * 43 + "="}
    assert load_private_key(request=thief, user=keyed.user) is None


def test_log_out_everywhere_makes_every_stored_key_box_unopenable() -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    client = sign_in_with_keys(Client(), keyed)
    request = _request(client)

    do_log_out_everywhere(user=keyed.user)
    keyed.user.refresh_from_db()

    assert load_private_key(request=request, user=keyed.user) is None


def test_logout_flushes_the_key_and_deletes_its_cookie() -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    client = sign_in_with_keys(Client(), keyed)

    response = client.post(reverse("accounts:logout"))

    assert response.cookies[cookie_name()].value == ""
    assert not any(SESSION_KEY in session.get_decoded() for session in Session.objects.all())


def test_the_password_step_of_sign_in_unlocks_the_key(client: Client) -> None:
    # Given a caseworker with a key pair
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)

    # When they pass the password step of the real sign-in
    response = client.post(
        reverse("accounts:login"), {"email": keyed.user.email, "password": STAFF_PASSWORD}
    )

    # Then the key cookie is set and the session's box opens with it
    assert response.status_code == 302
    assert response.cookies[cookie_name()]["httponly"]
    assert response.cookies[cookie_name()]["samesite"] == "Strict"
    loaded = load_private_key(request=_request(client), user=keyed.user)
    assert loaded is not None
    assert loaded.public_key == keyed.key_pair.public_key


def test_a_user_without_keys_signs_in_without_a_key_cookie(client: Client) -> None:
    staff = make_staff(Role.FUNDRAISER)

    response = client.post(
        reverse("accounts:login"), {"email": staff.user.email, "password": STAFF_PASSWORD}
    )

    assert response.status_code == 302
    assert cookie_name() not in response.cookies


def test_a_box_sealed_for_one_user_does_not_open_for_another() -> None:
    organisation, _ = keyed_organisation()
    first = make_keyed_staff(Role.CASEWORKER, organisation)
    second = make_keyed_staff(Role.CASEWORKER, organisation)
    client = Client()
    session = client.session
    secret = seal_private_key_into_session(
        session=session, user=first.user, key_pair=generate_key_pair()
    )
    request = HttpRequest()
    request.session = session
    request.COOKIES = {cookie_name(): secret}

    assert load_private_key(request=request, user=first.user) is not None
    assert load_private_key(request=request, user=second.user) is None
