"""SR-01: an invitation keeps its address only while it is open. Accepted, revoked or
superseded, it keeps none (the address lives on as the user's own, or nowhere), a link
e-mail still queued for it is not sent, and the daily upkeep blanks the address of one that
expired unused."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from safepassage.accounts.actions import (
    do_accept_invitation_as_member,
    do_accept_invitation_as_new_user,
    do_invite_member,
    do_revoke_invitation,
)
from safepassage.accounts.models import Invitation, User
from safepassage.accounts.roles import Role
from safepassage.accounts.tasks import forget_expired_invitation_addresses
from safepassage.audit.models import AuditEvent
from safepassage.site.scheduler import discover
from tests.factories import make_staff

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "invited.person@example.org"


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")


def test_an_accepted_invitation_keeps_no_address() -> None:
    # Given an open invitation, its link already sent
    admin = make_staff(Role.ADMIN)
    invitation = do_invite_member(
        inviter=admin.user, organisation=admin.organisation, email=ADDRESS, role=Role.VIEWER
    )
    _run_worker()

    # When the invited person creates their account
    account = do_accept_invitation_as_new_user(
        invitation=invitation, display_name="Nadia", password="violet lantern harbour seventeen"
    )

    # Then the account has the address and the invitation none
    assert account.user.email == ADDRESS
    invitation.refresh_from_db()
    assert invitation.email == ""
    assert invitation.accepted_by == account.user


def test_a_member_joining_a_second_organisation_leaves_no_address_on_the_invitation() -> None:
    member = make_staff(Role.VIEWER)
    admin = make_staff(Role.ADMIN)
    invitation = do_invite_member(
        inviter=admin.user,
        organisation=admin.organisation,
        email=member.user.email,
        role=Role.VIEWER,
    )

    do_accept_invitation_as_member(invitation=invitation, user=member.user)

    invitation.refresh_from_db()
    assert invitation.email == ""


def test_a_revoked_invitation_keeps_no_address_and_its_queued_link_is_not_sent() -> None:
    # Given an invitation whose link e-mail is still queued
    admin = make_staff(Role.ADMIN)
    invitation = do_invite_member(
        inviter=admin.user, organisation=admin.organisation, email=ADDRESS, role=Role.VIEWER
    )

    # When it is revoked before the worker runs
    do_revoke_invitation(actor=admin.user, invitation=invitation)
    _run_worker()

    # Then it keeps no address and nothing was sent
    invitation.refresh_from_db()
    assert invitation.email == ""
    assert mail.outbox == []


def test_a_superseded_invitation_keeps_no_address() -> None:
    admin = make_staff(Role.ADMIN)
    first = do_invite_member(
        inviter=admin.user, organisation=admin.organisation, email=ADDRESS, role=Role.VIEWER
    )

    second = do_invite_member(
        inviter=admin.user, organisation=admin.organisation, email=ADDRESS, role=Role.CASEWORKER
    )
    _run_worker()

    first.refresh_from_db()
    assert first.email == ""
    assert Invitation.objects.get(pk=second.pk).email == ADDRESS
    assert [message.to for message in mail.outbox] == [[ADDRESS]]
    assert not User.objects.filter(email=ADDRESS).exists()


def test_the_daily_upkeep_blanks_the_address_of_invitations_that_expired_unused() -> None:
    # Given one invitation expired unused and one still open
    admin = make_staff(Role.ADMIN)
    expired = do_invite_member(
        inviter=admin.user, organisation=admin.organisation, email=ADDRESS, role=Role.VIEWER
    )
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    still_open = do_invite_member(
        inviter=admin.user,
        organisation=admin.organisation,
        email="another.person@example.org",
        role=Role.VIEWER,
    )

    # When the scheduled task runs (twice: it is idempotent)
    assert discover().tasks[forget_expired_invitation_addresses.module_path].every == timedelta(
        days=1
    )
    forget_expired_invitation_addresses.enqueue()
    forget_expired_invitation_addresses.enqueue()
    _run_worker()

    # Then only the expired one lost its address, audited once by reference
    assert Invitation.objects.get(pk=expired.pk).email == ""
    assert Invitation.objects.get(pk=still_open.pk).email == "another.person@example.org"
    forgotten = AuditEvent.objects.filter(action="invitation.address_forgotten")
    assert [(event.actor, event.object_ref) for event in forgotten] == [
        ("system", str(expired.public_id))
    ]
