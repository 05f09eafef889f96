"""Permission-checked fetches of organisations."""

import uuid

from django.http import Http404

from safepassage.accounts.models import User
from safepassage.organisations.models import Organisation


def access_organisation(*, user: User, organisation_id: uuid.UUID, permission: str) -> Organisation:
    """The organisation, if ``user``'s role in it grants ``permission``.

    Missing and forbidden answer alike (404), so ids of other organisations can't be probed.
    """
    organisation = Organisation.objects.filter(public_id=organisation_id).first()
    if organisation is None or not user.has_perm(permission, organisation):
        raise Http404
    return organisation
