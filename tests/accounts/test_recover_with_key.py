"""Forgotten password: personal recovery key + authenticator code set a new one (SR-06)."""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.cases.key_actions import unlock_staff_keys
from safepassage.cases.models import StaffKeyPair
from tests.cases.factories import KeyedStaff, keyed_organisation, make_keyed_staff
from tests.factories import STAFF_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "harbour lantern seventeen quietly"


def _post(client: Client, keyed: KeyedStaff, **changes: str) -> str:
    data = {
        "email": keyed.user.email,
        "personal_recovery_key": keyed.personal_recovery_key,
        "code": keyed.staff.current_code(),
        "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD,
    } | changes
    response = client.post(reverse("accounts:recover_with_key"), data)
    return response.get("Location") or response.content.decode()


def test_the_recovery_key_and_a_code_set_a_new_password_for_the_same_key_pair() -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    epoch = keyed.user.session_epoch

    answer = _post(Client(), keyed)

    assert answer == reverse("accounts:login")
    unlocked = unlock_staff_keys(user=keyed.user, password=NEW_PASSWORD)
    assert unlocked is not None
    assert unlocked.private_key == keyed.key_pair.private_key
    keyed.user.refresh_from_db()
    assert keyed.user.session_epoch != epoch


@pytest.mark.parametrize("wrong", ["key", "code", "email"])
def test_any_mismatch_answers_alike_and_changes_nothing(wrong: str) -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    other = make_keyed_staff(Role.CASEWORKER, organisation)
    before = bytes(StaffKeyPair.objects.get(user=keyed.user).password_envelope)
    changes = {
        "key": {"personal_recovery_key": other.personal_recovery_key},
        "code": {"code": "000000" if keyed.staff.current_code() != "000000" else "111111"},
        "email": {"email": "nobody@example.org"},
    }[wrong]

    answer = _post(Client(), keyed, **changes)

    assert "These details do not match an account." in answer
    assert bytes(StaffKeyPair.objects.get(user=keyed.user).password_envelope) == before
    keyed.user.refresh_from_db()
    assert keyed.user.check_password(STAFF_PASSWORD)
    assert not AuditEvent.objects.filter(
        action="password.reset_with_recovery_key", outcome="success"
    ).exists()
