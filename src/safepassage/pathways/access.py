"""Permission-checked fetches of pathways: missing and forbidden answer alike (404, SR-15)."""

import uuid

from django.http import Http404

from safepassage.accounts.models import User
from safepassage.accounts.permission_scopes import granted_in
from safepassage.pathways.models import Pathway, PathwayContact, VisaType


def access_pathway(*, user: User, pathway_id: uuid.UUID, permission: str) -> Pathway:
    """The pathway, if ``user``'s role in its organisation grants ``permission`` (checked in
    the fetching query: a forbidden pathway is not found)."""
    pathway = (
        Pathway.objects.select_related("organisation")
        .filter(public_id=pathway_id)
        .filter(granted_in(user=user, permission=permission))
        .first()
    )
    if pathway is None:
        raise Http404
    return pathway


def access_contact(
    *, user: User, pathway_id: uuid.UUID, contact_id: uuid.UUID, permission: str
) -> PathwayContact:
    """A contact of a pathway ``user`` may reach with ``permission`` (404 otherwise)."""
    pathway = access_pathway(user=user, pathway_id=pathway_id, permission=permission)
    contact = (
        PathwayContact.objects.select_related("pathway__organisation")
        .filter(pathway=pathway, public_id=contact_id)
        .first()
    )
    if contact is None:
        raise Http404
    return contact


def access_visa_type(
    *, user: User, pathway_id: uuid.UUID, visa_type_id: uuid.UUID, permission: str
) -> VisaType:
    """A visa type of a pathway ``user`` may reach with ``permission`` (404 otherwise)."""
    pathway = access_pathway(user=user, pathway_id=pathway_id, permission=permission)
    visa_type = (
        VisaType.objects.select_related("pathway__organisation")
        .filter(pathway=pathway, public_id=visa_type_id)
        .first()
    )
    if visa_type is None:
        raise Http404
    return visa_type
