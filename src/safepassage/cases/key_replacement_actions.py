"""Replacing a staff member's key pair (SR-06, SR-11, SR-23): after a lost device or a key
pair that may be exposed.

A new key pair is generated; then, in one transaction, every case whose group keys the old
key pair opened is rotated (the old private key may be in someone's hands, so every group
it could open gets a new version, as removing a colleague does) and the new versions are
wrapped for the new public key wherever the member is still on the case; every copy made
for the old key pair is destroyed, the member's copy of each case-team key is re-wrapped
or destroyed, and every session of the member ends. Groups the opener cannot open are
taken from the member and queued for ``safepassage rotate-keys`` (decision 0018).

Three openers, one action:

- **the member themself** (:func:`do_replace_own_key_pair`), with the old key pair unlocked
  in the session and their password, which locks the new private key; a new personal
  recovery key is shown to them once;
- **an organisation admin** (:func:`do_replace_colleague_key_pair`) for a colleague who lost
  a device: the admin's own keys open what the admin holds; the new private key is locked
  under a one-time personal recovery key the admin hands over in person, with which the
  colleague sets a new password (the old one stops working);
- **the operator** (``safepassage replace-staff-keys``) with the organisation recovery key,
  which opens every case of the organisation, the same way.
"""

import secrets
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from safepassage.accounts.errors import ColleagueWorksElsewhere, ReplaceOwnKeysInstead
from safepassage.accounts.models import Membership, User, new_session_epoch
from safepassage.audit.actions import record_audit_event
from safepassage.cases.case_key_rotation import holds_values_sealed_to
from safepassage.cases.errors import KeysLocked, NoKeyPair, WrongPassword
from safepassage.cases.key_actions import do_share_team_keys, kdf_parameters, team_id
from safepassage.cases.lock_objects import lock_staff_key_pair
from safepassage.cases.models import (
    Case,
    CaseGroupKey,
    CaseMember,
    HolderKind,
    OrganisationKeyring,
    StaffKeyPair,
    TeamKeyCopy,
)
from safepassage.cases.rotation_actions import do_rotate_case_keys, queue_key_rotation
from safepassage.cases.sealing import case_key_id
from safepassage.core.crypto import (
    CryptoError,
    KeyPair,
    PrivateKey,
    PublicKey,
    SensitiveGroup,
    UserKeyEnrolment,
    enrol_user_keys,
    generate_key_pair,
    unwrap_group_key,
    unwrap_private_key_with_recovery_key,
    unwrap_team_key,
    wrap_group_key,
    wrap_team_key_for_member,
)
from safepassage.organisations.models import Organisation

REPLACE_COLLEAGUE_KEYS = "cases.change_staffkeypair"
"""The permission an organisation admin needs, in every organisation the colleague works for."""


@dataclass(kw_only=True)
class RotationCounts:
    """How much a replacement rotated (counts only)."""

    groups_rotated: int = 0
    cases_waiting: int = 0
    """Cases queued for ``rotate-keys`` (groups the opener could not open)."""
    team_keys_replaced: int = 0
    """Case-team key pairs replaced because the old key pair opened them."""


@dataclass(kw_only=True)
class KeyReplacement(RotationCounts):
    """What a key-pair replacement did (counts only); the secrets stay out of ``repr``."""

    key_pair: KeyPair = field(repr=False)
    personal_recovery_key: str = field(repr=False)
    """Shown once to whoever must hand it to the member (the member, for their own)."""
    cases_rotated: int = 0
    groups_taken: int = 0
    """Groups the member held that the opener could not open: the member lost them (a
    colleague holding them removes and adds the member again) and they wait for
    ``rotate-keys``."""
    team_keys_left: int = 0
    """Case-team keys the old key pair opened that nothing at hand could replace."""


def _stored_key_pair(user: User) -> StaffKeyPair:
    stored = StaffKeyPair.objects.filter(user=user).first()
    if stored is None:
        raise NoKeyPair
    return stored


def check_replace_own_key_pair(*, user: User, password: str, key_pair: KeyPair | None) -> KeyPair:
    """The session must hold the user's current key pair (returned), and the password must
    be theirs."""
    stored = _stored_key_pair(user)
    if key_pair is None or bytes(stored.public_key) != key_pair.public_key.raw:
        raise KeysLocked
    if not user.check_password(password):
        raise WrongPassword
    return key_pair


