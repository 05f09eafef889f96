"""Staff join only by a signed, expiring, single-use invitation link."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.models import Invitation, Membership, User
from safepassage.accounts.roles import Role
from safepassage.accounts.tokens import make_invitation_token
from safepassage.audit.models import AuditEvent
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "violet lantern harbour seventeen"


def _invite(client: Client, admin, email: str = "new.person@example.org", role=Role.CASEWORKER):
    return client.post(
        reverse("organisations:invite", kwargs={"organisation_id": admin.organisation.public_id}),
        {"email": email, "role": role},
    )


def _accept(client: Client, token: str, password: str = NEW_PASSWORD):
    return client.post(
        reverse("accounts:accept_invitation", kwargs={"token": token}),
        {"display_name": "Nadia", "password": password, "password_again": password},
    )


def test_an_admin_invites_and_the_worker_sends_the_link(client: Client) -> None:
    admin = make_staff(Role.ADMIN)
    sign_in(client, admin)

    response = _invite(client, admin)

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.role == Role.CASEWORKER
    assert mail.outbox == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    assert len(mail.outbox) == 1
    assert make_invitation_token(invitation.public_id).split(":")[0] in mail.outbox[0].body


def test_the_invited_person_creates_an_account_and_must_enrol(client: Client) -> None:
    admin = make_staff(Role.ADMIN)
    sign_in(Client(), admin)
    _invite(sign_in(Client(), admin), admin)
    token = make_invitation_token(Invitation.objects.get().public_id)

    response = _accept(client, token)

    assert response.status_code == 200
    assert "SPU-" in response.content.decode()
    user = User.objects.get(email="new.person@example.org")
    assert Membership.objects.get(user=user).organisation == admin.organisation
    assert client.get(reverse("site:dashboard"))["Location"] == reverse("accounts:two_factor")


def test_an_invitation_works_only_once(client: Client) -> None:
    admin = make_staff(Role.ADMIN)
    _invite(sign_in(Client(), admin), admin)
    token = make_invitation_token(Invitation.objects.get().public_id)
    _accept(Client(), token)

    response = _accept(client, token)

    assert response.status_code == 404
    assert User.objects.filter(email="new.person@example.org").count() == 1


@pytest.mark.parametrize("problem", ["expired", "tampered"])
def test_an_expired_or_tampered_link_is_refused(client: Client, problem: str) -> None:
    admin = make_staff(Role.ADMIN)
    _invite(sign_in(Client(), admin), admin)
    invitation = Invitation.objects.get()
    token = make_invitation_token(invitation.public_id)
    if problem == "expired":
        invitation.expires_at = timezone.now() - timedelta(seconds=1)
        invitation.save()
    else:
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    response = _accept(client, token)

    assert response.status_code == 404
    assert not User.objects.filter(email="new.person@example.org").exists()


def test_a_weak_password_is_refused_with_a_reason(client: Client) -> None:
    admin = make_staff(Role.ADMIN)
    _invite(sign_in(Client(), admin), admin)
    token = make_invitation_token(Invitation.objects.get().public_id)

    response = _accept(client, token, password="short")

    assert response.status_code == 200
    assert "at least 15 characters" in response.content.decode()
    assert not User.objects.filter(email="new.person@example.org").exists()


def test_an_existing_member_joins_a_second_organisation() -> None:
    admin = make_staff(Role.ADMIN)
    other = make_staff(Role.FUNDRAISER)
    _invite(sign_in(Client(), admin), admin, email=other.user.email, role=Role.VIEWER)
    token = make_invitation_token(Invitation.objects.get().public_id)
    member = sign_in(Client(), other)

    response = member.post(reverse("accounts:accept_invitation", kwargs={"token": token}))

    assert response.status_code == 302
    assert Membership.objects.filter(user=other.user).count() == 2


def test_only_admins_can_invite_and_a_refusal_writes_and_sends_nothing() -> None:
    caseworker = make_staff(Role.CASEWORKER)

    response = _invite(sign_in(Client(), caseworker), caseworker)

    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_an_admin_cannot_invite_into_another_organisation() -> None:
    admin = make_staff(Role.ADMIN)
    stranger = make_staff(Role.ADMIN)
    client = sign_in(Client(), stranger)

    response = client.post(
        reverse("organisations:invite", kwargs={"organisation_id": admin.organisation.public_id}),
        {"email": "x@example.org", "role": Role.ADMIN},
    )

    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_a_new_invitation_to_the_same_address_replaces_the_open_one() -> None:
    # Given an admin who invited someone as an admin by mistake
    admin = make_staff(Role.ADMIN)
    client = sign_in(Client(), admin)
    _invite(client, admin, email="new.person@example.org", role=Role.ADMIN)
    mistaken = Invitation.objects.get()

    # When they invite the same address again with the right role (any letter case)
    _invite(client, admin, email="New.Person@Example.org", role=Role.VIEWER)

    # Then the first link no longer works: only the viewer invitation can be accepted
    response = _accept(Client(), make_invitation_token(mistaken.public_id))
    assert response.status_code == 404
    assert not User.objects.filter(email="new.person@example.org").exists()
    current = Invitation.objects.exclude(pk=mistaken.pk).get()
    _accept(Client(), make_invitation_token(current.public_id))
    assert Membership.objects.get(user__email="new.person@example.org").role == Role.VIEWER
    # and the replacement is in the audit trail, by reference only
    event = AuditEvent.objects.get(action="invitation.superseded")
    assert event.object_ref == str(mistaken.public_id)
    assert event.actor == str(admin.user.public_id)


def test_an_invitation_from_another_organisation_to_the_same_address_stays_open() -> None:
    # Given two organisations inviting the same person
    admin = make_staff(Role.ADMIN)
    other_admin = make_staff(Role.ADMIN)
    _invite(sign_in(Client(), admin), admin, email="new.person@example.org")
    first = Invitation.objects.get()

    # When the other organisation invites them too
    _invite(sign_in(Client(), other_admin), other_admin, email="new.person@example.org")

    # Then the first organisation's link still works
    response = _accept(Client(), make_invitation_token(first.public_id))
    assert response.status_code == 200
    assert Membership.objects.get(user__email="new.person@example.org").organisation == (
        admin.organisation
    )


def test_an_admin_sees_open_invitations_and_revokes_one() -> None:
    # Given an invitation sent by mistake
    admin = make_staff(Role.ADMIN)
    client = sign_in(Client(), admin)
    _invite(client, admin, email="wrong.person@example.org", role=Role.ADMIN)
    invitation = Invitation.objects.get()
    organisation_url = reverse(
        "organisations:detail", kwargs={"organisation_id": admin.organisation.public_id}
    )
    revoke_url = reverse(
        "accounts:revoke_invitation", kwargs={"invitation_id": invitation.public_id}
    )

    # When the admin opens the organisation page, then revokes it there
    page = client.get(organisation_url).content.decode()
    confirm = client.get(revoke_url)
    response = client.post(revoke_url)

    # Then the page listed it with a way to revoke it, and its link no longer works
    assert "wrong.person@example.org" in page
    assert revoke_url in page
    assert confirm.status_code == 200
    assert response.status_code == 302
    assert _accept(Client(), make_invitation_token(invitation.public_id)).status_code == 404
    assert "wrong.person@example.org" not in client.get(organisation_url).content.decode()
    event = AuditEvent.objects.get(action="invitation.revoked")
    assert event.object_ref == str(invitation.public_id)


def test_others_cannot_see_or_revoke_invitations_and_nothing_changes() -> None:
    admin = make_staff(Role.ADMIN)
    _invite(sign_in(Client(), admin), admin, email="new.person@example.org")
    invitation = Invitation.objects.get()
    expires_at = invitation.expires_at
    caseworker = make_staff(Role.CASEWORKER, admin.organisation)
    stranger = make_staff(Role.ADMIN)
    url = reverse("accounts:revoke_invitation", kwargs={"invitation_id": invitation.public_id})
    organisation_url = reverse(
        "organisations:detail", kwargs={"organisation_id": admin.organisation.public_id}
    )

    assert sign_in(Client(), caseworker).post(url).status_code == 403
    assert sign_in(Client(), stranger).post(url).status_code == 404
    assert "new.person@example.org" not in (
        sign_in(Client(), caseworker).get(organisation_url).content.decode()
    )
    invitation.refresh_from_db()
    assert invitation.expires_at == expires_at
    assert not AuditEvent.objects.filter(action="invitation.revoked").exists()
