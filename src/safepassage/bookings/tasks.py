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
