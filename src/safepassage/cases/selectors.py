"""Reads of the cases app. Decryption happens here, with the reader's own keys only."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from safepassage.accounts.models import User
from safepassage.accounts.roles import ROLE_PERMISSIONS
from safepassage.cases.document_storage import document_context, document_path
from safepassage.cases.errors import DocumentUnreadable
from safepassage.cases.key_actions import CASE_TEAM_ROLES
from safepassage.cases.models import (
    Case,
    CaseAttention,
    CaseDocument,
    CaseGroupKey,
    CaseMember,
    CaseReferral,
    CaseState,
    CaseTask,
    CaseTransition,
    HolderKind,
)
from safepassage.cases.models.case import TransitionActorKind, TransitionReason
from safepassage.cases.sealing import (
    CASE_GROUPS,
    context,
    open_json,
    referral_consent_context,
    task_context,
    unwrap_user_group_key,
    unwrap_user_group_keys,
)
from safepassage.core import case_workflow
from safepassage.core.crypto import (
    CryptoError,
    FieldContext,
    GroupKey,
    KeyPair,
    SensitiveGroup,
    decrypt_file,
    open_file_key,
    open_text,
)

CASE_ROLES = CASE_TEAM_ROLES | {case_workflow.TRAVEL_COORDINATOR}
"""Roles that can be put on a case."""


def _organisations_granting(*, user: User, permission: str) -> list[int]:
    return [
        membership.organisation_id
        for membership in user.memberships.all()
        if permission in ROLE_PERMISSIONS.get(membership.role, frozenset())
    ]


def list_triage_queue(*, user: User) -> QuerySet[Case]:
    """New and triaged requests of the organisations where ``user`` may triage, most urgent first.

    Each is annotated ``taken`` (someone works on it) and ``mine`` (``user`` does: only
    then can they open it). Clear workflow fields only: listing decrypts nothing.
    """
    return (
        Case.objects.filter(
            organisation_id__in=_organisations_granting(user=user, permission="cases.triage_case"),
            state__in=sorted(case_workflow.TRIAGE_STATES),
        )
        .annotate(
            taken=Exists(CaseMember.objects.filter(case=OuterRef("pk"))),
            mine=Exists(CaseMember.objects.filter(case=OuterRef("pk"), user=user)),
        )
        .select_related("organisation")
        .order_by("-priority", "-risk", "opened_on", "code")
    )


def _viewable_cases(*, user: User) -> QuerySet[Case]:
    """Cases of organisations where ``user`` may view cases, or referred to one of them by an
    accepted, active referral (the same reach as ``access_case``)."""
    organisations = _organisations_granting(user=user, permission="cases.view_case")
    today = timezone.localdate()
    referred = CaseReferral.objects.filter(
        to_organisation_id__in=organisations,
        accepted_on__isnull=False,
        revoked_on__isnull=True,
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    return Case.objects.filter(
        Q(organisation_id__in=organisations) | Q(pk__in=referred.values("case_id"))
    )


def list_my_attention(*, user: User) -> QuerySet[CaseAttention]:
    """The "needs attention" items ``user`` has not dismissed, newest first, of cases they
    may still view (a role taken away or a referral ended hides them). ``on_case`` says
    whether the case page is open to them (an admin told only because no caseworker is on
    the case may not be on it). Clear fields only: listing decrypts nothing."""
    return (
        CaseAttention.objects.filter(
            recipient=user, dismissed_on__isnull=True, case__in=_viewable_cases(user=user)
        )
        .annotate(on_case=Exists(CaseMember.objects.filter(case=OuterRef("case"), user=user)))
        .select_related("case")
        .order_by("-raised_on", "-pk")
    )


def list_case_attention(*, case: Case, user: User) -> QuerySet[CaseAttention]:
    """``user``'s waiting items of one case (shown on the case page)."""
    return list_my_attention(user=user).filter(case=case)


def count_my_attention(*, user: User) -> int:
    """How many cases have items of :func:`list_my_attention` waiting (for the dashboard)."""
    return (
        CaseAttention.objects.filter(
            recipient=user, dismissed_on__isnull=True, case__in=_viewable_cases(user=user)
        )
        .values("case")
        .distinct()
        .count()
    )


def list_my_cases(*, user: User) -> QuerySet[Case]:
    """Open cases ``user`` works on (and may still view), most urgent first."""
    viewable = _viewable_cases(user=user)
    return (
        Case.objects.filter(members__user=user, pk__in=viewable)
        .exclude(state=CaseState.CLOSED)
        .select_related("organisation")
        .order_by("-priority", "-risk", "opened_on", "code")
    )


@dataclass(frozen=True, kw_only=True)
class OpenedNote:
    written_on: date
    author: str
    body: str = field(repr=False)


