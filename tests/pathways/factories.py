"""Pathways and clear (keyless) cases for the pathways tests."""

from django.utils import timezone

from safepassage.cases.actions import new_case_code
from safepassage.cases.models import Case, CaseMember
from safepassage.organisations.models import Organisation
from safepassage.pathways.models import CasePathway, Pathway, PathwayContact, Stance, VisaType


def make_pathway(
    *, organisation: Organisation, country: str = "LT", stance: str = Stance.PLEDGED
) -> Pathway:
    return Pathway.objects.create(
        organisation=organisation,
        country=country,
        stance=stance,
        stance_changed_on=timezone.localdate(),
    )


def make_clear_case(
    *,
    organisation: Organisation,
    state: str = "approved",
    party_size: int = 1,
    members: tuple[object, ...] = (),
) -> Case:
    """A case with workflow fields only (no sealed values): enough for pathway pages."""
    today = timezone.localdate()
    case = Case.objects.create(
        organisation=organisation,
        code=new_case_code(),
        state=state,
        party_size=party_size,
        opened_on=today,
        state_changed_on=today,
    )
    CaseMember.objects.bulk_create(
        CaseMember(case=case, user=member, added_on=today)  # type: ignore[misc]  # User rows
        for member in members
    )
    return case


def link(*, case: Case, pathway: Pathway) -> CasePathway:
    return CasePathway.objects.create(case=case, pathway=pathway, linked_on=timezone.localdate())


def matrix_pathway(*, organisation: Organisation, case: Case) -> Pathway:
    """The organisation's Lithuanian pathway with one contact and one visa type and ``case``
    waiting on it, created once (the permission matrix asks for it per URL)."""
    pathway = Pathway.objects.filter(organisation=organisation, country="LT").first()
    if pathway is None:
        pathway = make_pathway(organisation=organisation, country="LT")
        PathwayContact.objects.create(
            pathway=pathway, kind="official", added_on=timezone.localdate(), details=b""
        )
        VisaType.objects.create(pathway=pathway, name="D (humanitarian)")
        link(case=case, pathway=pathway)
    return pathway
