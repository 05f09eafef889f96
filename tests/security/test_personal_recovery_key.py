"""SR-06: the personal recovery key is shown once, at enrolment, and stored nowhere: not in
any table, not in the session; opening the invitation link again shows nothing."""

import re

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import Invitation
from safepassage.accounts.roles import Role
from safepassage.accounts.tokens import make_invitation_token
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

PASSWORD = "violet lantern harbour seventeen"
RECOVERY_KEY = re.compile(r"SPU(?:-[A-Z2-7]{4})+(?:-[A-Z2-7]{1,4})?")


def test_the_personal_recovery_key_is_shown_once_and_stored_nowhere() -> None:
    admin = make_staff(Role.ADMIN)
    invitation = Invitation.objects.create(
        organisation=admin.organisation,
        email="new.person@example.org",
        role=Role.CASEWORKER,
        invited_by=admin.user,
        expires_at="2999-01-01T00:00:00Z",
    )
    url = reverse(
        "accounts:accept_invitation", kwargs={"token": make_invitation_token(invitation.public_id)}
    )
    client = Client()

    page = client.post(
        url, {"display_name": "Nadia", "password": PASSWORD, "password_again": PASSWORD}
    )

    shown = RECOVERY_KEY.search(page.content.decode())
    assert shown is not None
    key = shown.group(0)
    compact = key.replace("-", "")
    stored = [str(row) for model in apps.get_models() for row in model._default_manager.values()]
    stored += [str(session.get_decoded()) for session in Session.objects.all()]
    assert not [text for text in stored if key in text]
    assert not [text for text in stored if compact in text]
    for again in (client.get(url), client.get(reverse("accounts:security")), Client().get(url)):
        assert key not in again.content.decode()
        assert RECOVERY_KEY.search(again.content.decode()) is None
