"""Telling the people on a case that the system moved it and a person must act.

The system moves cases because of what happens elsewhere (decision 0019). Some of those moves
undo work: a booked ticket cancelled, or a ticket waiting to be booked again declined, sends
a "ticketed" case back to "travel planned", and someone has to find new tickets and tell the
traveller. Nobody made that move on the case page, so :func:`do_raise_case_attention` (called
by ``cases.actions.do_system_transition``) gives each person who handles the case a
"needs attention" item on their case list and queues a content-free e-mail (SR-18) after the
commit. Who is told: :func:`list_attention_recipients`.
"""

from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from safepassage.accounts.models import Membership, User
from safepassage.audit.actions import SYSTEM_ACTOR
from safepassage.cases.access import reaching_organisations
from safepassage.cases.case_audit import record_case_event
from safepassage.cases.errors import AttentionDismissed
from safepassage.cases.lock_objects import lock_case_attention
from safepassage.cases.models import Case, CaseAttention, CaseMember, CaseTransition
from safepassage.cases.tasks import send_case_attention_notice
from safepassage.core import case_workflow
from safepassage.core.case_workflow import ReasonCode

ATTENTION_REASONS = frozenset({ReasonCode.TICKET_CANCELLED, ReasonCode.TICKET_DECLINED})
"""System moves that need a person: the case went backwards. "All tickets booked" is good
news the trip page already shows; the applicant's withdrawal has its own notice (intake)."""

HANDLING_ROLES = frozenset(
    {case_workflow.ADMIN, case_workflow.CASEWORKER, case_workflow.TRAVEL_COORDINATOR}
)
"""Roles that can be put on a case (``check_add_case_member``)."""


def needs_attention(*, actor_kind: str, reason_code: ReasonCode) -> bool:
    """Whether a coded move by ``actor_kind`` for ``reason_code`` is one a person must act on."""
    return actor_kind == case_workflow.SYSTEM and reason_code in ATTENTION_REASONS


def list_attention_recipients(*, case: Case) -> list[tuple[User, bool]]:
    """Who is told, in primary-key order, each with whether they were told only because no
    caseworker is on the case.

    Everyone active on the case whose role (in the case's organisation, or in one it is
    referred to) still lets them work on it: its caseworkers, and the travel coordinators
    and admins on it. When none of them is a caseworker, the case has nobody to run it, so
    the active admins of the case's organisation are told too: they give people their
    roles and can ask a colleague on the case to put a caseworker on it.
    """
    organisations = reaching_organisations(case)
    on_case = CaseMember.objects.filter(case=case).values("user_id")
    handling = Membership.objects.filter(
        user_id__in=on_case,
        user__is_active=True,
        organisation__in=organisations,
        role__in=sorted(HANDLING_ROLES),
    )
    users = {
        user.pk: (user, False) for user in User.objects.filter(pk__in=handling.values("user_id"))
    }
    if not handling.filter(role=case_workflow.CASEWORKER).exists():
        admins = User.objects.filter(
            Q(memberships__organisation=case.organisation)
            & Q(memberships__role=case_workflow.ADMIN),
            is_active=True,
        )
        for admin in admins:
            users.setdefault(admin.pk, (admin, True))
    return [users[pk] for pk in sorted(users)]


def do_raise_case_attention(
    *, case: Case, transition: CaseTransition, actor_ref: str
) -> list[CaseAttention]:
    """One "needs attention" item per recipient of :func:`list_attention_recipients` except
    the person who caused the move (``actor_ref``: they know), audited once as
    ``case.attention_raised`` by the system (the case's public id; who was told is in the
    rows), and one content-free e-mail each, queued on commit (task arguments: user public
    ids, nothing else).

    Runs inside the caller's transaction (the system move's): if the move is rolled back,
    no item stays and no e-mail is sent.
    """
    today = timezone.localdate()
    items = [
        CaseAttention(
            case=case,
            transition=transition,
            recipient=user,
            reason_code=transition.reason_code,
            unassigned=unassigned,
            raised_on=today,
        )
        for user, unassigned in list_attention_recipients(case=case)
        if str(user.public_id) != actor_ref
    ]
    if not items:
        return []
    with transaction.atomic():
        CaseAttention.objects.bulk_create(items)
        record_case_event(actor_ref=SYSTEM_ACTOR, action="case.attention_raised", case=case)
        user_ids = [str(item.recipient.public_id) for item in items]
        transaction.on_commit(partial(send_case_attention_notice.enqueue, user_ids=user_ids))
    return items


def check_dismiss_attention(*, item: CaseAttention) -> None:
    if item.dismissed_on is not None:
        raise AttentionDismissed


def do_dismiss_attention(*, actor: User, item: CaseAttention) -> None:
    """The recipient saw it: the item leaves their list (re-checked under the row lock)."""
    with transaction.atomic():
        locked = lock_case_attention(item=item)
        check_dismiss_attention(item=locked)
        locked.dismissed_on = timezone.localdate()
        locked.save(update_fields=["dismissed_on"])
        record_case_event(
            actor_ref=str(actor.public_id), action="case.attention_dismissed", case=locked.case
        )
    item.dismissed_on = locked.dismissed_on
