"""Every write of the cases app. Each ``do_*`` runs in one transaction with its audit event.

Audit events name the actor, the case's public id and the action, never a value (SR-30).
Writes that seal or re-wrap need the actor's unlocked key pair (``key_pair``), which only a
signed-in session holds (``accounts.key_session``): the server cannot write case data alone.
"""

import datetime
import secrets
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from safepassage.accounts.models import Membership, User
from safepassage.audit.actions import SYSTEM_ACTOR, Outcome, record_audit_event
from safepassage.cases.attention_actions import do_raise_case_attention, needs_attention
from safepassage.cases.case_audit import record_case_event
from safepassage.cases.errors import (
    AlreadyOnCase,
    CaseOpenLimitReached,
    HouseholdClosed,
    LastCaseMember,
    NoCaseKey,
    NoKeyPair,
    NoOrganisationKeys,
    NotInOrganisation,
    NotOnCase,
    ReasonRequired,
    TransitionRefused,
)
from safepassage.cases.key_actions import CASE_TEAM_ROLES, team_id
from safepassage.cases.lock_objects import lock_case
from safepassage.cases.models import (
    Case,
    CaseGroupKey,
    CaseMember,
    CaseNote,
    CaseState,
    CaseTransition,
    HolderKind,
    HouseholdMember,
    OrganisationKeyring,
    StaffKeyPair,
    TeamKeyCopy,
)
from safepassage.cases.models.case import TransitionActorKind
from safepassage.cases.sealing import (
    CASE_GROUPS,
    case_key_id,
    context,
    seal_json,
    unwrap_user_group_key,
    unwrap_user_group_keys,
)
from safepassage.core import case_workflow
from safepassage.core.crypto import (
    CryptoError,
    KeyPair,
    PublicKey,
    SealedIntake,
    SensitiveGroup,
    generate_case_keys,
    rewrap_group_key,
    seal_text,
    unwrap_team_key,
    wrap_group_key,
    wrap_group_keys,
)
from safepassage.organisations.models import Organisation
from safepassage.site import rate_limits

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_LENGTH = 10


