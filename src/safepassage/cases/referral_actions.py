"""Referrals of a case to a partner organisation (SR-28), audited on both sides.

- :func:`do_refer_case`: re-wrap the chosen group keys (the referrer's own copies) to the
  receiving organisation's case-team and recovery public keys, with consent sealed under
  the narrative key. If the sender does not keep access, the case is handed over: it moves
  to the receiving organisation, and every copy the sending side held (its members', its
  team's, its recovery key's) and every membership of its staff is deleted in the same
  transaction.
- :func:`do_accept_referral`: a receiving case-team member opens the team copies with the
  team key, gets their own copies and joins the case; the team copies go.
- :func:`do_revoke_referral`: the sender takes a kept-access referral back; every copy made
  for the receiving side and their memberships go (not retroactive: see encryption.md).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.audit.actions import SYSTEM_ACTOR, record_audit_event
from safepassage.cases.errors import (
    AlreadyHoldsCaseKeys,
    NoCaseKey,
    NotPartners,
    PartnerHasNoCaseTeam,
    ReferralClosed,
    ReferralExists,
)
from safepassage.cases.key_actions import team_id
from safepassage.cases.lock_objects import lock_case, lock_case_referral
from safepassage.cases.models import (
    Case,
    CaseGroupKey,
    CaseMember,
    CaseReferral,
    HolderKind,
    OrganisationKeyring,
    TeamKeyCopy,
)
from safepassage.cases.sealing import (
    case_key_id,
    referral_consent_context,
    seal_json,
    unwrap_user_group_keys,
)
from safepassage.core.crypto import (
    CryptoError,
    KeyPair,
    PublicKey,
    SensitiveGroup,
    rewrap_group_key,
    unwrap_team_key,
    wrap_group_key,
)
from safepassage.organisations.models import Organisation, OrganisationKind, Partnership


@dataclass(frozen=True, kw_only=True)
class Consent:
    """How the person agreed to the referral. Sealed; never in the audit trail."""

    given_by: str = field(repr=False)
    given_on: datetime.date
    how_obtained: str = field(repr=False)


def _audit(*, actor: User, action: str, case: Case, organisation: Organisation) -> None:
    record_audit_event(
        actor_ref=str(actor.public_id),
        action=action,
        object_type="case",
        object_ref=str(case.public_id),
        organisation_ref=str(organisation.public_id),
    )


def _audit_both_sides(*, actor: User, action: str, referral: CaseReferral) -> None:
    for side, organisation in (
        ("sent", referral.from_organisation),
        ("received", referral.to_organisation),
    ):
        _audit(
            actor=actor, action=f"{action}.{side}", case=referral.case, organisation=organisation
        )


def is_active(referral: CaseReferral, *, today: datetime.date | None = None) -> bool:
    """Neither revoked nor past its expiry day."""
    day = today or timezone.localdate()
    return referral.revoked_on is None and (
        referral.expires_on is None or referral.expires_on >= day
    )


def list_partner_organisations(*, organisation: Organisation) -> list[Organisation]:
    """Organisations that ``organisation`` lists as partners and that list it back, and that
    run cases: case organisations, and others with a case team (a fund doing casework).
    Funds and event organisers without one are partners for campaigns and events only."""
    listed = Partnership.objects.filter(organisation=organisation).values_list(
        "partner_id", flat=True
    )
    back = Partnership.objects.filter(partner=organisation).values_list(
        "organisation_id", flat=True
    )
    return list(
        Organisation.objects.filter(pk__in=set(listed) & set(back))
        .filter(
            Q(kind=OrganisationKind.CASE_ORGANISATION) | Q(keyring__team_public_key__isnull=False)
        )
        .distinct()
        .order_by("name", "pk")
    )


def _partner_keys(organisation: Organisation) -> tuple[PublicKey, PublicKey]:
    keyring = OrganisationKeyring.objects.filter(organisation=organisation).first()
    if keyring is None or keyring.team_public_key is None:
        raise PartnerHasNoCaseTeam
    return (
        PublicKey(raw=bytes(keyring.team_public_key)),
        PublicKey(raw=bytes(keyring.recovery_public_key)),
    )


def check_refer_case(*, case: Case, to_organisation: Organisation) -> None:
    if to_organisation not in list_partner_organisations(organisation=case.organisation):
        raise NotPartners
    _partner_keys(to_organisation)
    open_referrals = CaseReferral.objects.filter(
        case=case, to_organisation=to_organisation, revoked_on__isnull=True
    )
    if any(is_active(referral) for referral in open_referrals):
        raise ReferralExists


def do_refer_case(
    *,
    actor: User,
    key_pair: KeyPair,
    case: Case,
    to_organisation: Organisation,
    groups: Iterable[SensitiveGroup],
    consent: Consent,
    sender_keeps_access: bool,
    expires_on: datetime.date | None,
) -> CaseReferral:
    """Refer ``case`` to a partner (assumes :func:`check_refer_case`).

    Shares the narrative key always (the consent is sealed under it) and the other chosen
    groups; a handover (``sender_keeps_access=False``) shares every group the actor holds,
    since the sending side's copies are destroyed.
    """
    held = unwrap_user_group_keys(case=case, user=actor, key_pair=key_pair)
    chosen = set(held) if not sender_keeps_access else {*groups, SensitiveGroup.NARRATIVE}
    if not chosen <= set(held):
        raise NoCaseKey
    team_public, recovery_public = _partner_keys(to_organisation)
    from_organisation = case.organisation
    referral = CaseReferral(
        case=case,
        from_organisation=from_organisation,
        to_organisation=to_organisation,
        referred_by=actor,
        referred_on=timezone.localdate(),
        sender_keeps_access=sender_keeps_access,
        expires_on=expires_on if sender_keeps_access else None,
    )
    referral.consent = seal_json(
        key=held[SensitiveGroup.NARRATIVE],
        field_context=referral_consent_context(referral),
        values={
            "given_by": consent.given_by,
            "given_on": consent.given_on.isoformat(),
            "how_obtained": consent.how_obtained,
        },
    )
    copies = [
        CaseGroupKey(
            case=case,
            group=group.value,
            version=held[group].version,
            holder_kind=kind,
            recipient_fingerprint=recipient.fingerprint,
            envelope=wrap_group_key(key=held[group], recipient=recipient),
            referral=referral,
        )
        for group in sorted(chosen)
        for kind, recipient in (
            (HolderKind.TEAM, team_public),
            (HolderKind.RECOVERY, recovery_public),
        )
    ]
    with transaction.atomic():
        locked = lock_case(case=case)
        # again under the lock: the same form sent twice at once (a double click) is
        # refused as already referred instead of failing on the second copy of the keys
        check_refer_case(case=locked, to_organisation=to_organisation)
        referral.case = locked
        referral.save()
        CaseGroupKey.objects.bulk_create(copies)
        if not sender_keeps_access:
            CaseGroupKey.objects.filter(case=locked, referral__isnull=True).delete()
            CaseMember.objects.filter(case=locked).delete()
            locked.organisation = to_organisation
            locked.save(update_fields=["organisation"])
        _audit_both_sides(
            actor=actor,
            action="case.referred" if sender_keeps_access else "case.handed_over",
            referral=referral,
        )
    case.organisation = locked.organisation
    return referral


def check_accept_referral(*, referral: CaseReferral) -> None:
    if referral.accepted_on is not None or not is_active(referral):
        raise ReferralClosed


def do_accept_referral(*, actor: User, key_pair: KeyPair, referral: CaseReferral) -> None:
    """A receiving case-team member takes the referral: own copies of the shared keys."""
    organisation = referral.to_organisation
    team_copy = TeamKeyCopy.objects.filter(organisation=organisation, user=actor).first()
    keyring = OrganisationKeyring.objects.filter(organisation=organisation).first()
    if team_copy is None or keyring is None or keyring.team_public_key is None:
        raise NoCaseKey
    case = referral.case
    try:
        team = unwrap_team_key(
            envelope=bytes(team_copy.envelope),
            member_private_key=key_pair.private_key,
            team_id=team_id(organisation),
            team_public_key=PublicKey(raw=bytes(keyring.team_public_key)),
        )
        team_copies = list(referral.wrapped_keys.filter(holder_kind=HolderKind.TEAM))
        own = [
            CaseGroupKey(
                case=case,
                group=copy.group,
                version=copy.version,
                holder_kind=HolderKind.USER,
                user=actor,
                recipient_fingerprint=key_pair.public_key.fingerprint,
                envelope=rewrap_group_key(
                    envelope=bytes(copy.envelope),
                    private_key=team.private_key,
                    case_id=case_key_id(case),
                    group=SensitiveGroup(copy.group),
                    recipient=key_pair.public_key,
                ),
                referral=referral,
            )
            for copy in team_copies
        ]
    except CryptoError:
        raise NoCaseKey from None
    with transaction.atomic():
        locked = lock_case_referral(referral=referral)
        check_accept_referral(referral=locked)
        # Someone of both organisations may already hold the case's keys (the referring
        # side's copies): a second copy to the same key pair cannot be stored.
        already = set(
            CaseGroupKey.objects.filter(
                case=case, recipient_fingerprint=key_pair.public_key.fingerprint
            ).values_list("group", "version")
        )
        if any((copy.group, copy.version) in already for copy in own):
            raise AlreadyHoldsCaseKeys
        CaseMember.objects.get_or_create(
            case=case, user=actor, defaults={"added_on": timezone.localdate()}
        )
        CaseGroupKey.objects.bulk_create(own)
        locked.wrapped_keys.filter(holder_kind=HolderKind.TEAM).delete()
        locked.accepted_by = actor
        locked.accepted_on = timezone.localdate()
        locked.save(update_fields=["accepted_by", "accepted_on"])
        _audit_both_sides(actor=actor, action="case.referral_accepted", referral=locked)
    referral.accepted_on = locked.accepted_on


def check_revoke_referral(*, referral: CaseReferral) -> None:
    if referral.revoked_on is not None or not referral.sender_keeps_access:
        raise ReferralClosed


def _end_referral(*, locked: CaseReferral) -> None:
    """Delete every copy made for the receiving side and the memberships it gave."""
    receivers = set(
        locked.wrapped_keys.filter(user__isnull=False).values_list("user_id", flat=True)
    )
    locked.wrapped_keys.all().delete()
    still_holding = set(
        CaseGroupKey.objects.filter(case=locked.case, user_id__in=receivers).values_list(
            "user_id", flat=True
        )
    )
    CaseMember.objects.filter(case=locked.case, user_id__in=receivers - still_holding).delete()
    locked.revoked_on = timezone.localdate()
    locked.save(update_fields=["revoked_on"])


def do_revoke_referral(
    *, actor: User, referral: CaseReferral, key_pair: KeyPair | None = None
) -> None:
    """End a kept-access referral: the receiving side's copies and memberships go.

    With the actor's unlocked ``key_pair``, the groups shared with the partner are rotated
    in the same transaction (SR-11), so keys the partner kept open nothing stored from now
    on (``cases.rotation_actions``); an expired referral waits for ``rotate-keys``.
    """
    from safepassage.cases.rotation_actions import (
        do_rotate_case_keys,  # rotation imports every app's sealed columns
    )

    with transaction.atomic():
        lock_case(case=referral.case)  # the case before the referral, as the rotation does
        locked = lock_case_referral(referral=referral)
        check_revoke_referral(referral=locked)
        shared = {
            SensitiveGroup(group) for group in locked.wrapped_keys.values_list("group", flat=True)
        }
        _end_referral(locked=locked)
        _audit_both_sides(actor=actor, action="case.referral_revoked", referral=locked)
        if key_pair is not None and shared:
            do_rotate_case_keys(
                case=locked.case,
                opener=key_pair.private_key,
                actor_ref=str(actor.public_id),
                groups=shared,
            )
    referral.revoked_on = locked.revoked_on


def do_end_expired_referrals(*, today: datetime.date | None = None) -> int:
    """End every referral past its last day (daily task); returns how many."""
    day = today or timezone.localdate()
    ended = 0
    for referral in CaseReferral.objects.filter(
        revoked_on__isnull=True, expires_on__lt=day
    ).order_by("pk"):
        with transaction.atomic():
            locked = lock_case_referral(referral=referral)
            if locked.revoked_on is not None:
                continue
            _end_referral(locked=locked)
            for organisation in (locked.from_organisation, locked.to_organisation):
                record_audit_event(
                    actor_ref=SYSTEM_ACTOR,
                    action="case.referral_expired",
                    object_type="case",
                    object_ref=str(locked.case.public_id),
                    organisation_ref=str(organisation.public_id),
                )
        ended += 1
    return ended