@dataclass(frozen=True, kw_only=True)
class OpenedHouseholdMember:
    public_id: str
    values: dict[str, str] = field(repr=False)


@dataclass(frozen=True, kw_only=True)
class OpenedTransition:
    made_on: date
    actor: str
    source: str
    target: str
    reason: str = field(repr=False)


@dataclass(frozen=True, kw_only=True)
class OpenedTask:
    public_id: str
    assignee: str
    due_on: date
    done_on: date | None
    overdue: bool
    text: str = field(repr=False)


@dataclass(frozen=True, kw_only=True)
class OpenedDocument:
    public_id: str
    uploaded_on: date
    uploaded_by: str
    details: dict[str, str] = field(repr=False)


@dataclass(frozen=True, kw_only=True)
class OpenedReferral:
    public_id: str
    from_organisation: str
    to_organisation: str
    referred_on: date
    sender_keeps_access: bool
    expires_on: date | None
    accepted_on: date | None
    revoked_on: date | None
    consent: dict[str, str] = field(repr=False)


@dataclass(frozen=True, kw_only=True)
class CaseContents:
    """A case as its reader may see it; groups the reader holds no key for are ``None``."""

    groups: dict[str, dict[str, str] | None] = field(repr=False)
    notes: list[OpenedNote] | None = field(repr=False)
    household: list[OpenedHouseholdMember] | None = field(repr=False)
    transitions: list[OpenedTransition] = field(repr=False)
    tasks: list[OpenedTask] | None = field(repr=False, default=None)
    documents: list[OpenedDocument] | None = field(repr=False, default=None)
    referrals: list[OpenedReferral] | None = field(repr=False, default=None)


def read_case_contents(*, case: Case, user: User, key_pair: KeyPair) -> CaseContents:
    """Open every sealed value of ``case`` that ``user``'s keys open."""
    keys = unwrap_user_group_keys(case=case, user=user, key_pair=key_pair)
    groups: dict[str, dict[str, str] | None] = {}
    for column, group in CASE_GROUPS.items():
        envelope = getattr(case, column)
        key = keys.get(group)
        if key is None or envelope is None:
            groups[column] = None
            continue
        try:
            groups[column] = open_json(
                key=key,
                field_context=context(model="cases.Case", field=column, row_id=case.public_id),
                envelope=bytes(envelope),
            )
        except CryptoError:
            groups[column] = None
    narrative = keys.get(SensitiveGroup.NARRATIVE)
    identity = keys.get(SensitiveGroup.IDENTITY)
    notes = None
    if narrative is not None:
        notes = [
            OpenedNote(
                written_on=note.written_on,
                author=note.author.display_name,
                body=open_text(
                    key=narrative,
                    context=context(model="cases.CaseNote", field="body", row_id=note.public_id),
                    envelope=bytes(note.body),
                ),
            )
            for note in case.notes.select_related("author").order_by("written_on", "pk")
        ]
    household = None
    if identity is not None:
        household = [
            OpenedHouseholdMember(
                public_id=str(member.public_id),
                values=open_json(
                    key=identity,
                    field_context=context(
                        model="cases.HouseholdMember", field="identity", row_id=member.public_id
                    ),
                    envelope=bytes(member.identity),
                ),
            )
            for member in case.household.order_by("added_on", "pk")
        ]
    transitions = [
        _opened_transition(transition=transition, keys=keys)
        for transition in case.transitions.select_related("actor").order_by("made_on", "pk")
    ]
    tasks = None
    if narrative is not None:
        tasks = [
            _open_task(task=task, narrative=narrative)
            for task in case.tasks.select_related("assignee").order_by("done_on", "due_on", "pk")
        ]
    documents_key = keys.get(SensitiveGroup.DOCUMENTS)
    documents = None
    if documents_key is not None:
        documents = [
            OpenedDocument(
                public_id=str(document.public_id),
                uploaded_on=document.uploaded_on,
                uploaded_by=document.uploaded_by.display_name,
                details=_document_details(document=document, key=documents_key),
            )
            for document in case.documents.select_related("uploaded_by").order_by(
                "uploaded_on", "pk"
            )
        ]
    return CaseContents(
        groups=groups,
        notes=notes,
        household=household,
        transitions=transitions,
        tasks=tasks,
        documents=documents,
        referrals=None if narrative is None else _open_referrals(case=case, narrative=narrative),
    )


def _open_referrals(*, case: Case, narrative: GroupKey) -> list[OpenedReferral]:
    return [
        OpenedReferral(
            public_id=str(referral.public_id),
            from_organisation=referral.from_organisation.name,
            to_organisation=referral.to_organisation.name,
            referred_on=referral.referred_on,
            sender_keeps_access=referral.sender_keeps_access,
            expires_on=referral.expires_on,
            accepted_on=referral.accepted_on,
            revoked_on=referral.revoked_on,
            consent=_open_json_or_empty(
                key=narrative,
                field_context=referral_consent_context(referral),
                envelope=bytes(referral.consent),
            ),
        )
        for referral in case.referrals.select_related(
            "from_organisation", "to_organisation"
        ).order_by("referred_on", "pk")
    ]


