"""Background work of the cases app (run by the django-tasks-db worker).

The shredding is scheduled daily in ``cases/schedule.py``; it takes no arguments and returns
counts only. The "needs attention" e-mail takes the recipients' public ids only. No case data
passes through the task queue (SR-05).
"""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from safepassage.accounts.models import User
from safepassage.cases.referral_actions import do_end_expired_referrals
from safepassage.cases.retention_actions import (
    do_shred_cases_past_retention,
    remove_orphan_document_files,
)


@task
def shred_cases_past_retention() -> dict[str, int]:
    """Crypto-shred closed cases past their organisation's retention (SR-12), end referrals
    past their last day (SR-28) and delete encrypted files no document points at."""
    summary = do_shred_cases_past_retention()
    ended = do_end_expired_referrals()
    orphans = remove_orphan_document_files()
    return {
        "shredded": summary.shredded,
        "blocked": summary.blocked,
        "referrals_ended": ended,
        "orphan_files_removed": orphans,
    }


NOTICE_LANGUAGES = ("en", "ru")
"""The e-mail is written in both interface languages: staff accounts keep no language."""


def render_attention_notice() -> tuple[str, str]:
    """Subject and body of the "a case your organisation works on needs attention" e-mail
    (true for everyone it goes to: the people on the case, and admins who may not be on
    it): no case code, no reason, no name; a link to the case list, where the signed-in
    reader sees the rest."""
    context = {"link": settings.SITE_BASE_URL.rstrip("/") + reverse("cases:queue")}
    subjects, bodies = [], []
    for language in NOTICE_LANGUAGES:
        with translation.override(language):
            subjects.append(render_to_string("cases/email/attention_subject.txt", context).strip())
            bodies.append(render_to_string("cases/email/attention_body.txt", context).strip())
    return " / ".join(dict.fromkeys(subjects)), "\n\n---\n\n".join(bodies) + "\n"


@task()
def send_case_attention_notice(*, user_ids: list[str]) -> None:
    """E-mail each active recipient that a case their organisation works on needs attention;
    nothing more.

    One e-mail per recipient (no list of colleagues). Running it again sends the same
    content-free e-mail again, which is harmless.
    """
    subject, body = render_attention_notice()
    for user in User.objects.filter(public_id__in=user_ids, is_active=True).order_by("pk"):
        send_mail(subject, body, None, [user.email])
