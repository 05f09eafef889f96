"""SR-01, SR-21: django-axes keeps no browser user agent of a sign-in attempt, and its locks
by account and by source still work (``accounts.throttling``, decision 0048)."""

import uuid

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import models
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from tests.factories import STAFF_PASSWORD, StaffMember, make_staff, sign_in

pytestmark = pytest.mark.django_db

WRONG = "not the password of anyone here"
AXES_TABLES: tuple[type[models.Model], ...] = (AccessAttempt, AccessFailureLog, AccessLog)


def _password(staff: StaffMember, *, password: str, agent: str, address: str) -> int:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    response = client.post(
        reverse("accounts:login"), {"email": staff.user.email, "password": password}
    )
    return response.status_code


def _every_axes_value() -> list[str]:
    return [str(row) for table in AXES_TABLES for row in table._default_manager.values_list()]


def test_failed_sign_ins_store_no_user_agent() -> None:
    # Given failed sign-ins from two browsers whose user agents are markers
    staff = make_staff(Role.CASEWORKER)
    agents = [f"CanaryBrowser/{uuid.uuid4().hex}" for _ in range(2)]
    for agent in agents:
        _password(staff, password=WRONG, agent=agent, address="198.51.100.7")

    # Then axes counted them, with an empty user agent, and no axes row holds either marker
    assert AccessAttempt.objects.exists()
    assert set(AccessAttempt.objects.values_list("user_agent", flat=True)) == {""}
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 2
    assert not any(agent in value for agent in agents for value in _every_axes_value())


def test_five_failures_from_five_browsers_still_lock_the_account() -> None:
    # Given five failures against one account, each from another browser and address
    staff = make_staff(Role.CASEWORKER)
    for number in range(5):
        _password(
            staff, password=WRONG, agent=f"Browser {number}", address=f"198.51.100.{number + 1}"
        )

    # Then the right password is refused from a sixth browser and address, as before
    assert (
        _password(staff, password=STAFF_PASSWORD, agent="Browser 6", address="203.0.113.9") == 429
    )


def test_five_failures_from_one_source_with_many_browsers_lock_that_source() -> None:
    victims = [make_staff(Role.VIEWER) for _ in range(5)]
    for number, victim in enumerate(victims):
        _password(victim, password=WRONG, agent=f"Browser {number}", address="198.51.100.7")

    another = make_staff(Role.VIEWER)
    assert (
        _password(another, password=STAFF_PASSWORD, agent="Browser 9", address="198.51.100.7")
        == 429
    )
    assert (
        _password(another, password=STAFF_PASSWORD, agent="Browser 9", address="203.0.113.9") == 302
    )


def test_signing_in_and_out_leaves_no_user_agent_either() -> None:
    agent = f"CanaryBrowser/{uuid.uuid4().hex}"
    client = sign_in(Client(HTTP_USER_AGENT=agent), make_staff(Role.VIEWER))
    client.post(reverse("accounts:logout"))
    _password(make_staff(Role.VIEWER), password=STAFF_PASSWORD, agent=agent, address="192.0.2.1")

    assert not any(agent in value for value in _every_axes_value())
