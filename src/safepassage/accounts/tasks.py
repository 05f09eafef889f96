"""Background work of the accounts app (run by the django-tasks-db worker)."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from safepassage.accounts.models import Invitation, User
from safepassage.accounts.tokens import make_invitation_token


@task()
def send_invitation_email(*, invitation_id: str, language: str) -> None:
    """E-mail the invitation link. Idempotent enough: re-sending the same link is harmless."""
    invitation = Invitation.objects.select_related("organisation").get(public_id=invitation_id)
    if invitation.accepted_at is not None or not invitation.email:
        return  # accepted, revoked or superseded meanwhile: its address is gone
    with translation.override(language):
        link = (
            settings.SITE_BASE_URL.rstrip("/")
            + "/accounts/invitation/"
            + make_invitation_token(invitation.public_id)
            + "/"
        )
        context = {"invitation": invitation, "link": link}
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_body.txt", context)
    send_mail(subject, body, None, [invitation.email])


@task()
def send_two_factor_reset_email(*, user_id: str, language: str) -> None:
    """Tell a staff member their second factor was reset (no code: it is handed over in
    person). Re-sending it is harmless."""
    user = User.objects.filter(public_id=user_id).first()
    if user is None:
        return
    with translation.override(language):
        subject = render_to_string("accounts/email/two_factor_reset_subject.txt").strip()
        body = render_to_string("accounts/email/two_factor_reset_body.txt")
    send_mail(subject, body, None, [user.email])


@task()
def forget_expired_invitation_addresses() -> None:
    """Daily upkeep: blank the address of invitations that expired unused (SR-01)."""
    from safepassage.accounts.actions import do_forget_expired_invitation_addresses

    do_forget_expired_invitation_addresses()