def do_replace_own_key_pair(*, user: User, password: str, key_pair: KeyPair) -> KeyReplacement:
    """Replace the signed-in user's key pair; the new one opens with the same password.

    Every session of the user ends (a new session epoch): the caller keeps the current one
    (``update_session_auth_hash`` and the new key in the session).
    """
    enrolment = enrol_user_keys(password=password, parameters=kdf_parameters())
    return _replace(
        member=user,
        actor_ref=str(user.public_id),
        enrolment=enrolment,
        opener=key_pair.private_key,
        old_key_pair=key_pair,
        password_unusable=False,
    )


def check_replace_colleague_key_pair(
    *, actor: User, member: User, key_pair: KeyPair | None
) -> KeyPair:
    """An admin replaces a colleague's key pair: not their own, with their keys unlocked,
    and only for a colleague all of whose organisations the admin may do this in."""
    if member.pk == actor.pk:
        raise ReplaceOwnKeysInstead
    _stored_key_pair(member)
    if key_pair is None:
        raise KeysLocked
    organisations = Organisation.objects.filter(
        pk__in=Membership.objects.filter(user=member).values("organisation_id")
    )
    if not all(
        actor.has_perm(REPLACE_COLLEAGUE_KEYS, organisation) for organisation in organisations
    ):
        raise ColleagueWorksElsewhere
    return key_pair


def do_replace_colleague_key_pair(
    *, actor: User, member: User, key_pair: KeyPair
) -> KeyReplacement:
    """Replace ``member``'s key pair with the admin's keys as opener (a lost device).

    The new private key is locked under a random password nobody knows and under a new
    personal recovery key (returned, to hand over in person); the member's password stops
    working, so they set a new one with that key and their authenticator. The admin then
    shares the case-team keys they hold with the member again.
    """
    enrolment = enrol_user_keys(password=secrets.token_urlsafe(32), parameters=kdf_parameters())
    with transaction.atomic():
        result = _replace(
            member=member,
            actor_ref=str(actor.public_id),
            enrolment=enrolment,
            opener=key_pair.private_key,
            old_key_pair=None,
            password_unusable=True,
        )
        do_share_team_keys(user=actor, key_pair=key_pair)
    return result


def do_replace_key_pair_with_recovery_key(
    *, member: User, opener: PrivateKey, actor_ref: str
) -> KeyReplacement:
    """The operator's path (``safepassage replace-staff-keys``): the organisation recovery
    key opens the member's cases of that organisation; as for an admin, the new private key
    opens with the returned personal recovery key until the member sets a new password."""
    enrolment = enrol_user_keys(password=secrets.token_urlsafe(32), parameters=kdf_parameters())
    return _replace(
        member=member,
        actor_ref=actor_ref,
        enrolment=enrolment,
        opener=opener,
        old_key_pair=None,
        password_unusable=True,
    )


def _replace(
    *,
    member: User,
    actor_ref: str,
    enrolment: UserKeyEnrolment,
    opener: PrivateKey,
    old_key_pair: KeyPair | None,
    password_unusable: bool,
) -> KeyReplacement:
    new_pair = unwrap_private_key_with_recovery_key(
        envelope=enrolment.recovery_envelope,
        personal_recovery_key=enrolment.personal_recovery_key,
    )
    result = KeyReplacement(
        key_pair=new_pair, personal_recovery_key=enrolment.personal_recovery_key
    )
    with transaction.atomic():
        stored = lock_staff_key_pair(user_pk=member.pk)
        old_public_key = bytes(stored.public_key)
        stored.public_key = new_pair.public_key.raw
        stored.password_envelope = enrolment.password_envelope
        stored.recovery_envelope = enrolment.recovery_envelope
        stored.created_on = timezone.localdate()
        stored.save(
            update_fields=["public_key", "password_envelope", "recovery_envelope", "created_on"]
        )
        _rotate_held_cases(
            member=member,
            old_public_key=old_public_key,
            actor_ref=actor_ref,
            opener=opener,
            result=result,
        )
        _replace_team_keys(
            member=member,
            old_key_pair=old_key_pair,
            opener=opener,
            actor_ref=actor_ref,
            result=result,
        )
        member.session_epoch = new_session_epoch()
        if password_unusable:
            member.set_unusable_password()
        member.save(update_fields=["session_epoch", "password"])
        record_audit_event(
            actor_ref=actor_ref,
            action="keys.key_pair_replaced",
            object_type="user",
            object_ref=str(member.public_id),
        )
    return result


