"""SR-19: two-factor authentication is mandatory for every role; codes are single-use;
accounts exist only through signed, single-use invitations (tested in
``tests/accounts/test_invitations.py``)."""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from tests.factories import STAFF_PASSWORD, make_staff, sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_every_role_is_sent_to_the_second_factor_after_the_password(role: Role) -> None:
    """SR-19: a session with the password alone opens no staff page, whatever the role."""
    staff = make_staff(role)
    client = sign_in(Client(), staff, second_factor=False)
    pages = [
        reverse("site:dashboard"),
        reverse("organisations:detail", kwargs={"organisation_id": staff.organisation.public_id}),
        reverse("accounts:security"),
    ]

    for page in pages:
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(reverse("accounts:two_factor")), page


def test_a_code_is_refused_on_replay_even_within_its_time_step() -> None:
    """SR-19: a TOTP code accepted once is refused the second time, and the refusal is
    audited."""
    staff = make_staff(Role.ADMIN)
    code = staff.current_code()
    first, second = Client(), Client()
    for client in (first, second):
        client.post(
            reverse("accounts:login"), {"email": staff.user.email, "password": STAFF_PASSWORD}
        )

    assert first.post(reverse("accounts:two_factor"), {"code": code}).status_code == 302
    assert second.post(reverse("accounts:two_factor"), {"code": code}).status_code == 200

    assert second.get(reverse("site:dashboard")).status_code == 302
    assert AuditEvent.objects.filter(action="login.second_factor", outcome="failure").count() == 1