def new_case_code() -> str:
    """A random case code like ``K7QM-4ZX9-RT`` (about 49 bits; never sequential, SR-02)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


@dataclass(frozen=True, kw_only=True)
class CaseDetails:
    """The sensitive values of a new case, sealed before they touch the database."""

    full_name: str = field(repr=False)
    other_names: str = field(default="", repr=False)
    contact: str = field(default="", repr=False)
    current_location: str = field(default="", repr=False)
    story: str = field(default="", repr=False)

    def groups(self) -> dict[str, dict[str, str]]:
        return {
            "identity": {"full_name": self.full_name, "other_names": self.other_names},
            "contact": {"contact": self.contact},
            "location": {"current_location": self.current_location},
            "narrative": {"story": self.story},
        }


@dataclass(frozen=True, kw_only=True)
class WorkflowFields:
    """The clear, non-identifying fields of a case (SR-02)."""

    priority: int
    risk: int
    origin: str = ""
    destination: str = ""


def role_in(*, user: User, organisation: Organisation) -> str | None:
    return (
        Membership.objects.filter(user=user, organisation=organisation)
        .values_list("role", flat=True)
        .first()
    )


def _audit(*, actor: User | None, action: str, case: Case) -> None:
    actor_ref = str(actor.public_id) if actor is not None else SYSTEM_ACTOR
    record_case_event(actor_ref=actor_ref, action=action, case=case)


def _recovery_public_key(organisation: Organisation) -> PublicKey:
    keyring = OrganisationKeyring.objects.filter(organisation=organisation).first()
    if keyring is None:
        raise NoOrganisationKeys
    return PublicKey(raw=bytes(keyring.recovery_public_key))


def _public_key_of(user: User) -> PublicKey:
    stored = StaffKeyPair.objects.filter(user=user).first()
    if stored is None:
        raise NoKeyPair
    return PublicKey(raw=bytes(stored.public_key))


def check_create_case(*, actor: User, organisation: Organisation) -> None:
    _recovery_public_key(organisation)
    _public_key_of(actor)


def do_create_case(
    *, actor: User, organisation: Organisation, details: CaseDetails, workflow: WorkflowFields
) -> Case:
    """Open a case: fresh group keys wrapped for the actor and the recovery key, values sealed."""
    recovery = _recovery_public_key(organisation)
    actor_public = _public_key_of(actor)
    today = timezone.localdate()
    case = Case(
        organisation=organisation,
        code=new_case_code(),
        priority=workflow.priority,
        risk=workflow.risk,
        origin=workflow.origin.upper(),
        destination=workflow.destination.upper(),
        opened_on=today,
        state_changed_on=today,
    )
    keys = generate_case_keys(case_id=case_key_id(case))
    for column, values in details.groups().items():
        setattr(
            case,
            column,
            seal_json(
                key=keys[CASE_GROUPS[column]],
                field_context=context(model="cases.Case", field=column, row_id=case.public_id),
                values=values,
            ),
        )
    wrapped = wrap_group_keys(
        keys=keys.values(), recipients=[actor_public], recovery_public_key=recovery
    )
    with transaction.atomic():
        case.save()
        CaseGroupKey.objects.bulk_create(
            CaseGroupKey(
                case=case,
                group=copy.group.value,
                version=copy.version,
                holder_kind=HolderKind.USER
                if copy.recipient_fingerprint == actor_public.fingerprint
                else HolderKind.RECOVERY,
                user=actor if copy.recipient_fingerprint == actor_public.fingerprint else None,
                recipient_fingerprint=copy.recipient_fingerprint,
                envelope=copy.envelope,
            )
            for copy in wrapped
        )
        CaseMember.objects.create(case=case, user=actor, added_on=today)
        _audit(actor=actor, action="case.created", case=case)
    return case


def do_create_case_from_intake(
    *, organisation: Organisation, sealed: SealedIntake, workflow: WorkflowFields
) -> Case:
    """Store an intake sealed on arrival (``core.crypto.seal_intake``) as a new case.

    Needs no secret: the intake's group keys are already wrapped to the case team and the
    recovery key. ``sealed.case_id`` must be the new case's public id and its field contexts
    name ``cases.Case`` columns. A case-team member takes it with :func:`do_take_case`.
    """
    keyring = OrganisationKeyring.objects.get(organisation=organisation)
    holders = {bytes(keyring.recovery_public_key): HolderKind.RECOVERY}
    if keyring.team_public_key is not None:
        holders[bytes(keyring.team_public_key)] = HolderKind.TEAM
    kinds = {PublicKey(raw=raw).fingerprint: kind for raw, kind in holders.items()}
    today = timezone.localdate()
    case = Case(
        public_id=sealed.case_id,
        organisation=organisation,
        code=new_case_code(),
        priority=workflow.priority,
        risk=workflow.risk,
        origin=workflow.origin.upper(),
        destination=workflow.destination.upper(),
        opened_on=today,
        state_changed_on=today,
    )
    for field_context, envelope in sealed.sealed_fields.items():
        if field_context.model != "cases.Case" or field_context.field not in CASE_GROUPS:
            msg = "intake fields must name sealed columns of cases.Case"
            raise ValueError(msg)
        setattr(case, field_context.field, envelope)
    with transaction.atomic():
        case.save()
        CaseGroupKey.objects.bulk_create(
            CaseGroupKey(
                case=case,
                group=copy.group.value,
                version=copy.version,
                holder_kind=kinds[copy.recipient_fingerprint],
                recipient_fingerprint=copy.recipient_fingerprint,
                envelope=copy.envelope,
            )
            for copy in sealed.wrapped_keys
            if copy.recipient_fingerprint in kinds
        )
        _audit(actor=None, action="case.created_from_intake", case=case)
    return case


#: SR-29: different cases one person may open (the case page, which decrypts it) in a
#: clock hour. A brake on a stolen account copying every case it can reach, well above a
#: caseworker's hour of work; a case already opened in the hour always opens again.
CASES_OPENED_PER_HOUR = 60
CASE_OPEN_WINDOW = datetime.timedelta(hours=1)


def check_case_open_allowed(*, user: User, case: Case) -> None:
    """Count ``case`` among the different cases ``user`` opened this hour; raise
    :class:`CaseOpenLimitReached` (counting nothing) when it would be one too many. The
    counter names neither (daily HMAC digests, ``site.rate_limits.hit_distinct``)."""
    if not rate_limits.hit_distinct(
        scope="case_open",
        subject=str(user.public_id),
        item=str(case.public_id),
        limit=CASES_OPENED_PER_HOUR,
        window=CASE_OPEN_WINDOW,
    ):
        raise CaseOpenLimitReached


def do_record_case_open_refused(*, actor: User, case: Case) -> None:
    """Audit a case page refused by :data:`CASES_OPENED_PER_HOUR` (outcome ``denied``)."""
    with transaction.atomic():
        record_audit_event(
            actor_ref=str(actor.public_id),
            action="case.view_refused",
            object_type="case",
            object_ref=str(case.public_id),
            organisation_ref=str(case.organisation.public_id),
            outcome=Outcome.DENIED,
        )


def do_record_case_view(*, actor: User, case: Case, decrypted: bool) -> None:
    """Audit that ``actor`` opened the case page: ``case.viewed`` when sealed values were
    shown, ``case.viewed_locked`` when only the clear workflow fields were (issue 4 item 7)."""
    with transaction.atomic():
        _audit(actor=actor, action="case.viewed" if decrypted else "case.viewed_locked", case=case)


def check_transition_case(*, actor: User, case: Case, target: str, reason: str) -> None:
    role = role_in(user=actor, organisation=case.organisation)
    try:
        case_workflow.check_transition(
            source=case_workflow.CaseState(case.state),
            target=case_workflow.CaseState(target),
            roles=[role] if role else [],
            reason=reason,
        )
    except case_workflow.ReasonRequiredError:
        raise ReasonRequired from None
    except (case_workflow.WorkflowError, ValueError):
        raise TransitionRefused from None


def do_transition_case(
    *, actor: User, key_pair: KeyPair, case: Case, target: str, reason: str
) -> CaseTransition:
    """Move the case to ``target``; record who, when (day) and why (sealed: narrative key, or
    travel-passenger key for an actor holding only that).

    Re-checks the move under the row lock, so two concurrent moves cannot both pass.
    """
    keys = unwrap_user_group_keys(case=case, user=actor, key_pair=key_pair)
    reason_key = keys.get(SensitiveGroup.NARRATIVE) or keys.get(SensitiveGroup.TRAVEL_PASSENGER)
    if reason_key is None:
        raise NoCaseKey
    with transaction.atomic():
        locked = lock_case(case=case)
        check_transition_case(actor=actor, case=locked, target=target, reason=reason)
        transition = CaseTransition(
            case=locked,
            actor=actor,
            actor_kind=TransitionActorKind.STAFF,
            source=locked.state,
            target=target,
            made_on=timezone.localdate(),
            reason_group=reason_key.group.value,
        )
        transition.reason = seal_text(
            key=reason_key,
            context=context(
                model="cases.CaseTransition", field="reason", row_id=transition.public_id
            ),
            text=reason,
        )
        transition.save()
        locked.state = target
        locked.state_changed_on = transition.made_on
        locked.save(update_fields=["state", "state_changed_on"])
        _audit(actor=actor, action=f"case.state.{target}", case=locked)
    case.state = locked.state
    case.state_changed_on = locked.state_changed_on
    return transition


def _check_coded_transition(
    *, case: Case, target: str, actor: str, reason_code: case_workflow.ReasonCode
) -> None:
    try:
        case_workflow.check_coded_transition(
            source=case_workflow.CaseState(case.state),
            target=case_workflow.CaseState(target),
            actor=actor,
            reason_code=reason_code,
        )
    except (case_workflow.WorkflowError, ValueError):
        raise TransitionRefused from None


def _do_coded_transition(
    *,
    case: Case,
    target: str,
    actor_kind: TransitionActorKind,
    reason_code: case_workflow.ReasonCode,
    actor_ref: str,
) -> CaseTransition:
    """The move of :func:`do_system_transition` and :func:`do_applicant_transition`: a
    history row naming no one, with the reason as a code; the case row locked and the move
    re-checked under the lock; audited as ``case.state.<target>`` by ``actor_ref``."""
    with transaction.atomic():
        locked = lock_case(case=case)
        _check_coded_transition(
            case=locked, target=target, actor=actor_kind.value, reason_code=reason_code
        )
        transition = CaseTransition.objects.create(
            case=locked,
            actor=None,
            actor_kind=actor_kind,
            source=locked.state,
            target=target,
            made_on=timezone.localdate(),
            reason=None,
            reason_group="",
            reason_code=reason_code.value,
        )
        locked.state = target
        locked.state_changed_on = transition.made_on
        locked.save(update_fields=["state", "state_changed_on"])
        record_audit_event(
            actor_ref=actor_ref,
            action=f"case.state.{target}",
            object_type="case",
            object_ref=str(locked.public_id),
            organisation_ref=str(locked.organisation.public_id),
        )
        if needs_attention(actor_kind=actor_kind.value, reason_code=reason_code):
            do_raise_case_attention(case=locked, transition=transition, actor_ref=actor_ref)
    case.state = locked.state
    case.state_changed_on = locked.state_changed_on
    return transition


def check_system_transition(
    *, case: Case, target: str, reason_code: case_workflow.ReasonCode
) -> None:
    """Whether the system may move ``case`` to ``target`` for ``reason_code`` (the state
    machine's ``SYSTEM`` moves); :class:`TransitionRefused` if not."""
    _check_coded_transition(
        case=case, target=target, actor=case_workflow.SYSTEM, reason_code=reason_code
    )


def do_system_transition(
    *, case: Case, target: str, reason_code: case_workflow.ReasonCode, actor_ref: str
) -> CaseTransition:
    """A move the system makes because of something that happened elsewhere (every ticket
    of a trip booked, a booked ticket cancelled): the history says "the system" and the
    translated reason; no case key is needed, since nothing is sealed. A move that needs a
    person (``attention_actions.ATTENTION_REASONS``: the case went backwards) tells the
    people on the case: a "needs attention" item each and a content-free e-mail on commit.

    Runs inside the caller's transaction (a savepoint of it): a refusal
    (:class:`TransitionRefused`, e.g. the case was moved on meanwhile) writes nothing and
    leaves the caller's other changes to the caller. ``actor_ref`` is whoever caused it (a
    staff member's public id, ``anonymous`` for a donor's link), for the audit event only.
    """
    return _do_coded_transition(
        case=case,
        target=target,
        actor_kind=TransitionActorKind.SYSTEM,
        reason_code=reason_code,
        actor_ref=actor_ref,
    )


def check_applicant_transition(
    *, case: Case, target: str, reason_code: case_workflow.ReasonCode
) -> None:
    """Whether the applicant may move ``case`` to ``target`` (only withdrawing, before
    travel is planned); :class:`TransitionRefused` if not."""
    _check_coded_transition(
        case=case, target=target, actor=case_workflow.APPLICANT, reason_code=reason_code
    )


def do_applicant_transition(
    *, case: Case, target: str, reason_code: case_workflow.ReasonCode, actor_ref: str
) -> CaseTransition:
    """A move the applicant makes through the intake (withdrawing their request): the
    history says "the applicant" and the translated reason; anything the applicant wrote
    goes elsewhere (a sealed message), never into the row. Same transaction rules as
    :func:`do_system_transition`."""
    return _do_coded_transition(
        case=case,
        target=target,
        actor_kind=TransitionActorKind.APPLICANT,
        reason_code=reason_code,
        actor_ref=actor_ref,
    )


def do_add_note(*, actor: User, key_pair: KeyPair, case: Case, body: str) -> CaseNote:
    """Add a note, sealed under the case's narrative key."""
    narrative = unwrap_user_group_key(
        case=case, user=actor, key_pair=key_pair, group=SensitiveGroup.NARRATIVE
    )
    note = CaseNote(case=case, author=actor, written_on=timezone.localdate())
    note.body = seal_text(
        key=narrative,
        context=context(model="cases.CaseNote", field="body", row_id=note.public_id),
        text=body,
    )
    with transaction.atomic():
        note.save()
        _audit(actor=actor, action="case.note_added", case=case)
    return note


HOUSEHOLD_CLOSED_STATES = frozenset(
    {
        CaseState.DEPARTED,
        CaseState.ARRIVED,
        CaseState.RESETTLED,
        CaseState.DECLINED,
        CaseState.WITHDRAWN,
        CaseState.CLOSED,
    }
)
"""States in which the household is what travelled (or the case ended): its count is the
party the reports and the transparency page count as moved, so it no longer changes."""


def check_add_household_member(*, case: Case) -> None:
    if case.state in HOUSEHOLD_CLOSED_STATES:
        raise HouseholdClosed


def do_add_household_member(
    *,
    actor: User,
    key_pair: KeyPair,
    case: Case,
    full_name: str,
    relationship: str,
    birth_year: str,
) -> HouseholdMember:
    """Add a traveller to the household (identity sealed); the party size follows.

    The household is everyone who travels, the person who asked for help included (travel
    requests choose their travellers from it), so the party size is its count.
    """
    identity = unwrap_user_group_key(
        case=case, user=actor, key_pair=key_pair, group=SensitiveGroup.IDENTITY
    )
    member = HouseholdMember(case=case, added_on=timezone.localdate())
    member.identity = seal_json(
        key=identity,
        field_context=context(
            model="cases.HouseholdMember", field="identity", row_id=member.public_id
        ),
        values={"full_name": full_name, "relationship": relationship, "birth_year": birth_year},
    )
    with transaction.atomic():
        locked = lock_case(case=case)
        check_add_household_member(case=locked)
        member.save()
        locked.party_size = HouseholdMember.objects.filter(case=locked).count()
        locked.save(update_fields=["party_size"])
        _audit(actor=actor, action="case.household_member_added", case=locked)
    case.party_size = locked.party_size
    return member


def check_add_case_member(*, case: Case, member: User) -> None:
    if role_in(user=member, organisation=case.organisation) not in CASE_TEAM_ROLES | {
        case_workflow.TRAVEL_COORDINATOR
    }:
        raise NotInOrganisation
    if CaseMember.objects.filter(case=case, user=member).exists():
        raise AlreadyOnCase
    _public_key_of(member)


GROUPS_BY_ROLE: dict[str, frozenset[SensitiveGroup]] = {
    case_workflow.ADMIN: frozenset(SensitiveGroup),
    case_workflow.CASEWORKER: frozenset(SensitiveGroup),
    case_workflow.TRAVEL_COORDINATOR: frozenset({SensitiveGroup.TRAVEL_PASSENGER}),
}
"""The sensitive groups each role receives when put on a case (SR-26): a travel coordinator
books travel and never reads identity, contacts, whereabouts or the story."""


def do_add_case_member(*, actor: User, key_pair: KeyPair, case: Case, member: User) -> None:
    """Give ``member`` the group keys their role may hold (``GROUPS_BY_ROLE``), re-wrapped from
    the actor's own copies."""
    member_public = _public_key_of(member)
    allowed = GROUPS_BY_ROLE.get(
        role_in(user=member, organisation=case.organisation) or "", frozenset()
    )
    keys = {
        group: key
        for group, key in unwrap_user_group_keys(case=case, user=actor, key_pair=key_pair).items()
        if group in allowed
    }
    with transaction.atomic():
        CaseMember.objects.create(case=case, user=member, added_on=timezone.localdate())
        CaseGroupKey.objects.bulk_create(
            CaseGroupKey(
                case=case,
                group=group.value,
                version=key.version,
                holder_kind=HolderKind.USER,
                user=member,
                recipient_fingerprint=member_public.fingerprint,
                envelope=wrap_group_key(key=key, recipient=member_public),
            )
            for group, key in keys.items()
        )
        _audit(actor=actor, action="case.member_added", case=case)


def check_remove_case_member(*, case: Case, member: User) -> None:
    if not CaseMember.objects.filter(case=case, user=member).exists():
        raise NotOnCase
    if not CaseMember.objects.filter(case=case).exclude(user=member).exists():
        raise LastCaseMember


def do_remove_case_member(
    *, actor: User, case: Case, member: User, key_pair: KeyPair | None = None
) -> frozenset[SensitiveGroup]:
    """End ``member``'s access: their membership and every wrapped key they held go.

    With the actor's unlocked ``key_pair``, every group the member held that the actor holds
    is rotated in the same transaction (SR-11), so keys the member kept open nothing stored
    from now on; see ``cases.rotation_actions``. Returns the groups the member held that
    could not be rotated now (no unlocked keys, or groups the actor does not hold): the case
    is queued for ``safepassage rotate-keys`` (an open run), and the caller says so.
    """
    from safepassage.cases.rotation_actions import (  # rotation imports every app's columns
        do_rotate_case_keys,
        queue_key_rotation,
    )

    with transaction.atomic():
        held = {
            SensitiveGroup(group)
            for group in CaseGroupKey.objects.filter(case=case, user=member).values_list(
                "group", flat=True
            )
        }
        CaseMember.objects.filter(case=case, user=member).delete()
        CaseGroupKey.objects.filter(case=case, user=member).delete()
        _audit(actor=actor, action="case.member_removed", case=case)
        if key_pair is None or not held:
            if held:
                queue_key_rotation(case=case, actor_ref=str(actor.public_id))
            return frozenset(held)
        rotation = do_rotate_case_keys(
            case=case,
            opener=key_pair.private_key,
            actor_ref=str(actor.public_id),
            groups=held,
        )
        if rotation.groups_without_key:
            queue_key_rotation(case=case, actor_ref=str(actor.public_id))
    return frozenset(rotation.groups_without_key)


def do_take_case(*, actor: User, key_pair: KeyPair, case: Case) -> None:
    """A case-team member takes a new request sealed to the team (intake).

    Opens the team key with the actor's copy, re-wraps each group key from the team copy to
    the actor, then deletes the team copies: from now on only the people on the case and the
    recovery key can open it.
    """
    copy = TeamKeyCopy.objects.filter(organisation=case.organisation, user=actor).first()
    keyring = OrganisationKeyring.objects.filter(organisation=case.organisation).first()
    if copy is None or keyring is None or keyring.team_public_key is None:
        raise NoCaseKey
    try:
        team = unwrap_team_key(
            envelope=bytes(copy.envelope),
            member_private_key=key_pair.private_key,
            team_id=team_id(case.organisation),
            team_public_key=PublicKey(raw=bytes(keyring.team_public_key)),
        )
        team_copies = list(
            CaseGroupKey.objects.filter(
                case=case, holder_kind=HolderKind.TEAM, referral__isnull=True
            )
        )
        if not team_copies:
            raise NoCaseKey  # nothing sealed to the team (e.g. a handover: accept it instead)
        rewrapped = [
            CaseGroupKey(
                case=case,
                group=team_copy.group,
                version=team_copy.version,
                holder_kind=HolderKind.USER,
                user=actor,
                recipient_fingerprint=key_pair.public_key.fingerprint,
                envelope=rewrap_group_key(
                    envelope=bytes(team_copy.envelope),
                    private_key=team.private_key,
                    case_id=case_key_id(case),
                    group=SensitiveGroup(team_copy.group),
                    recipient=key_pair.public_key,
                ),
            )
            for team_copy in team_copies
        ]
    except CryptoError:
        raise NoCaseKey from None
    with transaction.atomic():
        locked = lock_case(case=case)
        if CaseMember.objects.filter(case=locked).exists():
            raise AlreadyOnCase
        CaseMember.objects.create(case=locked, user=actor, added_on=timezone.localdate())
        CaseGroupKey.objects.bulk_create(rewrapped)
        CaseGroupKey.objects.filter(
            case=locked, holder_kind=HolderKind.TEAM, referral__isnull=True
        ).delete()
        _audit(actor=actor, action="case.taken", case=locked)


def do_update_workflow_fields(*, actor: User, case: Case, workflow: WorkflowFields) -> None:
    """Set priority, risk, origin and destination (triage); clear fields, no key needed."""
    with transaction.atomic():
        locked = lock_case(case=case)
        locked.priority = workflow.priority
        locked.risk = workflow.risk
        locked.origin = workflow.origin.upper()
        locked.destination = workflow.destination.upper()
        locked.save(update_fields=["priority", "risk", "origin", "destination"])
        _audit(actor=actor, action="case.workflow_fields_changed", case=locked)
