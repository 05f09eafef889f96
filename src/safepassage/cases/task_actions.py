"""Writes of case tasks (issue 4, item 3): add a task, mark it done, audit reading them.

The task text is sealed under the case's narrative key, so only people holding it (and the
recovery key) can read it; an assignee must therefore hold that key too.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.cases.case_audit import record_case_event
from safepassage.cases.errors import TaskAlreadyDone, TaskAssigneeRefused
from safepassage.cases.lock_objects import lock_case_task
from safepassage.cases.models import Case, CaseGroupKey, CaseMember, CaseTask, HolderKind
from safepassage.cases.sealing import task_context, unwrap_user_group_key
from safepassage.core.crypto import KeyPair, SensitiveGroup, seal_text


def check_add_task(*, case: Case, assignee: User) -> None:
    """The assignee works on the case and holds a copy of its narrative key."""
    on_case = CaseMember.objects.filter(case=case, user=assignee).exists()
    holds_narrative = CaseGroupKey.objects.filter(
        case=case,
        holder_kind=HolderKind.USER,
        user=assignee,
        group=SensitiveGroup.NARRATIVE.value,
    ).exists()
    if not (on_case and holds_narrative):
        raise TaskAssigneeRefused


def do_add_task(
    *,
    actor: User,
    key_pair: KeyPair,
    case: Case,
    assignee: User,
    due_on: datetime.date,
    text: str,
) -> CaseTask:
    """Add a task, its text sealed under the narrative key. Assumes :func:`check_add_task`."""
    narrative = unwrap_user_group_key(
        case=case, user=actor, key_pair=key_pair, group=SensitiveGroup.NARRATIVE
    )
    task = CaseTask(
        case=case,
        assignee=assignee,
        created_by=actor,
        created_on=timezone.localdate(),
        due_on=due_on,
    )
    task.text = seal_text(key=narrative, context=task_context(task), text=text)
    with transaction.atomic():
        task.save()
        record_case_event(actor_ref=str(actor.public_id), action="case.task_added", case=case)
    return task


def check_complete_task(*, task: CaseTask) -> None:
    if task.done_on is not None:
        raise TaskAlreadyDone


def do_complete_task(*, actor: User, task: CaseTask) -> None:
    """Mark the task done today; re-checked under the row lock so it is done once."""
    with transaction.atomic():
        locked = lock_case_task(task=task)
        check_complete_task(task=locked)
        locked.done_on = timezone.localdate()
        locked.save(update_fields=["done_on"])
        record_case_event(actor_ref=str(actor.public_id), action="case.task_done", case=task.case)
    task.done_on = locked.done_on


def do_record_task_list_view(*, actor: User, cases: list[Case]) -> None:
    """Audit that ``actor`` read the sealed task texts of ``cases`` on their task list."""
    with transaction.atomic():
        for case in cases:
            record_case_event(actor_ref=str(actor.public_id), action="case.tasks_viewed", case=case)
