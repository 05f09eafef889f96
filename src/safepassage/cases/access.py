"""Permission-checked fetches of cases: the one way to get a case (SR-15, STYLE rule 4)."""

import uuid

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.accounts.permission_scopes import granted_in
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


def _reached_with(*, user: User, permission: str, home_only: bool) -> Q:
    """A condition on cases: ``user``'s role in the case's organisation grants
    ``permission``, or (unless ``home_only``) their role in an organisation the case is
    referred to by an accepted, active referral (:func:`reaching_organisations`)."""
    at_home = granted_in(user=user, permission=permission)
    if home_only:
        return at_home
    today = timezone.localdate()
    referred = CaseReferral.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today),
        case=OuterRef("pk"),
        accepted_on__isnull=False,
        revoked_on__isnull=True,
    ).filter(granted_in(user=user, permission=permission, organisation="to_organisation"))
    return at_home | Q(Exists(referred))


def reachable_cases(*, user: User, permission: str) -> Q:
    """A condition on cases: those :func:`access_case` lets ``user`` reach with
    ``permission``. Part of the fetching query, so a forbidden case is simply not found and
    costs what an unknown id costs (SR-15: equal work)."""
    on_case = Q(Exists(CaseMember.objects.filter(case=OuterRef("pk"), user_id=user.pk)))
    if permission == TRIAGE_PERMISSION:
        untaken = Q(state=CaseState.NEW) & ~Q(
            Exists(CaseMember.objects.filter(case=OuterRef("pk")))
        )
        on_case |= untaken
    return (
        _reached_with(
            user=user, permission=permission, home_only=permission in HOME_ONLY_PERMISSIONS
        )
        & on_case
    )


def _of_reachable_case(*, user: User, permission: str, case: str = "case") -> Q:
    """A condition on rows with a foreign key ``case``: their case is reachable."""
    return Q(
        Exists(
            Case.objects.filter(pk=OuterRef(case)).filter(
                reachable_cases(user=user, permission=permission)
            )
        )
    )


def access_case(*, user: User, case_id: uuid.UUID, permission: str) -> Case:
    """The case, if ``user``'s role in its organisation grants ``permission`` and the user
    works on the case; staff of an organisation the case is referred to reach it the same
    way through their own role there (:func:`reaching_organisations`).

    One exception: with ``cases.triage_case`` a new request not yet taken by anyone is
    reachable (to take it). Missing and forbidden answer alike (404), so case ids of other
    organisations, or of cases one was removed from, cannot be probed; the checks are part of
    the one fetching query, so both cost the same too (SR-15).
    """
    case = (
        Case.objects.select_related("organisation")
        .filter(public_id=case_id)
        .filter(reachable_cases(user=user, permission=permission))
        .first()
    )
    if case is None:
        raise Http404
    return case


def access_case_task(*, user: User, task_id: uuid.UUID, permission: str) -> CaseTask:
    """The task, if ``user`` may reach its case with ``permission`` (404 otherwise)."""
    task = (
        CaseTask.objects.select_related("case__organisation")
        .filter(public_id=task_id)
        .filter(_of_reachable_case(user=user, permission=permission))
        .first()
    )
    if task is None:
        raise Http404
    return task


def access_case_document(*, user: User, document_id: uuid.UUID, permission: str) -> CaseDocument:
    """The document, if ``user`` may reach its case with ``permission`` (404 otherwise)."""
    document = (
        CaseDocument.objects.select_related("case__organisation")
        .filter(public_id=document_id)
        .filter(_of_reachable_case(user=user, permission=permission))
        .first()
    )
    if document is None:
        raise Http404
    return document


def access_case_attention(*, user: User, attention_id: uuid.UUID, permission: str) -> CaseAttention:
    """A "needs attention" item addressed to ``user``, if their role in an organisation the
    case reaches still grants ``permission``; 404 otherwise (someone else's item, another
    organisation's, or one of a case they may no longer see)."""
    item = (
        CaseAttention.objects.select_related("case__organisation")
        .filter(public_id=attention_id, recipient=user)
        .filter(
            Exists(
                Case.objects.filter(pk=OuterRef("case")).filter(
                    _reached_with(user=user, permission=permission, home_only=False)
                )
            )
        )
        .first()
    )
    if item is None:
        raise Http404
    return item


def access_received_referral(*, user: User, referral_id: uuid.UUID) -> CaseReferral:
    """A referral not yet accepted, still active, to an organisation where ``user`` may triage
    (to accept it); 404 otherwise."""
    referral = (
        CaseReferral.objects.select_related("case", "from_organisation", "to_organisation")
        .filter(public_id=referral_id, accepted_on__isnull=True, revoked_on__isnull=True)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate()))
        .filter(granted_in(user=user, permission=TRIAGE_PERMISSION, organisation="to_organisation"))
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def access_sent_referral(*, user: User, referral_id: uuid.UUID) -> CaseReferral:
    """A referral of a case ``user`` manages members of (to revoke it); 404 otherwise."""
    manage = "cases.manage_case_members"
    referral = (
        CaseReferral.objects.select_related(
            "case__organisation", "from_organisation", "to_organisation"
        )
        .filter(public_id=referral_id)
        .filter(granted_in(user=user, permission=manage, organisation="from_organisation"))
        .filter(_of_reachable_case(user=user, permission=manage))
        .first()
    )
    if referral is None:
        raise Http404
    return referral
