"""Reads of the pathways app.

``acceptable_destination_countries`` is the contract with travel planning: the countries a
case's travel may be planned to. Lists show only clear workflow fields of cases (case
code, state, priority, party size); nothing of a case is decrypted here.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.accounts.roles import ROLE_PERMISSIONS
from safepassage.cases.models import Case, CaseState
from safepassage.organisations.models import Organisation
from safepassage.pathways.countries import country_name
from safepassage.pathways.models import (
    ACCEPTING_STANCES,
    CasePathway,
    Pathway,
    PathwayContact,
    PathwayQuota,
    VisaType,
)
from safepassage.pathways.sealing import open_contact_details, open_notes

WAITING_STATES = frozenset(
    {
        CaseState.NEW,
        CaseState.TRIAGED,
        CaseState.VETTING,
        CaseState.APPROVED,
        CaseState.DOCUMENTS_VISA,
        CaseState.TRAVEL_PLANNED,
        CaseState.TICKETED,
    }
)
"""States of a case that has not left yet and may still be waiting on a country."""


def acceptable_destination_countries(*, case: Case) -> list[str]:
    """ISO 3166-1 alpha-2 codes the case's travel may be planned to, sorted.

    The countries of the pathways linked to the case; when none is linked, those of the
    case organisation's pathways whose stance is pledged or negotiating.
    """
    linked = Pathway.objects.filter(case_links__case=case).values_list("country", flat=True)
    countries = set(linked)
    if not countries:
        countries = set(
            Pathway.objects.filter(
                organisation_id=case.organisation_id, stance__in=sorted(ACCEPTING_STANCES)
            ).values_list("country", flat=True)
        )
    return sorted(countries)


def list_pathway_organisations(*, user: User, permission: str) -> list[Organisation]:
    """Organisations in which ``user``'s role grants ``permission``, by name."""
    return sorted(
        (
            membership.organisation
            for membership in user.memberships.select_related("organisation")
            if permission in ROLE_PERMISSIONS.get(membership.role, frozenset())
        ),
        key=lambda organisation: organisation.name,
    )


@dataclass(frozen=True, kw_only=True)
class BoardRow:
    pathway: Pathway
    country_name: str
    quota: PathwayQuota | None
    waiting: int


def list_board(*, user: User, year: int | None = None) -> list[BoardRow]:
    """Every pathway of the organisations where ``user`` may view pathways, with this year's
    quota and the number of cases waiting on it; pledged first, then by country name."""
    year = year or timezone.localdate().year
    organisations = list_pathway_organisations(user=user, permission="pathways.view_pathway")
    pathways = (
        Pathway.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .annotate(
            waiting=Count(
                "case_links", filter=Q(case_links__case__state__in=sorted(WAITING_STATES))
            )
        )
    )
    quotas = {
        quota.pathway_id: quota
        for quota in PathwayQuota.objects.filter(pathway__in=pathways, year=year)
    }
    order = {stance: index for index, stance in enumerate(("pledged", "negotiating", "no_action"))}
    rows = [
        BoardRow(
            pathway=pathway,
            country_name=country_name(pathway.country),
            quota=quotas.get(pathway.pk),
            waiting=pathway.waiting,
        )
        for pathway in pathways
    ]
    return sorted(
        rows,
        key=lambda row: (
            row.pathway.organisation.name,
            order[row.pathway.stance],
            row.country_name,
        ),
    )


@dataclass(frozen=True, kw_only=True)
class OpenedContact:
    public_id: str
    kind: str
    added_on: date
    details: dict[str, str] = field(repr=False)


@dataclass(frozen=True, kw_only=True)
class OpenedVisaType:
    public_id: str
    name: str
    typical_processing_days: int | None
    notes: str = field(repr=False)


@dataclass(frozen=True, kw_only=True)
class PathwayDetail:
    pathway: Pathway
    country_name: str
    notes: str = field(repr=False)
    contacts: list[OpenedContact] = field(repr=False)
    visa_types: list[OpenedVisaType]
    quotas: list[PathwayQuota]
    cases: list[Case]


