"""SR-21: sign-in throttling per account and per source, growing delays on the second
factor, and every success and failure audited."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessLog
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from tests.factories import STAFF_PASSWORD, StaffMember, make_staff

pytestmark = pytest.mark.django_db

WRONG = "not the password of anyone here"


def _password(staff: StaffMember, *, password: str, address: str) -> int:
    response = Client(REMOTE_ADDR=address).post(
        reverse("accounts:login"), {"email": staff.user.email, "password": password}
    )
    return response.status_code


def test_failures_from_one_address_against_many_accounts_lock_that_address() -> None:
    """SR-21, per source: five failures spread over five accounts lock the address, not
    the accounts."""
    victims = [make_staff(Role.VIEWER) for _ in range(5)]
    for victim in victims:
        _password(victim, password=WRONG, address="198.51.100.7")
    another = make_staff(Role.VIEWER)

    assert _password(another, password=STAFF_PASSWORD, address="198.51.100.7") == 429
    assert _password(another, password=STAFF_PASSWORD, address="203.0.113.9") == 302


def test_failures_from_many_addresses_against_one_account_lock_that_account() -> None:
    """SR-21, per account: five failures from five addresses lock the account everywhere."""
    staff = make_staff(Role.CASEWORKER)
    for number in range(5):
        _password(staff, password=WRONG, address=f"198.51.100.{number + 1}")

    assert _password(staff, password=STAFF_PASSWORD, address="203.0.113.9") == 429
    assert _password(make_staff(Role.VIEWER), password=STAFF_PASSWORD, address="203.0.113.9") == 302


def test_each_wrong_code_makes_the_next_wait_longer() -> None:
    """SR-21: wrong authenticator codes delay the next attempt, doubling each time, and a
    right code is refused while the delay runs."""
    staff = make_staff(Role.CASEWORKER)
    client = Client()
    client.post(reverse("accounts:login"), {"email": staff.user.email, "password": STAFF_PASSWORD})
    delays = []
    for _ in range(3):
        client.post(reverse("accounts:two_factor"), {"code": "000000"})
        device = TOTPDevice.objects.get(user=staff.user)
        allowed, details = device.verify_is_allowed()
        assert not allowed
        delays.append(details["locked_until"] - device.throttling_failure_timestamp)
        # Let the delay run out, so the next wrong code counts.
        device.throttling_failure_timestamp -= datetime.timedelta(hours=1)
        device.save(update_fields=["throttling_failure_timestamp"])
    TOTPDevice.objects.filter(user=staff.user).update(throttling_failure_timestamp=timezone.now())

    assert delays[0] < delays[1] < delays[2]
    right_code = f"{totp(staff.device.bin_key):06d}"  # not current_code(): it lifts the delay
    assert client.post(reverse("accounts:two_factor"), {"code": right_code}).status_code == 200
    assert client.get(reverse("site:dashboard")).status_code == 302


def test_every_success_and_failure_of_each_step_is_audited() -> None:
    """SR-21: password and code, right and wrong, and a locked-out attempt each leave an
    audit event naming the account by its id."""
    staff = make_staff(Role.FUNDRAISER)
    client = Client()
    login, code = reverse("accounts:login"), reverse("accounts:two_factor")
    client.post(login, {"email": staff.user.email, "password": WRONG})
    client.post(login, {"email": staff.user.email, "password": STAFF_PASSWORD})
    client.post(code, {"code": "000000"})
    staff.device.refresh_from_db()
    staff.device.throttle_reset()
    client.post(code, {"code": staff.current_code()})
    for _ in range(5):
        Client().post(login, {"email": staff.user.email, "password": WRONG})

    Client().post(login, {"email": staff.user.email, "password": STAFF_PASSWORD})

    events = list(
        AuditEvent.objects.filter(object_ref=str(staff.user.public_id))
        .order_by("pk")
        .values_list("action", "outcome")
    )
    assert events[:4] == [
        ("login.password", "failure"),
        ("login.password", "success"),
        ("login.second_factor", "failure"),
        ("login.totp", "success"),
    ]
    # The fifth wrong password starts the lock: it and the attempt after it are denied.
    assert events[4:] == [("login.password", "failure")] * 4 + [("login.password", "denied")] * 2


def test_the_throttle_tables_hold_no_address_e_mail_or_sign_in_log() -> None:
    """SR-21 counts without recording (as SR-16 does for applicants): django-axes keeps
    daily digests of the account and the source, and no log of successful sign-ins."""
    staff = make_staff(Role.CASEWORKER)
    _password(staff, password=WRONG, address="198.51.100.23")
    _password(staff, password=STAFF_PASSWORD, address="198.51.100.24")
    Client(REMOTE_ADDR="198.51.100.25").post(
        reverse("accounts:login"), {"email": "someone.else@example.org", "password": WRONG}
    )

    rows = str(list(AccessAttempt.objects.values())) + str(list(AccessLog.objects.values()))
    assert AccessAttempt.objects.exists()
    assert not AccessLog.objects.exists()
    for clear in ("198.51.100.", staff.user.email, "someone.else", "example.org"):
        assert clear not in rows
