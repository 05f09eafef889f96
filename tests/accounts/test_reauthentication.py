"""SR-23: exports, invitations and key changes need password and code within 5 minutes."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone
from django_otp.oath import totp
from django_tasks_db.models import DBTaskResult

from safepassage.accounts.models import Invitation
from safepassage.accounts.reauthentication import MAX_AGE
from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.site.access_policy import needs_recent_authentication
from tests.exports.helpers import opened, post_export
from tests.factories import STAFF_PASSWORD, StaffMember, make_staff, sign_in

pytestmark = pytest.mark.django_db

REAUTHENTICATE = reverse("accounts:reauthenticate")


def _export_url(staff: StaffMember, name: str = "donations:pledge_export") -> str:
    return reverse(name, kwargs={"organisation_id": staff.organisation.public_id})


def _stale(role: str = Role.ADMIN) -> tuple[Client, StaffMember]:
    """A staff member signed in more than 5 minutes ago."""
    staff = make_staff(role)
    return sign_in(Client(), staff, recently_authenticated=False), staff


def _confirm(client: Client, staff: StaffMember, *, next_url: str, **data: str):
    form = {"password": STAFF_PASSWORD, "code": staff.current_code(), "next": next_url} | data
    return client.post(REAUTHENTICATE, form)


def _exports() -> int:
    return AuditEvent.objects.filter(action__endswith=".exported_encrypted").count()


@pytest.mark.parametrize("name", ["donations:pledge_export", "donations:gift_export"])
def test_an_export_sends_a_stale_session_to_confirm_and_exports_nothing(name: str) -> None:
    # given
    client, staff = _stale()
    url = _export_url(staff, name) + "?status=confirmed"

    # when
    response = client.get(url)

    # then: sent to the confirmation page, which will return to the export with its filters
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == REAUTHENTICATE
    assert parse_qs(target.query)["next"] == [url]
    assert _exports() == 0


def test_after_confirming_the_export_opens_and_is_audited() -> None:
    # given
    client, staff = _stale()
    url = _export_url(staff)

    # when: confirmed, back on the export page, which gives the file for a passphrase
    confirmed = _confirm(client, staff, next_url=url)
    page = client.get(url)
    exported_on_the_page = _exports()
    response = post_export(client, url)

    # then
    assert confirmed.status_code == 302
    assert confirmed["Location"] == url
    assert page.status_code == 200
    assert exported_on_the_page == 0
    assert opened(response).startswith(b"pledge_id,")
    assert _exports() == 1
    assert AuditEvent.objects.filter(
        action="login.reauthentication", outcome="success", object_ref=str(staff.user.public_id)
    ).exists()


def test_the_confirmation_lasts_five_minutes(monkeypatch: pytest.MonkeyPatch) -> None:
    # given: confirmed at a known time
    client, staff = _stale()
    url = _export_url(staff)
    start = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: start)
    _confirm(client, staff, next_url=url)

    # when: four minutes later, then five minutes and a second later
    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(minutes=4))
    within = client.get(url)
    monkeypatch.setattr(timezone, "now", lambda: start + MAX_AGE + datetime.timedelta(seconds=1))
    after = client.get(url)

    # then
    assert within.status_code == 200
    assert after.status_code == 302
    assert urlsplit(after["Location"]).path == REAUTHENTICATE


def test_a_full_sign_in_counts_as_a_recent_authentication(client: Client) -> None:
    staff = make_staff(Role.FUNDRAISER)
    client.post(reverse("accounts:login"), {"email": staff.user.email, "password": STAFF_PASSWORD})
    client.post(reverse("accounts:two_factor"), {"code": staff.current_code()})

    assert client.get(_export_url(staff)).status_code == 200


@pytest.mark.parametrize(
    ("password", "use_right_code"),
    [("not the password at all, no", True), (STAFF_PASSWORD, False)],
    ids=["wrong password", "wrong code"],
)
def test_a_wrong_password_or_code_is_refused_and_audited(
    password: str, use_right_code: bool
) -> None:
    # given
    client, staff = _stale()
    url = _export_url(staff)
    code = staff.current_code() if use_right_code else "000000"
    if code == staff.current_code():  # pragma: no cover  # one chance in a million
        code = "000001"

    # when
    response = client.post(REAUTHENTICATE, {"password": password, "code": code, "next": url})

    # then
    assert response.status_code == 200
    assert "The password or the code is wrong." in response.content.decode()
    failure = AuditEvent.objects.get(outcome="failure")
    assert failure.action.startswith("login.reauthentication.")
    assert failure.object_ref == str(staff.user.public_id)
    assert client.get(url).status_code == 302
    assert _exports() == 0


def test_a_wrong_code_throttles_the_next_attempt_like_the_sign_in() -> None:
    # given: one wrong code
    client, staff = _stale()
    client.post(REAUTHENTICATE, {"password": STAFF_PASSWORD, "code": "000000", "next": "/"})
    staff.device.refresh_from_db()
    assert staff.device.throttling_failure_count == 1

    # when: the right code straight away, without resetting the device's delay
    code = f"{totp(staff.device.bin_key):06d}"
    response = client.post(REAUTHENTICATE, {"password": STAFF_PASSWORD, "code": code, "next": "/"})

    # then: still refused while the delay lasts
    assert response.status_code == 200
    assert client.get(_export_url(staff)).status_code == 302


def test_five_wrong_passwords_lock_like_the_sign_in_and_end_the_session() -> None:
    # given
    client, staff = _stale()

    # when
    statuses = [
        client.post(
            REAUTHENTICATE, {"password": "wrong wrong wrong wrong", "code": "123456"}
        ).status_code
        for _ in range(5)
    ]

    # then: the fifth failure locks, and this session is over
    assert statuses == [200, 200, 200, 200, 429]
    dashboard = client.get(reverse("site:dashboard"))
    assert urlsplit(dashboard["Location"]).path == reverse("accounts:login")
    assert _confirm(client, staff, next_url="/").status_code == 302
    assert client.get(_export_url(staff)).status_code == 302


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/steal",
        "//evil.example/steal",
        "/\\evil.example/steal",
        "javascript:alert(1)",
        "",
    ],
)
def test_only_a_path_on_this_site_is_followed_afterwards(next_url: str) -> None:
    client, staff = _stale()

    response = _confirm(client, staff, next_url=next_url)

    assert response.status_code == 302
    assert response["Location"] == reverse("site:dashboard")


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.TRAVEL_COORDINATOR])
def test_the_wrong_role_is_refused_before_any_confirmation_and_nothing_is_written(
    role: str,
) -> None:
    client, staff = _stale(role)
    events = AuditEvent.objects.count()

    response = client.get(_export_url(staff))
    posted = post_export(client, _export_url(staff))

    assert response.status_code == 403
    assert posted.status_code == 403
    assert AuditEvent.objects.count() == events


def test_a_stale_invitation_post_invites_no_one_and_sends_nothing() -> None:
    # given
    client, staff = _stale(Role.ADMIN)
    url = reverse("organisations:invite", kwargs={"organisation_id": staff.organisation.public_id})

    # when
    response = client.post(url, {"email": "new-colleague@example.org", "role": Role.VIEWER})

    # then: back to the form after confirming; nothing done meanwhile
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query)["next"] == [url]
    assert not Invitation.objects.filter(email="new-colleague@example.org").exists()
    assert DBTaskResult.objects.count() == 0
    assert mail.outbox == []


def test_after_confirming_an_admin_can_invite() -> None:
    client, staff = _stale(Role.ADMIN)
    url = reverse("organisations:invite", kwargs={"organisation_id": staff.organisation.public_id})
    _confirm(client, staff, next_url=url)

    response = client.post(url, {"email": "new-colleague@example.org", "role": Role.VIEWER})

    assert response.status_code == 302
    assert Invitation.objects.filter(email="new-colleague@example.org").exists()


@pytest.mark.parametrize(
    "name",
    [
        "donations:gift_export",
        "donations:pledge_export",
        "organisations:invite",
        "accounts:change_password",
        "accounts:recovery_codes",
    ],
)
def test_the_sensitive_pages_ask_for_a_recent_authentication(name: str) -> None:
    kwargs = {"organisation_id": "00000000-0000-4000-8000-000000000000"}
    url = reverse(name, kwargs=kwargs) if "accounts:" not in name else reverse(name)

    assert needs_recent_authentication(resolve(url).func)
