"""SR-22: sessions rotated at sign-in, a 15-minute idle timeout, revoked everywhere on a
password or two-factor change (the absolute 10 hours, "log out everywhere", cookies and
Clear-Site-Data are proven in ``tests/accounts/test_sign_in.py`` and
``tests/config/test_production_cookies.py``)."""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.key_session import load_private_key
from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.site.sessions import stored_key
from tests.cases.factories import keyed_organisation, make_keyed_staff, sign_in_with_keys
from tests.factories import STAFF_PASSWORD, make_staff, sign_in

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("site:dashboard")
NEW_PASSWORD = "lantern orchard quietly seventeen"


def test_the_session_key_changes_at_each_sign_in_step() -> None:
    """SR-22: a session id known before the sign-in (fixation) is worthless after it."""
    staff = make_staff(Role.CASEWORKER)
    client = Client()
    client.get(reverse("accounts:login"))
    session = client.session
    session["probe"] = "before"
    session.save()
    before = session.session_key

    client.post(reverse("accounts:login"), {"email": staff.user.email, "password": STAFF_PASSWORD})
    after_password = client.session.session_key
    client.post(reverse("accounts:two_factor"), {"code": staff.current_code()})
    after_code = client.session.session_key

    assert len({before, after_password, after_code}) == 3
    assert client.get(DASHBOARD).status_code == 200
    old_rows = [stored_key(key) for key in (before, after_password) if key]
    assert not Session.objects.filter(session_key__in=old_rows).exists()


def test_a_session_ends_after_15_idle_minutes_and_each_request_extends_it() -> None:
    """SR-22: the stored session expires 15 minutes after the last request."""
    client = sign_in(Client(), make_staff(Role.CASEWORKER))
    assert client.get(DASHBOARD).status_code == 200
    stored = Session.objects.get(session_key=stored_key(str(client.session.session_key)))

    assert settings.SESSION_IDLE_SECONDS == 15 * 60
    remaining = stored.expire_date - timezone.now()
    assert datetime.timedelta(minutes=14) < remaining <= datetime.timedelta(minutes=15)

    Session.objects.filter(pk=stored.pk).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get(DASHBOARD).status_code == 302


def test_a_password_change_ends_every_other_session() -> None:
    """SR-22: the phone signed in elsewhere is signed out; this browser stays."""
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    laptop = sign_in_with_keys(Client(), keyed)
    phone = sign_in_with_keys(Client(), keyed)

    laptop.post(
        reverse("accounts:change_password"),
        {
            "old_password": STAFF_PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )

    assert phone.get(DASHBOARD).status_code == 302
    assert laptop.get(DASHBOARD).status_code == 200


def test_new_recovery_codes_end_every_other_session_and_keep_this_ones_keys() -> None:
    """SR-22: replacing the recovery codes is a two-factor change: other sessions end;
    this one stays signed in and keeps its unlocked key."""
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    laptop = sign_in_with_keys(Client(), keyed)
    phone = sign_in_with_keys(Client(), keyed)

    response = laptop.post(reverse("accounts:recovery_codes"))

    assert len(response.context["codes"]) == 10
    assert phone.get(DASHBOARD).status_code == 302
    page = laptop.get(DASHBOARD)
    assert page.status_code == 200
    keyed.user.refresh_from_db()
    assert load_private_key(request=page.wsgi_request, user=keyed.user) is not None


def _handles(page_html: str) -> list[str]:
    return re.findall(r'name="session" value="([0-9a-f]+)"', page_html)


def test_a_user_lists_their_sessions_and_ends_one_other() -> None:
    """SR-22: the security page lists one's own sessions (this one marked, the others with
    a button) and ends the one chosen; the rest stay signed in."""
    staff = make_staff(Role.CASEWORKER)
    laptop, phone, tablet = (sign_in(Client(), staff) for _ in range(3))
    someone_else = sign_in(Client(), make_staff(Role.CASEWORKER))

    page = laptop.get(reverse("accounts:security"))
    rows = page.context["sessions"]
    assert len(rows) == 3
    assert [row.current for row in rows].count(True) == 1
    handles = _handles(page.content.decode())
    assert len(handles) == 2  # no button for this browser's own session
    phone_handle = next(
        row.handle for row in rows if row.key == stored_key(str(phone.session.session_key))
    )

    response = laptop.post(reverse("accounts:security"), {"session": phone_handle})

    assert response.status_code == 302
    assert phone.get(DASHBOARD).status_code == 302
    assert (laptop.get(DASHBOARD).status_code, tablet.get(DASHBOARD).status_code) == (200, 200)
    assert someone_else.get(DASHBOARD).status_code == 200
    event = AuditEvent.objects.get(action="sessions.revoked_one")
    assert event.object_ref == str(staff.user.public_id)


def test_a_handle_of_someone_elses_session_ends_nothing() -> None:
    """SR-22: only one's own sessions: another user's handle is refused alike and nothing
    ends or is written."""
    victim = make_staff(Role.ADMIN)
    victim_client = sign_in(Client(), victim)
    victim_handle = victim_client.get(reverse("accounts:security")).context["sessions"][0].handle
    attacker = sign_in(Client(), make_staff(Role.CASEWORKER, victim.organisation))

    response = attacker.post(reverse("accounts:security"), {"session": victim_handle}, follow=True)

    assert victim_client.get(DASHBOARD).status_code == 200
    assert not AuditEvent.objects.filter(action="sessions.revoked_one").exists()
    assert "already ended" in response.content.decode()
