"""SR-01, SR-22: the session table holds a keyed digest of each session key, never the key
(the cookie's value); every way in and out of a session goes through the digest
(``safepassage.site.sessions``, decision 0048)."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.roles import Role
from safepassage.site.scheduler import discover
from safepassage.site.sessions import SessionStore, stored_key
from safepassage.site.tasks import delete_expired_sessions
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("site:dashboard")
OLD_SECRET = "an-old-secret-key-that-was-replaced-" + "x" * 30


def _cookie(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _every_stored_value() -> list[str]:
    return [
        value
        for row in Session.objects.all()
        for value in (row.session_key, row.session_data, str(row.expire_date))
    ]


def test_the_engine_is_the_one_in_use() -> None:
    assert settings.SESSION_ENGINE == "safepassage.site.sessions"


def test_a_signed_in_session_is_stored_without_its_cookie_value() -> None:
    # Given a caseworker signed in through the real pages' session machinery
    client = sign_in(Client(), make_staff(Role.CASEWORKER))
    assert client.get(DASHBOARD).status_code == 200
    cookie = _cookie(client)

    # Then the row is named by the digest, and the cookie value is in no column of any row
    assert Session.objects.filter(session_key=stored_key(cookie)).count() == 1
    assert not any(cookie in value for value in _every_stored_value())
    assert all(len(row.session_key) == 40 for row in Session.objects.all())


def test_a_copied_rows_digest_used_as_a_cookie_opens_nothing() -> None:
    # Given a live staff session and a copy of its row
    victim = sign_in(Client(), make_staff(Role.CASEWORKER))
    assert victim.get(DASHBOARD).status_code == 200
    copied = Session.objects.get(session_key=stored_key(_cookie(victim)))

    # When someone sends the stored digest as their session cookie
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = copied.session_key
    response = thief.get(DASHBOARD)

    # Then they are sent to sign in, and the victim's row is untouched
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert SessionStore(session_key=copied.session_key).load() == {}
    assert Session.objects.get(pk=copied.pk).session_data == copied.session_data
    assert victim.get(DASHBOARD).status_code == 200


def test_signing_out_deletes_the_stored_row() -> None:
    client = sign_in(Client(), make_staff(Role.CASEWORKER))
    cookie = _cookie(client)
    assert Session.objects.filter(session_key=stored_key(cookie)).exists()

    client.post(reverse("accounts:logout"))

    assert not Session.objects.filter(session_key=stored_key(cookie)).exists()
    assert SessionStore(session_key=cookie).load() == {}
    assert client.get(DASHBOARD).status_code == 302


def test_save_load_exists_cycle_key_and_delete_go_through_the_digest() -> None:
    # Given a stored session
    session = SessionStore()
    session["probe"] = "kept"
    session.save()
    first_key = session.session_key
    assert first_key is not None
    assert not Session.objects.filter(session_key=first_key).exists()
    assert SessionStore().exists(first_key)
    assert SessionStore(session_key=first_key).load() == {"probe": "kept"}

    # When its key is cycled (as every sign-in step does)
    session.cycle_key()
    second_key = session.session_key
    assert second_key is not None

    # Then the old digest's row is gone, the data moved to the new digest
    assert second_key != first_key
    assert not Session.objects.filter(session_key=stored_key(first_key)).exists()
    assert SessionStore(session_key=second_key).load() == {"probe": "kept"}
    assert SessionStore(session_key=first_key).load() == {}

    # And deleting by key deletes the new row
    SessionStore().delete(second_key)
    assert Session.objects.count() == 0


def test_clearsessions_deletes_expired_sessions_and_keeps_live_ones() -> None:
    # Given one live and one expired session
    live, expired = SessionStore(), SessionStore()
    live["probe"] = expired["probe"] = 1
    live.save()
    expired.save()
    assert expired.session_key is not None
    Session.objects.filter(session_key=stored_key(expired.session_key)).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    # When the operator's clean-up runs
    call_command("clearsessions")

    # Then only the live one is left, and the expired one no longer opens
    assert list(Session.objects.values_list("session_key", flat=True)) == [
        stored_key(str(live.session_key))
    ]
    assert SessionStore(session_key=expired.session_key).load() == {}


def test_an_expired_session_does_not_load_even_before_it_is_cleared() -> None:
    session = SessionStore()
    session["probe"] = 1
    session.save()
    key = str(session.session_key)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    assert SessionStore(session_key=key).load() == {}


def test_a_session_stored_under_a_replaced_secret_key_still_opens_and_moves() -> None:
    # Given a session stored while OLD_SECRET was the key
    with override_settings(SECRET_KEY=OLD_SECRET):
        session = SessionStore()
        session["probe"] = "kept"
        session.save()
    key = str(session.session_key)
    assert Session.objects.filter(session_key=stored_key(key, secret=OLD_SECRET)).exists()

    # When the key was replaced and the old one kept as a fallback
    with override_settings(SECRET_KEY_FALLBACKS=[OLD_SECRET]):
        loaded = SessionStore(session_key=key).load()

    # Then the session opens and is stored under the current key's digest only
    assert loaded == {"probe": "kept"}
    assert list(Session.objects.values_list("session_key", flat=True)) == [stored_key(key)]


def test_a_session_under_an_old_key_without_fallback_does_not_open() -> None:
    with override_settings(SECRET_KEY=OLD_SECRET):
        session = SessionStore()
        session["probe"] = "kept"
        session.save()

    assert SessionStore(session_key=str(session.session_key)).load() == {}


def test_the_migration_stores_clear_keys_as_digests_and_keeps_them_signed_in() -> None:
    # Given a row as Django's own engine stored it (the key in clear) and one already digested
    clear_key = "abcdefghijklmnopqrstuvwxyz012345"
    data = SessionStore().encode({"probe": "kept"})
    expires = timezone.now() + datetime.timedelta(minutes=10)
    Session.objects.create(session_key=clear_key, session_data=data, expire_date=expires)
    already = stored_key("k" * 32)
    Session.objects.create(session_key=already, session_data=data, expire_date=expires)

    # When the migration runs
    migration = importlib.import_module(
        "safepassage.site.migrations.0003_session_keys_stored_as_digests"
    )
    migration.store_keys_as_digests(apps, None)

    # Then the clear key is gone, the session still opens with its cookie, the digest stays
    keys = set(Session.objects.values_list("session_key", flat=True))
    assert keys == {stored_key(clear_key), already}
    assert SessionStore(session_key=clear_key).load() == {"probe": "kept"}


def test_the_hourly_task_deletes_expired_sessions() -> None:
    # Given one live and one expired session
    live, expired = SessionStore(), SessionStore()
    live["probe"] = expired["probe"] = 1
    live.save()
    expired.save()
    Session.objects.filter(session_key=stored_key(str(expired.session_key))).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    # When the scheduled clean-up runs (the scheduler lists it hourly)
    delete_expired_sessions.call()

    # Then only the live session is left
    assert discover().tasks[delete_expired_sessions.module_path].every == datetime.timedelta(
        hours=1
    )
    assert list(Session.objects.values_list("session_key", flat=True)) == [
        stored_key(str(live.session_key))
    ]
