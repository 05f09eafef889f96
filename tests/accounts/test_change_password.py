"""Changing the password through the security page re-wraps the private key (SR-06)."""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.cases.key_actions import unlock_staff_keys
from safepassage.cases.models import StaffKeyPair
from tests.cases.factories import keyed_organisation, make_keyed_staff, sign_in_with_keys
from tests.factories import STAFF_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lantern orchard quietly seventeen"


def test_the_new_password_opens_the_same_key_and_the_session_stays_signed_in() -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    client = sign_in_with_keys(Client(), keyed)

    response = client.post(
        reverse("accounts:change_password"),
        {
            "old_password": STAFF_PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )

    assert response["Location"] == reverse("accounts:security")
    assert client.get(reverse("accounts:security")).status_code == 200
    unlocked = unlock_staff_keys(user=keyed.user, password=NEW_PASSWORD)
    assert unlocked is not None
    assert unlocked.private_key == keyed.key_pair.private_key
    assert unlock_staff_keys(user=keyed.user, password=STAFF_PASSWORD) is None


def test_a_wrong_current_password_changes_nothing() -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    client = sign_in_with_keys(Client(), keyed)
    before = bytes(StaffKeyPair.objects.get(user=keyed.user).password_envelope)

    response = client.post(
        reverse("accounts:change_password"),
        {
            "old_password": "not my password at all, sorry",
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert bytes(StaffKeyPair.objects.get(user=keyed.user).password_envelope) == before
    keyed.user.refresh_from_db()
    assert keyed.user.check_password(STAFF_PASSWORD)
    assert not AuditEvent.objects.filter(action="password.changed").exists()
