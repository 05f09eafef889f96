"""SR-24: ``safepassage lockdown`` ends every session and every cached key at once."""

from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory
from django.urls import reverse

from safepassage.accounts.key_session import cookie_name, load_private_key
from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from tests.cases.factories import keyed_organisation, make_case, make_keyed_staff, sign_in_with_keys

pytestmark = pytest.mark.django_db


def test_lockdown_signs_everyone_out_and_a_copied_session_opens_no_key() -> None:
    # Given a caseworker signed in with an unlocked key, and a copy of their session row
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=keyed, full_name="Locked Down Person")
    client = sign_in_with_keys(Client(), keyed)
    url = reverse("cases:detail", kwargs={"case_id": case.public_id})
    assert "Locked Down Person" in client.get(url).text
    copied = {row.session_key: row.session_data for row in Session.objects.all()}
    secret = client.cookies[cookie_name()].value

    # When an operator runs the lockdown
    out = StringIO()
    call_command("lockdown", "--yes", stdout=out)

    # Then every session is gone, the browser is signed out, and even the copied session
    # row with the cookie secret no longer opens the private key
    assert Session.objects.count() == 0
    assert "sessions ended" in out.getvalue()
    assert client.get(url).status_code == 302
    keyed.user.refresh_from_db()
    for session_key, data in copied.items():
        Session.objects.create(
            session_key=session_key, session_data=data, expire_date="2999-01-01T00:00:00Z"
        )
        request = RequestFactory().get("/")
        request.session = SessionStore(session_key=session_key)
        request.COOKIES[cookie_name()] = secret
        assert load_private_key(request=request, user=keyed.user) is None
    assert AuditEvent.objects.filter(action="site.lockdown").count() == 1


def test_lockdown_without_confirmation_changes_nothing() -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    sign_in_with_keys(Client(), keyed)
    before = Session.objects.count()

    with pytest.raises(CommandError):
        call_command("lockdown")

    assert Session.objects.count() == before
    assert not AuditEvent.objects.filter(action="site.lockdown").exists()
