"""Background work of the intake app (run by the django-tasks-db worker).

The notice to caseworkers carries no content and no case data (SR-18): its task arguments
are the recipients' public ids only, never a case, a message or an address.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from safepassage.accounts.models import User

NOTICE_LANGUAGES = ("en", "ru")
"""The notice is written in both interface languages: staff accounts keep no language."""


def _render_notice() -> tuple[str, str]:
    context = {"link": settings.SITE_BASE_URL.rstrip("/") + "/dashboard/"}
    subjects, bodies = [], []
    for language in NOTICE_LANGUAGES:
        with translation.override(language):
            subjects.append(render_to_string("intake/email/notice_subject.txt", context).strip())
            bodies.append(render_to_string("intake/email/notice_body.txt", context).strip())
    return " / ".join(dict.fromkeys(subjects)), "\n\n---\n\n".join(bodies) + "\n"


@task()
def send_attention_notice(*, user_ids: list[str]) -> None:
    """E-mail each active recipient that something needs their attention; nothing more.

    One e-mail per recipient (no list of colleagues). Re-running it sends the same
    content-free notice again, which is harmless.
    """
    subject, body = _render_notice()
    for user in User.objects.filter(public_id__in=user_ids, is_active=True).order_by("pk"):
        send_mail(subject, body, None, [user.email])


@task()
def delete_expired_submission_receipts() -> int:
    """Erase shown receipts after 15 minutes and delete expired rows (each send also does)."""
    from safepassage.intake import actions  # actions imports this module

    return actions.delete_expired_submission_receipts()
