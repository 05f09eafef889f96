"""Helpers of the two-factor reset tests (decision 0025): two colleagues, a reset issued
through the admin's page, and the password step of a sign-in."""

import re

from django.test import Client
from django.urls import reverse

from safepassage.accounts.actions import _replace_recovery_codes
from safepassage.accounts.roles import Role
from tests.factories import STAFF_PASSWORD, StaffMember, make_staff, sign_in

ENROLMENT_CODE = re.compile(r"[A-Z2-7]{4}(?:-[A-Z2-7]{1,4}){6}")


def reset_url(member: StaffMember) -> str:
    return reverse("accounts:reset_colleague_two_factor", kwargs={"user_id": member.user.public_id})


def colleagues() -> tuple[StaffMember, StaffMember]:
    """An admin and a caseworker of the same organisation who holds recovery codes."""
    admin = make_staff(Role.ADMIN)
    member = make_staff(Role.CASEWORKER, admin.organisation)
    _replace_recovery_codes(user=member.user)
    return admin, member


def reset_two_factor(admin: StaffMember, member: StaffMember) -> str:
    """The admin resets the member's two-factor sign-in; the enrolment code the page shows."""
    response = sign_in(Client(), admin).post(reset_url(member))
    assert response.status_code == 200
    match = ENROLMENT_CODE.search(response.content.decode())
    assert match is not None
    return match.group(0)


def enter_password(client: Client, member: StaffMember) -> None:
    """The first sign-in step (e-mail address and password) through the login page."""
    response = client.post(
        reverse("accounts:login"), {"email": member.user.email, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 302