def list_received_referrals(*, user: User) -> list[CaseReferral]:
    """Referrals waiting to be accepted by organisations where ``user`` may triage (clear
    workflow fields only)."""
    today = timezone.localdate()
    return [
        referral
        for referral in CaseReferral.objects.filter(
            to_organisation_id__in=_organisations_granting(
                user=user, permission="cases.triage_case"
            ),
            accepted_on__isnull=True,
            revoked_on__isnull=True,
        )
        .select_related("case", "from_organisation", "to_organisation")
        .order_by("-case__priority", "referred_on", "pk")
        if referral.expires_on is None or referral.expires_on >= today
    ]


def _document_details(*, document: CaseDocument, key: GroupKey) -> dict[str, str]:
    return _open_json_or_empty(
        key=key,
        field_context=context(
            model="cases.CaseDocument", field="details", row_id=document.public_id
        ),
        envelope=bytes(document.details),
    )


@dataclass(frozen=True, kw_only=True)
class DocumentFile:
    """A decrypted document, ready to be sent as an attachment."""

    name: str
    content: bytes = field(repr=False)


def open_document(*, document: CaseDocument, user: User, key_pair: KeyPair) -> DocumentFile:
    """Decrypt a document with ``user``'s documents key: :class:`NoCaseKey` without one,
    :class:`DocumentUnreadable` if the file is missing, cut short or altered."""
    key = unwrap_user_group_key(
        case=document.case, user=user, key_pair=key_pair, group=SensitiveGroup.DOCUMENTS
    )
    details = _document_details(document=document, key=key)
    try:
        file_key = open_file_key(
            group_key=key,
            context=context(
                model="cases.CaseDocument", field="file_key", row_id=document.public_id
            ),
            envelope=bytes(document.file_key),
        )
        content = decrypt_file(
            key=file_key,
            context=document_context(document.public_id),
            envelope=document_path(document.public_id).read_bytes(),
        )
    except (CryptoError, OSError):
        raise DocumentUnreadable from None
    name = details.get("name") or "document"
    extension = details.get("extension", "")
    if extension and not name.lower().endswith(f".{extension}"):
        name = f"{name}.{extension}"
    return DocumentFile(name=name, content=content)


def _open_task(*, task: CaseTask, narrative: GroupKey) -> OpenedTask:
    return OpenedTask(
        public_id=str(task.public_id),
        assignee=task.assignee.display_name,
        due_on=task.due_on,
        done_on=task.done_on,
        overdue=task.done_on is None and task.due_on < timezone.localdate(),
        text=_open_text_or_notice(
            key=narrative, field_context=task_context(task), envelope=bytes(task.text)
        ),
    )


UNREADABLE = gettext_lazy("(This value cannot be opened: it was altered or moved.)")


def _open_text_or_notice(*, key: GroupKey, field_context: FieldContext, envelope: bytes) -> str:
    """The sealed text, or a notice when the envelope fails (tampered or transplanted, SR-04):
    one bad row must not take the whole case page down."""
    try:
        return open_text(key=key, context=field_context, envelope=envelope)
    except CryptoError:
        return str(UNREADABLE)


def _open_json_or_empty(
    *, key: GroupKey, field_context: FieldContext, envelope: bytes
) -> dict[str, str]:
    try:
        return open_json(key=key, field_context=field_context, envelope=envelope)
    except CryptoError:
        return {"name": str(UNREADABLE), "given_by": str(UNREADABLE)}


@dataclass(frozen=True, kw_only=True)
class MyTask:
    """An open task on the reader's list; ``task`` is ``None`` when its text stays sealed."""

    case: Case
    due_on: date
    task: OpenedTask | None


def list_my_tasks(*, user: User, key_pair: KeyPair | None) -> list[MyTask]:
    """Open tasks assigned to ``user`` on cases they work on and may still view, soonest due
    first; texts are opened with the user's own narrative keys where the session holds them."""
    tasks = (
        CaseTask.objects.filter(
            assignee=user,
            done_on__isnull=True,
            case__members__user=user,
            case__in=_viewable_cases(user=user),
        )
        .select_related("case__organisation", "assignee")
        .order_by("due_on", "case__code", "pk")
    )
    narratives: dict[int, GroupKey | None] = {}
    listed: list[MyTask] = []
    for task in tasks:
        if task.case_id not in narratives:
            narratives[task.case_id] = (
                None
                if key_pair is None
                else unwrap_user_group_keys(case=task.case, user=user, key_pair=key_pair).get(
                    SensitiveGroup.NARRATIVE
                )
            )
        narrative = narratives[task.case_id]
        opened = None if narrative is None else _open_task(task=task, narrative=narrative)
        listed.append(MyTask(case=task.case, due_on=task.due_on, task=opened))
    return listed