def do_replace_team_key_pair_with_recovery_key(
    *, organisation: Organisation, opener: PrivateKey, actor_ref: str
) -> RotationCounts:
    """The operator's path for a case-team key pair a replaced key pair opened but that its
    replacement could not replace (another organisation's team): with this organisation's
    recovery key, in one transaction, as :func:`_replace_team_key_pair` does."""
    counts = RotationCounts()
    with transaction.atomic():
        keyring = OrganisationKeyring.objects.select_for_update().get(organisation=organisation)
        if keyring.team_public_key is not None:
            _replace_team_key_pair(
                organisation=organisation,
                keyring=keyring,
                team_opener=opener,
                actor_ref=actor_ref,
                result=counts,
            )
    return counts


def _team_opener(
    *,
    organisation: Organisation,
    keyring: OrganisationKeyring,
    member_copy: TeamKeyCopy,
    old_key_pair: KeyPair | None,
    opener: PrivateKey,
) -> PrivateKey | None:
    """A key that opens the organisation's case-team copies: the old team private key (from
    the member's own copy, or the opener's copy) or the organisation's recovery key."""
    team_public = PublicKey(raw=bytes(keyring.team_public_key or b""))
    candidates: list[tuple[bytes, PrivateKey]] = []
    if old_key_pair is not None:
        candidates.append((bytes(member_copy.envelope), old_key_pair.private_key))
    opener_public = opener.public_key()
    candidates += [
        (bytes(copy.envelope), opener)
        for copy in TeamKeyCopy.objects.filter(
            organisation=organisation,
            user__key_pair__public_key=opener_public.raw,
        )
    ]
    for envelope, private_key in candidates:
        try:
            return unwrap_team_key(
                envelope=envelope,
                member_private_key=private_key,
                team_id=team_id(organisation),
                team_public_key=team_public,
            ).private_key
        except CryptoError:
            continue
    if bytes(keyring.recovery_public_key) == opener_public.raw:
        return opener
    return None


def _replace_team_keys(
    *,
    member: User,
    old_key_pair: KeyPair | None,
    opener: PrivateKey,
    actor_ref: str,
    result: KeyReplacement,
) -> None:
    """The old key pair opened the case-team key of each organisation it held a copy of, so
    that team key pair is replaced too (:func:`_replace_team_key_pair`). Where nothing at
    hand opens the team copies (another organisation's, for the operator), the member's old
    copy is kept and counted in ``team_keys_left``: it shows that team key is still to be
    replaced, by the same command with that organisation's recovery key."""
    for member_copy in TeamKeyCopy.objects.filter(user=member).select_related("organisation"):
        organisation = member_copy.organisation
        keyring = OrganisationKeyring.objects.select_for_update().get(organisation=organisation)
        team_opener = (
            None
            if keyring.team_public_key is None
            else _team_opener(
                organisation=organisation,
                keyring=keyring,
                member_copy=member_copy,
                old_key_pair=old_key_pair,
                opener=opener,
            )
        )
        if team_opener is None:
            result.team_keys_left += 1
            continue
        _replace_team_key_pair(
            organisation=organisation,
            keyring=keyring,
            team_opener=team_opener,
            actor_ref=actor_ref,
            result=result,
        )


