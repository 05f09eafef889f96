"""Permission-checked fetches of cases: the one way to get a case (SR-15, STYLE rule 4)."""

import uuid

from django.http import Http404

from safepassage.accounts.models import User
from safepassage.cases.models import Case, CaseDocument, CaseMember, CaseState, CaseTask

TRIAGE_PERMISSION = "cases.triage_case"


def access_case(*, user: User, case_id: uuid.UUID, permission: str) -> Case:
    """The case, if ``user``'s role in its organisation grants ``permission`` and the user
    works on the case.

    One exception: with ``cases.triage_case`` a new request not yet taken by anyone is
    reachable (to take it). Missing and forbidden answer alike (404), so case ids of other
    organisations, or of cases one was removed from, cannot be probed.
    """
    case = Case.objects.select_related("organisation").filter(public_id=case_id).first()
    if case is None or not user.has_perm(permission, case.organisation):
        raise Http404
    if CaseMember.objects.filter(case=case, user=user).exists():
        return case
    if (
        permission == TRIAGE_PERMISSION
        and case.state == CaseState.NEW
        and not CaseMember.objects.filter(case=case).exists()
    ):
        return case
    raise Http404


def access_case_task(*, user: User, task_id: uuid.UUID, permission: str) -> CaseTask:
    """The task, if ``user`` may reach its case with ``permission`` (404 otherwise)."""
    task = CaseTask.objects.select_related("case").filter(public_id=task_id).first()
    if task is None:
        raise Http404
    task.case = access_case(user=user, case_id=task.case.public_id, permission=permission)
    return task


def access_case_document(*, user: User, document_id: uuid.UUID, permission: str) -> CaseDocument:
    """The document, if ``user`` may reach its case with ``permission`` (404 otherwise)."""
    document = CaseDocument.objects.select_related("case").filter(public_id=document_id).first()
    if document is None:
        raise Http404
    document.case = access_case(user=user, case_id=document.case.public_id, permission=permission)
    return document
