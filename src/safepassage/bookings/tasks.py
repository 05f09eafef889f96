"""Background work of allocation (run by the django-tasks-db worker).

Task arguments are public ids only. E-mails carrying a link key or a one-time code are not
tasks: they are sent on commit by the request that made them (see ``actions``), so those
secrets never rest in the task queue.
"""

import uuid

from django.tasks import task


@task()
def run_allocation(*, run_id: str) -> None:
    """Solve a queued allocation run, storing progress as the solver reports it."""
    from safepassage.bookings.actions import do_solve_run  # actions import tasks

    do_solve_run(run_id=uuid.UUID(run_id))


@task()
def fail_stalled_runs() -> int:
    """Mark failed every run still "running" long past its time limit (its worker died or
    stopped making progress), so its coordinator sees it failed and can run again.
    Idempotent; scheduled in ``bookings/schedule.py``."""
    from safepassage.bookings.actions import do_fail_stale_runs  # actions import tasks

    return do_fail_stale_runs(organisation=None)
