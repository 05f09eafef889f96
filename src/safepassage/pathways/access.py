"""Permission-checked fetches of pathways: missing and forbidden answer alike (404, SR-15)."""

import uuid

from django.http import Http404

from safepassage.accounts.models import User
from safepassage.pathways.models import Pathway


def access_pathway(*, user: User, pathway_id: uuid.UUID, permission: str) -> Pathway:
    """The pathway, if ``user``'s role in its organisation grants ``permission``."""
    pathway = Pathway.objects.select_related("organisation").filter(public_id=pathway_id).first()
    if pathway is None or not user.has_perm(permission, pathway.organisation):
        raise Http404
    return pathway