def _replace_team_key_pair(
    *,
    organisation: Organisation,
    keyring: OrganisationKeyring,
    team_opener: PrivateKey,
    actor_ref: str,
    result: RotationCounts,
) -> None:
    """Rotate every case the team key holds copies of (with ``team_opener``: the old team
    private key or the recovery key), re-wrap those copies for a new team key pair, and wrap
    the new team private key for every team member (the member's new key pair included)."""
    old_fingerprint = PublicKey(raw=bytes(keyring.team_public_key or b"")).fingerprint
    team_copies = CaseGroupKey.objects.filter(recipient_fingerprint=old_fingerprint)
    case_ids = sorted(set(team_copies.values_list("case_id", flat=True)))
    for case in Case.objects.filter(pk__in=case_ids).select_related("organisation").order_by("pk"):
        groups = {
            SensitiveGroup(group)
            for group in team_copies.filter(case=case).values_list("group", flat=True)
        }
        rotation = do_rotate_case_keys(
            case=case, opener=team_opener, actor_ref=actor_ref, groups=groups
        )
        result.groups_rotated += rotation.groups_rotated
        if rotation.groups_without_key:
            queue_key_rotation(case=case, actor_ref=actor_ref)
            result.cases_waiting += 1
    new_team = generate_key_pair()
    opener_fingerprint = team_opener.public_key().fingerprint
    for copy in team_copies.select_related("case").order_by("pk"):
        source = CaseGroupKey.objects.filter(
            case=copy.case,
            group=copy.group,
            version=copy.version,
            recipient_fingerprint=opener_fingerprint,
        ).first()
        try:
            if source is None:
                raise CryptoError
            key = unwrap_group_key(
                envelope=bytes(source.envelope),
                private_key=team_opener,
                case_id=case_key_id(copy.case),
                group=SensitiveGroup(copy.group),
            )
        except CryptoError:
            copy.delete()  # nothing opens it: the team loses this group (recovery still has it)
            continue
        copy.envelope = wrap_group_key(key=key, recipient=new_team.public_key)
        copy.recipient_fingerprint = new_team.public_key.fingerprint
        copy.save(update_fields=["envelope", "recipient_fingerprint"])
    keyring.team_public_key = new_team.public_key.raw
    keyring.save(update_fields=["team_public_key"])
    for holder in TeamKeyCopy.objects.filter(organisation=organisation).select_related(
        "user__key_pair"
    ):
        holder.envelope = wrap_team_key_for_member(
            team_key_pair=new_team,
            team_id=team_id(organisation),
            member=PublicKey(raw=bytes(holder.user.key_pair.public_key)),
        )
        holder.save(update_fields=["envelope"])
    result.team_keys_replaced += 1
    record_audit_event(
        actor_ref=actor_ref,
        action="keys.team_key_replaced",
        object_type="organisation",
        object_ref=str(organisation.public_id),
        organisation_ref=str(organisation.public_id),
    )


def _rotate_held_cases(
    *,
    member: User,
    old_public_key: bytes,
    actor_ref: str,
    opener: PrivateKey,
    result: KeyReplacement,
) -> None:
    """Rotate every group the old key pair held, give the member the new versions where
    they are still on the case, destroy every old copy, queue what the opener cannot open.

    The member's key pair row already holds the new public key, so the rotation does not
    carry the old copies over; it files unfiled applicant messages the opener opens.
    """
    held: dict[int, set[SensitiveGroup]] = {}
    referral_of: dict[tuple[int, SensitiveGroup], int | None] = {}
    for copy in CaseGroupKey.objects.filter(user=member, holder_kind=HolderKind.USER):
        group = SensitiveGroup(copy.group)
        held.setdefault(copy.case_id, set()).add(group)
        referral_of[(copy.case_id, group)] = copy.referral_id
    on_case = set(
        CaseMember.objects.filter(user=member, case_id__in=list(held)).values_list(
            "case_id", flat=True
        )
    )
    entitled = member.is_active
    new_public = result.key_pair.public_key
    old_fingerprint = PublicKey(raw=old_public_key).fingerprint
    for case in (
        Case.objects.filter(pk__in=list(held)).select_related("organisation").order_by("pk")
    ):
        rotation = do_rotate_case_keys(
            case=case, opener=opener, actor_ref=actor_ref, groups=held[case.pk]
        )
        if entitled and case.pk in on_case:
            CaseGroupKey.objects.bulk_create(
                CaseGroupKey(
                    case=case,
                    group=group.value,
                    version=new.version,
                    holder_kind=HolderKind.USER,
                    user=member,
                    referral_id=referral_of.get((case.pk, group)),
                    recipient_fingerprint=new_public.fingerprint,
                    envelope=wrap_group_key(key=new, recipient=new_public),
                )
                for group, (_old, new) in rotation.keys.items()
            )
        taken = CaseGroupKey.objects.filter(case=case, user=member).exclude(
            recipient_fingerprint=new_public.fingerprint
        )
        result.groups_taken += len(set(taken.values_list("group", flat=True)))
        taken.delete()
        result.groups_rotated += rotation.groups_rotated
        result.cases_rotated += 1 if rotation.groups_rotated else 0
        # An unfiled applicant message sealed to the old key and not to the opener is
        # filed by the recovery key's rotation (``rotate-keys``).
        if rotation.groups_without_key or holds_values_sealed_to(case, old_fingerprint):
            queue_key_rotation(case=case, actor_ref=actor_ref)
            result.cases_waiting += 1
