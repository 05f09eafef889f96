"""Writes of the pathways app: each ``do_*`` is one transaction with its audit event.

Audit events carry public ids only (pathway, case, contact, visa type), never country
notes, contact names or any other value.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.audit.actions import record_audit_event
from safepassage.cases.models import Case
from safepassage.organisations.models import Organisation
from safepassage.pathways.countries import is_country_code
from safepassage.pathways.errors import (
    CaseAlreadyLinked,
    CaseNotLinked,
    CaseOfAnotherOrganisation,
    PathwayExists,
    QuotaOverUsed,
    UnknownCountry,
)
from safepassage.pathways.lock_objects import lock_pathway
from safepassage.pathways.models import (
    CasePathway,
    Pathway,
    PathwayContact,
    PathwayQuota,
    VisaType,
)
from safepassage.pathways.sealing import seal_contact_details, seal_notes


def _audit(
    *, actor: User, action: str, object_type: str, object_ref: str, pathway: Pathway
) -> None:
    record_audit_event(
        actor_ref=str(actor.public_id),
        action=action,
        object_type=object_type,
        object_ref=object_ref,
        organisation_ref=str(pathway.organisation.public_id),
    )


def check_create_pathway(*, organisation: Organisation, country: str) -> None:
    if not is_country_code(country):
        raise UnknownCountry
    if Pathway.objects.filter(organisation=organisation, country=country).exists():
        raise PathwayExists


def do_create_pathway(
    *, actor: User, organisation: Organisation, country: str, stance: str, notes: str
) -> Pathway:
    """Open the organisation's board for ``country`` (checked by ``check_create_pathway``)."""
    with transaction.atomic():
        pathway = Pathway(
            organisation=organisation,
            country=country,
            stance=stance,
            stance_changed_on=timezone.localdate(),
        )
        pathway.notes = seal_notes(model="pathways.Pathway", row_id=pathway.public_id, text=notes)
        pathway.save()
        _audit(
            actor=actor,
            action="pathway.created",
            object_type="pathway",
            object_ref=str(pathway.public_id),
            pathway=pathway,
        )
    return pathway


def do_update_pathway(*, actor: User, pathway: Pathway, stance: str, notes: str) -> Pathway:
    """Change the stance (dated to the day when it changes) and replace the notes."""
    with transaction.atomic():
        locked = lock_pathway(pathway=pathway)
        if locked.stance != stance:
            locked.stance = stance
            locked.stance_changed_on = timezone.localdate()
        locked.notes = seal_notes(model="pathways.Pathway", row_id=locked.public_id, text=notes)
        locked.save(update_fields=["stance", "stance_changed_on", "notes"])
        _audit(
            actor=actor,
            action="pathway.updated",
            object_type="pathway",
            object_ref=str(locked.public_id),
            pathway=pathway,
        )
    return locked


@dataclass(frozen=True, kw_only=True)
class ContactDetails:
    name: str
    affiliation: str
    reach: str


def do_add_contact(
    *, actor: User, pathway: Pathway, kind: str, details: ContactDetails
) -> PathwayContact:
    """Add an official or NGO contact; name and details are sealed before they are stored."""
    with transaction.atomic():
        contact = PathwayContact(pathway=pathway, kind=kind, added_on=timezone.localdate())
        contact.details = seal_contact_details(
            contact_id=contact.public_id,
            details={
                "name": details.name,
                "affiliation": details.affiliation,
                "reach": details.reach,
            },
        )
        contact.save()
        _audit(
            actor=actor,
            action="pathway.contact_added",
            object_type="pathway_contact",
            object_ref=str(contact.public_id),
            pathway=pathway,
        )
    return contact


def do_remove_contact(*, actor: User, contact: PathwayContact) -> None:
    with transaction.atomic():
        reference = str(contact.public_id)
        contact.delete()
        _audit(
            actor=actor,
            action="pathway.contact_removed",
            object_type="pathway_contact",
            object_ref=reference,
            pathway=contact.pathway,
        )


def do_add_visa_type(
    *, actor: User, pathway: Pathway, name: str, typical_processing_days: int | None, notes: str
) -> VisaType:
    with transaction.atomic():
        visa = VisaType(pathway=pathway, name=name, typical_processing_days=typical_processing_days)
        visa.notes = seal_notes(model="pathways.VisaType", row_id=visa.public_id, text=notes)
        visa.save()
        _audit(
            actor=actor,
            action="pathway.visa_type_added",
            object_type="visa_type",
            object_ref=str(visa.public_id),
            pathway=pathway,
        )
    return visa


def do_remove_visa_type(*, actor: User, visa_type: VisaType) -> None:
    with transaction.atomic():
        reference = str(visa_type.public_id)
        visa_type.delete()
        _audit(
            actor=actor,
            action="pathway.visa_type_removed",
            object_type="visa_type",
            object_ref=reference,
            pathway=visa_type.pathway,
        )


def check_set_quota(*, total: int, used: int) -> None:
    if used > total:
        raise QuotaOverUsed


def do_set_quota(
    *, actor: User, pathway: Pathway, year: int, total: int, used: int
) -> PathwayQuota:
    """Set (or replace) the places offered in ``year`` and how many are used."""
    with transaction.atomic():
        lock_pathway(pathway=pathway)
        quota, _created = PathwayQuota.objects.update_or_create(
            pathway=pathway, year=year, defaults={"total": total, "used": used}
        )
        _audit(
            actor=actor,
            action="pathway.quota_set",
            object_type="pathway",
            object_ref=str(pathway.public_id),
            pathway=pathway,
        )
    return quota


def _audit_link(*, actor: User, action: str, case: Case, pathway: Pathway) -> None:
    """A link names two objects; the audit reference holds one id, so record it on both."""
    _audit(
        actor=actor,
        action=f"pathway.{action}",
        object_type="pathway",
        object_ref=str(pathway.public_id),
        pathway=pathway,
    )
    _audit(
        actor=actor,
        action=f"case.pathway_{action.removeprefix('case_')}",
        object_type="case",
        object_ref=str(case.public_id),
        pathway=pathway,
    )


def check_link_case(*, case: Case, pathway: Pathway) -> None:
    if case.organisation_id != pathway.organisation_id:
        raise CaseOfAnotherOrganisation
    if CasePathway.objects.filter(case=case, pathway=pathway).exists():
        raise CaseAlreadyLinked


def do_link_case(*, actor: User, case: Case, pathway: Pathway) -> CasePathway:
    """Put ``case`` on the pathway's waiting list (checked by ``check_link_case``)."""
    with transaction.atomic():
        lock_pathway(pathway=pathway)
        # Checked again under the lock: two identical requests may both have passed the
        # view's check; the unique constraint covers a database without row locks.
        check_link_case(case=case, pathway=pathway)
        try:
            with transaction.atomic():
                link = CasePathway.objects.create(
                    case=case, pathway=pathway, linked_on=timezone.localdate()
                )
        except IntegrityError:
            raise CaseAlreadyLinked from None
        _audit_link(actor=actor, action="case_linked", case=case, pathway=pathway)
    return link


def check_unlink_case(*, case: Case, pathway: Pathway) -> None:
    if not CasePathway.objects.filter(case=case, pathway=pathway).exists():
        raise CaseNotLinked


def do_unlink_case(*, actor: User, case: Case, pathway: Pathway) -> None:
    with transaction.atomic():
        lock_pathway(pathway=pathway)
        check_unlink_case(case=case, pathway=pathway)  # again, under the lock
        CasePathway.objects.filter(case=case, pathway=pathway).delete()
        _audit_link(actor=actor, action="case_unlinked", case=case, pathway=pathway)
