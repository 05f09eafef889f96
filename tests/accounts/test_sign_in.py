"""Staff sign-in: password, then authenticator or recovery code; lockout; sessions."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.middleware import SIGNED_IN_AT
from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from tests.factories import STAFF_PASSWORD, StaffMember, make_staff, sign_in

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("site:dashboard")


def _password_step(client: Client, staff: StaffMember, password: str = STAFF_PASSWORD):
    return client.post(reverse("accounts:login"), {"email": staff.user.email, "password": password})


def test_password_then_code_reaches_the_dashboard(client: Client) -> None:
    staff = make_staff(Role.CASEWORKER)

    response = _password_step(client, staff)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    assert client.get(DASHBOARD)["Location"] == reverse("accounts:two_factor")

    response = client.post(reverse("accounts:two_factor"), {"code": staff.current_code()})
    assert response.status_code == 302
    assert client.get(DASHBOARD).status_code == 200
    actions = list(AuditEvent.objects.values_list("action", "outcome"))
    assert ("login.password", "success") in actions
    assert ("login.totp", "success") in actions


def test_wrong_password_is_refused_without_saying_which_part(client: Client) -> None:
    staff = make_staff(Role.VIEWER)

    response = _password_step(client, staff, password="not the password at all")

    assert response.status_code == 200
    assert "The e-mail address or the password is wrong." in response.content.decode()
    assert client.get(DASHBOARD).status_code == 302
    failure = AuditEvent.objects.get(action="login.password", outcome="failure")
    assert failure.object_ref == str(staff.user.public_id)


def test_a_failed_attempt_on_an_unknown_address_is_audited_without_the_address(
    client: Client,
) -> None:
    client.post(reverse("accounts:login"), {"email": "nobody@example.org", "password": "whatever"})

    failure = AuditEvent.objects.get(action="login.password", outcome="failure")
    assert failure.object_ref == "unknown"
    assert "nobody" not in str(AuditEvent.objects.values().get())


def test_an_account_locks_after_five_failures(client: Client) -> None:
    staff = make_staff(Role.VIEWER)
    for _ in range(5):
        _password_step(client, staff, password="wrong wrong wrong wrong")

    response = _password_step(client, staff)

    assert response.status_code == 429
    assert client.get(DASHBOARD).status_code == 302


def test_a_used_code_cannot_be_replayed(client: Client) -> None:
    staff = make_staff(Role.CASEWORKER)
    code = staff.current_code()
    _password_step(client, staff)
    client.post(reverse("accounts:two_factor"), {"code": code})
    other = Client()
    _password_step(other, staff)

    response = other.post(reverse("accounts:two_factor"), {"code": code})

    assert response.status_code == 200
    assert other.get(DASHBOARD).status_code == 302
    assert AuditEvent.objects.filter(action="login.second_factor", outcome="failure").exists()


def test_a_recovery_code_works_once(client: Client) -> None:
    staff = make_staff(Role.CASEWORKER)
    sign_in(client, staff)
    codes = client.post(reverse("accounts:recovery_codes")).context["codes"]
    assert len(codes) == 10
    first, second = Client(), Client()
    _password_step(first, staff)
    _password_step(second, staff)

    assert first.post(reverse("accounts:two_factor"), {"code": codes[0]}).status_code == 302
    assert first.get(DASHBOARD).status_code == 200
    assert second.post(reverse("accounts:two_factor"), {"code": codes[0]}).status_code == 200
    assert second.get(DASHBOARD).status_code == 302


def test_new_staff_must_enrol_an_authenticator_before_anything_else(client: Client) -> None:
    staff = make_staff(Role.CASEWORKER)
    staff.device.delete()
    _password_step(client, staff)

    assert client.get(reverse("accounts:two_factor"))["Location"] == reverse("accounts:enrol")
    page = client.get(reverse("accounts:enrol"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    from django_otp.oath import totp

    from safepassage.accounts.models import Authenticator

    device = Authenticator.objects.get(user=staff.user, confirmed=False)
    code = f"{totp(device.bin_key):06d}"

    response = client.post(reverse("accounts:enrol"), {"code": code})

    assert response["Location"] == reverse("accounts:recovery_codes")
    codes_page = client.get(reverse("accounts:recovery_codes"))
    assert len(codes_page.context["codes"]) == 10
    assert client.get(reverse("accounts:recovery_codes")).context["codes"] == []
    assert client.get(DASHBOARD).status_code == 200


def test_enrolment_is_closed_once_an_authenticator_exists(client: Client) -> None:
    staff = make_staff(Role.CASEWORKER)
    _password_step(client, staff)

    response = client.get(reverse("accounts:enrol"))

    assert response["Location"] == reverse("accounts:two_factor")


def test_log_out_everywhere_ends_every_other_session(client: Client) -> None:
    staff = make_staff(Role.CASEWORKER)
    laptop, phone = sign_in(Client(), staff), sign_in(Client(), staff)
    assert phone.get(DASHBOARD).status_code == 200

    response = laptop.post(reverse("accounts:logout_everywhere"))

    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert phone.get(DASHBOARD).status_code == 302
    assert laptop.get(DASHBOARD).status_code == 302
    assert AuditEvent.objects.filter(action="sessions.revoked_all").count() == 1


def test_logout_clears_site_data(client: Client) -> None:
    sign_in(client, make_staff(Role.VIEWER))

    response = client.post(reverse("accounts:logout"))

    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert client.get(DASHBOARD).status_code == 302


def test_a_session_older_than_ten_hours_ends(client: Client) -> None:
    sign_in(client, make_staff(Role.VIEWER))
    session = client.session
    session[SIGNED_IN_AT] = time.time() - 10 * 3600 - 1
    session.save()

    assert client.get(DASHBOARD).status_code == 302


def test_sign_in_with_real_argon2_hashing(client: Client, settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    staff = make_staff(Role.VIEWER)
    staff.user.set_password(STAFF_PASSWORD)
    staff.user.save()

    assert staff.user.password.startswith("argon2$argon2id$")
    assert _password_step(client, staff).status_code == 302
