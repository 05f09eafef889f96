"""Background work of the cases app (run by the django-tasks-db worker).

Scheduled daily in ``cases/schedule.py``. Takes no arguments and returns counts only: no
case data passes through the task queue (SR-05).
"""

from django.tasks import task

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
