"""Permission-checked fetches of organisations."""

import uuid

from django.http import Http404

from safepassage.accounts.models import User
from safepassage.accounts.permission_scopes import granted_in
from safepassage.organisations.models import Organisation


def access_organisation(*, user: User, organisation_id: uuid.UUID, permission: str) -> Organisation:
    """The organisation, if ``user``'s role in it grants ``permission``.

    Missing and forbidden answer alike (404), so ids of other organisations can't be probed;
    the permission is part of the one query, so both also cost the same (SR-15).
    """
    organisation = (
        Organisation.objects.filter(public_id=organisation_id)
        .filter(granted_in(user=user, permission=permission, organisation="pk"))
        .first()
    )
    if organisation is None:
        raise Http404
    return organisation