def assignable_members(*, case: Case) -> list[tuple[str, str]]:
    """(public id, display name) of people on ``case`` holding its narrative key."""
    users = (
        User.objects.filter(
            case_memberships__case=case,
            case_group_keys__case=case,
            case_group_keys__group=SensitiveGroup.NARRATIVE.value,
        )
        .distinct()
        .order_by("pk")
    )
    return _by_name(users)


def _opened_transition(
    *, transition: CaseTransition, keys: dict[SensitiveGroup, GroupKey]
) -> OpenedTransition:
    """A history row: a staff member's move names them and opens their sealed reason; a
    move by the applicant or the system names that and translates its reason code."""
    if transition.actor_kind == TransitionActorKind.STAFF and transition.actor is not None:
        actor = transition.actor.display_name
        reason = _open_reason(transition=transition, keys=keys)
    else:
        actor = capfirst(str(TransitionActorKind(transition.actor_kind).label))
        reason = capfirst(str(TransitionReason(transition.reason_code).label))
    return OpenedTransition(
        made_on=transition.made_on,
        actor=actor,
        source=transition.get_source_display(),
        target=transition.get_target_display(),
        reason=reason,
    )


def _open_reason(*, transition: CaseTransition, keys: dict[SensitiveGroup, GroupKey]) -> str:
    key = keys.get(SensitiveGroup(transition.reason_group))
    if key is None or transition.reason is None:
        return ""
    return open_text(
        key=key,
        context=context(model="cases.CaseTransition", field="reason", row_id=transition.public_id),
        envelope=bytes(transition.reason),
    )


def list_case_members(*, case: Case) -> list[CaseMember]:
    """The people on ``case`` by name (sorted here: names are sealed, decision 0052)."""
    members = case.members.select_related("user").order_by("pk")
    return sorted(members, key=lambda member: member.user.display_name.casefold())


def _by_name(users: Iterable[User]) -> list[tuple[str, str]]:
    """(public id, display name) of ``users`` by name: names are sealed (decision 0052), so
    they are sorted here, not by the database."""
    named = [(str(user.public_id), user.display_name) for user in users]
    return sorted(named, key=lambda pair: pair[1].casefold())


def available_targets(*, case: Case, role: str | None) -> list[tuple[str, str]]:
    """(value, label) of the states ``role`` may move ``case`` to."""
    targets = case_workflow.available_targets(
        source=case_workflow.CaseState(case.state), roles=[role] if role else []
    )
    return [(target.value, str(CaseState(target.value).label)) for target in targets]


def list_case_organisations(*, user: User) -> list[tuple[str, str]]:
    """(public id, name) of the organisations where ``user`` may open cases."""
    return [
        (str(membership.organisation.public_id), membership.organisation.name)
        for membership in user.memberships.select_related("organisation").order_by(
            "organisation__name"
        )
        if "cases.add_case" in ROLE_PERMISSIONS.get(membership.role, frozenset())
    ]


def list_possible_case_members(*, case: Case) -> list[tuple[str, str]]:
    """(public id, display name) of colleagues who could join ``case``: case roles, keys."""
    users = (
        User.objects.filter(
            memberships__organisation=case.organisation,
            memberships__role__in=sorted(CASE_ROLES),
            is_active=True,
            key_pair__isnull=False,
        )
        .exclude(case_memberships__case=case)
        .order_by("pk")
    )
    return _by_name(users)


def list_retention_organisations(*, user: User) -> list[tuple[str, str]]:
    """(public id, name) of the organisations whose retention rules ``user`` sets."""
    return [
        (str(membership.organisation.public_id), membership.organisation.name)
        for membership in user.memberships.select_related("organisation").order_by(
            "organisation__name"
        )
        if "cases.change_retentionrule" in ROLE_PERMISSIONS.get(membership.role, frozenset())
    ]


def count_cases_held_beyond(*, member: User, actor: User) -> int:
    """How many cases ``member`` holds a group key of that ``actor`` holds no copy of (same
    group): what an admin's replacement of the member's key pair would take from them."""
    member_groups = set(
        CaseGroupKey.objects.filter(user=member, holder_kind=HolderKind.USER).values_list(
            "case_id", "group"
        )
    )
    actor_groups = set(
        CaseGroupKey.objects.filter(
            user=actor,
            holder_kind=HolderKind.USER,
            case_id__in={case_id for case_id, _group in member_groups},
        ).values_list("case_id", "group")
    )
    return len({case_id for case_id, group in member_groups - actor_groups})