def get_pathway_detail(*, pathway: Pathway) -> PathwayDetail:
    """Everything on a country's board, contacts and notes opened (staff pages only)."""
    contacts = [
        OpenedContact(
            public_id=str(contact.public_id),
            kind=contact.get_kind_display(),
            added_on=contact.added_on,
            details=open_contact_details(contact_id=contact.public_id, envelope=contact.details),
        )
        for contact in PathwayContact.objects.filter(pathway=pathway).order_by("added_on", "pk")
    ]
    visa_types = [
        OpenedVisaType(
            public_id=str(visa.public_id),
            name=visa.name,
            typical_processing_days=visa.typical_processing_days,
            notes=open_notes(model="pathways.VisaType", row_id=visa.public_id, envelope=visa.notes),
        )
        for visa in VisaType.objects.filter(pathway=pathway).order_by("name", "pk")
    ]
    return PathwayDetail(
        pathway=pathway,
        country_name=country_name(pathway.country),
        notes=open_notes(
            model="pathways.Pathway", row_id=pathway.public_id, envelope=pathway.notes
        ),
        contacts=contacts,
        visa_types=visa_types,
        quotas=list(PathwayQuota.objects.filter(pathway=pathway).order_by("-year")),
        cases=list(list_pathway_cases(pathway=pathway)),
    )


def list_pathway_cases(*, pathway: Pathway) -> QuerySet[Case]:
    """Cases linked to ``pathway`` (clear workflow fields only), waiting ones first by urgency."""
    return Case.objects.filter(
        pk__in=CasePathway.objects.filter(pathway=pathway).values("case")
    ).order_by("-priority", "opened_on", "code")


def list_case_pathways(*, case: Case) -> list[Pathway]:
    """Pathways ``case`` is linked to, by country code."""
    return list(Pathway.objects.filter(case_links__case=case).order_by("country"))


def list_linkable_pathways(*, case: Case) -> list[Pathway]:
    """Pathways of the case's organisation that ``case`` is not yet linked to."""
    return list(
        Pathway.objects.filter(organisation_id=case.organisation_id)
        .exclude(case_links__case=case)
        .order_by("country")
    )


def list_linkable_pathway_choices(*, case: Case) -> list[tuple[str, str]]:
    """(public id, country name) of the pathways ``case`` may still be linked to, by name."""
    return sorted(
        (
            (str(pathway.public_id), country_name(pathway.country))
            for pathway in list_linkable_pathways(case=case)
        ),
        key=lambda choice: choice[1],
    )


def find_linkable_case(*, user: User, pathway: Pathway, code: str) -> Case | None:
    """The open case of the pathway's organisation with case code ``code`` that ``user``
    works on and may change; ``None`` for any other code (unknown, a case they do not work
    on, another organisation's, no longer waiting), so the answer cannot tell them apart."""
    if not user.has_perm("cases.change_case", pathway.organisation):
        return None
    return (
        Case.objects.filter(
            code=code,
            organisation_id=pathway.organisation_id,
            members__user=user,
            state__in=sorted(WAITING_STATES),
        )
        .select_related("organisation")
        .first()
    )


def list_my_case_ids(*, user: User, pathway: Pathway) -> set[uuid.UUID]:
    """Public ids of the pathway's linked cases that ``user`` works on (may unlink)."""
    return set(
        CasePathway.objects.filter(pathway=pathway, case__members__user=user).values_list(
            "case__public_id", flat=True
        )
    )


def get_pathway_notes(*, pathway: Pathway) -> str:
    return open_notes(model="pathways.Pathway", row_id=pathway.public_id, envelope=pathway.notes)


def current_quota_initial(*, pathway: Pathway) -> dict[str, int]:
    """Initial values of the quota form: this year's quota, or an empty one."""
    year = timezone.localdate().year
    quota = PathwayQuota.objects.filter(pathway=pathway, year=year).first()
    if quota is None:
        return {"year": year, "total": 0, "used": 0}
    return {"year": year, "total": quota.total, "used": quota.used}
