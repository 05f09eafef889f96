"""Permission-checked fetches of programs and campaigns (404 for missing and forbidden)."""

import uuid

from django.http import Http404

from safepassage.accounts.models import User
from safepassage.accounts.permission_scopes import granted_in
from safepassage.donations.models import Campaign, Program, SponsorMatch


def access_program(*, user: User, program_code: str, permission: str) -> Program:
    """A catalogue program, if any of ``user``'s roles grants ``permission``.

    The catalogue is shared by the whole network, so the permission is not tied to
    one organisation. It is checked whether or not the program exists, so an unknown code
    and a refused one cost the same (SR-15).
    """
    allowed = user.has_perm(permission)
    program = Program.objects.filter(code=program_code).first()
    if program is None or not allowed:
        raise Http404
    return program


def access_campaign(*, user: User, campaign_id: uuid.UUID, permission: str) -> Campaign:
    """The campaign, if ``user``'s role in the organisation running it grants ``permission``."""
    campaign = (
        Campaign.objects.filter(public_id=campaign_id)
        .filter(granted_in(user=user, permission=permission))
        .select_related("organisation")
        .prefetch_related("beneficiaries", "sponsor_matches")
        .first()
    )
    if campaign is None:
        raise Http404
    return campaign


def access_sponsor_match(
    *, user: User, campaign_id: uuid.UUID, match_id: uuid.UUID, permission: str
) -> SponsorMatch:
    """A sponsor match of the campaign, if ``user`` may ``permission`` the campaign."""
    match = (
        SponsorMatch.objects.filter(public_id=match_id, campaign__public_id=campaign_id)
        .filter(granted_in(user=user, permission=permission, organisation="campaign__organisation"))
        .select_related("campaign", "campaign__organisation")
        .first()
    )
    if match is None:
        raise Http404
    return match
