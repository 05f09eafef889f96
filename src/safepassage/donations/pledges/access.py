"""Fetches of pledges by signed link, and the organisations a staff member may forecast for.

A bad, expired or foreign token and a token for a missing pledge answer alike (404).
"""

from typing import Literal

from django.http import Http404

from safepassage.accounts.models import User
from safepassage.accounts.selectors import list_memberships
from safepassage.donations.models import Pledge
from safepassage.donations.pledges.tokens import read_confirm_token, read_manage_token
from safepassage.organisations.models import Organisation


def access_pledge_by_token(*, token: str, purpose: Literal["confirm", "manage"]) -> Pledge:
    """The pledge a confirmation or management link names, else 404."""
    pledge_id = read_confirm_token(token) if purpose == "confirm" else read_manage_token(token)
    pledge = (
        Pledge.objects.select_related("program", "transfer_partner", "campaign")
        .filter(public_id=pledge_id)
        .first()
        if pledge_id is not None
        else None
    )
    if pledge is None:
        raise Http404
    return pledge


def access_forecast_organisations(*, user: User, permission: str) -> list[Organisation]:
    """The organisations in which ``user``'s role grants ``permission``."""
    return [
        membership.organisation
        for membership in list_memberships(user=user)
        if user.has_perm(permission, membership.organisation)
    ]
