"""Removing a member from an organisation (organisation admins; SR-23, SR-25): someone who
left, or whose account or device may be in someone else's hands.

In one transaction: the member is taken off every case they reach through the organisation
(its own cases and those referred to it), every wrapped case key they held there is
destroyed and each such case is queued for ``safepassage rotate-keys`` (a copy of a key they
kept could still open what is stored until then, as when a colleague is removed from a case
without the remover's keys); their copy of the organisation's case-team key is destroyed, so
they cannot take new requests; their membership ends and every session of theirs ends.
Audited as ``membership.removed`` (and ``case.member_removed`` on each case). Their account
stays: they may work for another organisation.

Only what the organisation controls goes. Someone may work for two partner organisations:
on a case of the organisation, the copies a referral to another organisation gave them stay
(that organisation gave them); on a case referred to the organisation, only the copies of
that referral go, not the ones its own organisation gave them. They stay on a case while
they still hold a key to it that another organisation gave them.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from safepassage.accounts.errors import LastAdminRefused, RemoveYourselfRefused
from safepassage.accounts.models import Membership, User, new_session_epoch
from safepassage.accounts.roles import Role
from safepassage.audit.actions import record_audit_event
from safepassage.cases.case_audit import record_case_event
from safepassage.cases.models import Case, CaseGroupKey, CaseMember, TeamKeyCopy


@dataclass(frozen=True, kw_only=True)
class RemovedMember:
    cases_left: int
    """Cases the member was taken off."""
    codes_without_anyone: list[str]
    """Codes of those cases nobody works on any more (only the recovery key opens them)."""


def check_remove_member(*, actor: User, membership: Membership) -> None:
    """Refuse removing oneself and the organisation's last admin."""
    if membership.user_id == actor.pk:
        raise RemoveYourselfRefused
    if (
        membership.role == Role.ADMIN
        and not Membership.objects.filter(organisation=membership.organisation, role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise LastAdminRefused


def do_remove_member(*, actor: User, membership: Membership) -> RemovedMember:
    """End ``membership`` and everything it opened (see the module docstring)."""
    from safepassage.cases.rotation_actions import (  # rotation imports every app's columns
        queue_key_rotation,
    )

    organisation, member = membership.organisation, membership.user
    actor_ref = str(actor.public_id)
    with transaction.atomic():
        # The organisation's admins and this membership, locked in primary-key order: two
        # admins removing each other at once cannot both pass the last-admin check.
        locked_rows = {
            row.pk: row
            for row in Membership.objects.select_for_update()
            .filter(Q(organisation=organisation, role=Role.ADMIN) | Q(pk=membership.pk))
            .order_by("pk")
        }
        locked = locked_rows.get(membership.pk)
        if locked is None:  # removed meanwhile (a second click): nothing left to do
            return RemovedMember(cases_left=0, codes_without_anyone=[])
        check_remove_member(actor=actor, membership=locked)
        # The member's copies the organisation gave: on its own cases those made for it (no
        # referral), on cases referred to it those of the referral.
        given_here = Q(case__organisation=organisation, referral__isnull=True) | Q(
            referral__to_organisation=organisation
        )
        reached = (
            Case.objects.filter(
                Q(organisation=organisation, members__user=member)
                | Q(group_keys__in=CaseGroupKey.objects.filter(given_here, user=member))
            )
            .select_related("organisation")
            .distinct()
            .order_by("pk")
        )
        codes_without_anyone = []
        cases_left = 0
        for case in reached:
            copies = CaseGroupKey.objects.filter(given_here, case=case, user=member)
            held = copies.exists()
            copies.delete()
            stays = CaseGroupKey.objects.filter(case=case, user=member).exists()
            if not stays:
                CaseMember.objects.filter(case=case, user=member).delete()
            if not held and stays:
                continue
            record_case_event(actor_ref=actor_ref, action="case.member_removed", case=case)
            if held:
                queue_key_rotation(case=case, actor_ref=actor_ref)
            if not CaseMember.objects.filter(case=case).exists():
                codes_without_anyone.append(case.code)
            cases_left += 1
        TeamKeyCopy.objects.filter(organisation=organisation, user=member).delete()
        locked.delete()
        member.session_epoch = new_session_epoch()
        member.save(update_fields=["session_epoch"])
        record_audit_event(
            actor_ref=actor_ref,
            action="membership.removed",
            object_type="user",
            object_ref=str(member.public_id),
            organisation_ref=str(organisation.public_id),
        )
    return RemovedMember(cases_left=cases_left, codes_without_anyone=codes_without_anyone)
