"""Permission-checked fetches of cases: the one way to get a case (SR-15, STYLE rule 4)."""

import uuid

from django.http import Http404
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.cases.models import (
    Case,
    CaseAttention,
    CaseDocument,
    CaseMember,
    CaseReferral,
    CaseState,
    CaseTask,
)
from safepassage.organisations.models import Organisation

TRIAGE_PERMISSION = "cases.triage_case"
HOME_ONLY_PERMISSIONS = frozenset({TRIAGE_PERMISSION, "cases.manage_case_members"})
"""Granted only through a role in the case's own organisation: a receiving organisation
works on a referred case but neither puts people on it nor refers it on."""


def reaching_organisations(case: Case) -> list[Organisation]:
    """The case's organisation, then those it is referred to by an accepted, active referral
    (SR-25: organisations are isolated except through referrals)."""
    today = timezone.localdate()
    referred = [
        referral.to_organisation
        for referral in CaseReferral.objects.filter(
            case=case, accepted_on__isnull=False, revoked_on__isnull=True
        ).select_related("to_organisation")
        if referral.expires_on is None or referral.expires_on >= today
    ]
    return [case.organisation, *referred]


def access_case(*, user: User, case_id: uuid.UUID, permission: str) -> Case:
    """The case, if ``user``'s role in its organisation grants ``permission`` and the user
    works on the case; staff of an organisation the case is referred to reach it the same
    way through their own role there (:func:`reaching_organisations`).

    One exception: with ``cases.triage_case`` a new request not yet taken by anyone is
    reachable (to take it). Missing and forbidden answer alike (404), so case ids of other
    organisations, or of cases one was removed from, cannot be probed.
    """
    case = Case.objects.select_related("organisation").filter(public_id=case_id).first()
    if case is None:
        raise Http404
    organisations = (
        [case.organisation] if permission in HOME_ONLY_PERMISSIONS else reaching_organisations(case)
    )
    if not any(user.has_perm(permission, organisation) for organisation in organisations):
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


def access_case_attention(*, user: User, attention_id: uuid.UUID, permission: str) -> CaseAttention:
    """A "needs attention" item addressed to ``user``, if their role in an organisation the
    case reaches still grants ``permission``; 404 otherwise (someone else's item, another
    organisation's, or one of a case they may no longer see)."""
    item = (
        CaseAttention.objects.select_related("case__organisation")
        .filter(public_id=attention_id, recipient=user)
        .first()
    )
    if item is None or not any(
        user.has_perm(permission, organisation)
        for organisation in reaching_organisations(item.case)
    ):
        raise Http404
    return item


def access_received_referral(*, user: User, referral_id: uuid.UUID) -> CaseReferral:
    """A referral not yet accepted, still active, to an organisation where ``user`` may triage
    (to accept it); 404 otherwise."""
    referral = (
        CaseReferral.objects.select_related("case", "from_organisation", "to_organisation")
        .filter(public_id=referral_id, accepted_on__isnull=True, revoked_on__isnull=True)
        .first()
    )
    if (
        referral is None
        or (referral.expires_on is not None and referral.expires_on < timezone.localdate())
        or not user.has_perm(TRIAGE_PERMISSION, referral.to_organisation)
    ):
        raise Http404
    return referral


def access_sent_referral(*, user: User, referral_id: uuid.UUID) -> CaseReferral:
    """A referral of a case ``user`` manages members of (to revoke it); 404 otherwise."""
    referral = (
        CaseReferral.objects.select_related("case", "from_organisation", "to_organisation")
        .filter(public_id=referral_id)
        .first()
    )
    if referral is None or not user.has_perm(
        "cases.manage_case_members", referral.from_organisation
    ):
        raise Http404
    access_case(user=user, case_id=referral.case.public_id, permission="cases.manage_case_members")
    return referral
