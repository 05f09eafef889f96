"""Staff roles and the Django permissions each one grants within its organisation.

A user's permissions come only from memberships: a role held in organisation A
grants nothing in organisation B. Later capabilities add their permissions here;
``tests/accounts/test_roles.py`` checks that every name refers to a real permission.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Organisation admin")
    CASEWORKER = "caseworker", _("Caseworker")
    TRAVEL_COORDINATOR = "travel_coordinator", _("Travel coordinator")
    FUNDRAISER = "fundraiser", _("Fundraiser")
    VIEWER = "viewer", _("Viewer")


EVERY_ROLE = frozenset({"organisations.view_organisation"})

CASE_TEAM = frozenset(
    {
        "cases.view_case",
        "cases.add_case",
        "cases.change_case",
        "cases.triage_case",
        "cases.manage_case_members",
    }
)
"""Issue 4: caseworkers and admins run cases (reading still needs the case's keys)."""

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: EVERY_ROLE
    | {
        "accounts.view_membership",
        "accounts.add_invitation",
        "accounts.change_membership",
        "audit.view_auditevent",
    }
    | CASE_TEAM,
    Role.CASEWORKER: EVERY_ROLE | CASE_TEAM,
    Role.TRAVEL_COORDINATOR: EVERY_ROLE | {"cases.view_case", "cases.change_case"},
    Role.FUNDRAISER: EVERY_ROLE,
    Role.VIEWER: EVERY_ROLE,
}


FUNDRAISING_TEAM = frozenset(
    {
        "donations.view_campaign",
        "donations.add_campaign",
        "donations.change_campaign",
        "events.view_event",
        "events.add_event",
        "events.change_event",
    }
)
"""Issue 3: admins and fundraisers run their organisation's campaigns and events."""
ROLE_PERMISSIONS[Role.ADMIN] |= FUNDRAISING_TEAM | {"donations.change_program"}
ROLE_PERMISSIONS[Role.FUNDRAISER] |= FUNDRAISING_TEAM

GIFT_KEEPERS = frozenset({"donations.view_gift", "donations.add_gift", "donations.view_pledge"})
"""Issue 3: admins and fundraisers record gifts; viewers see gifts, pledges, totals, exports."""
ROLE_PERMISSIONS[Role.ADMIN] |= GIFT_KEEPERS
ROLE_PERMISSIONS[Role.FUNDRAISER] |= GIFT_KEEPERS
ROLE_PERMISSIONS[Role.VIEWER] |= {"donations.view_gift", "donations.view_pledge"}


PLEDGE_FORECASTERS = frozenset({"donations.view_pledge_forecast"})
"""Issue 3: admins and fundraisers see the pledged miles about to expire."""
ROLE_PERMISSIONS[Role.ADMIN] |= PLEDGE_FORECASTERS
ROLE_PERMISSIONS[Role.FUNDRAISER] |= PLEDGE_FORECASTERS


PATHWAY_READERS = frozenset({"pathways.view_pathway"})
PATHWAY_EDITORS = PATHWAY_READERS | {"pathways.add_pathway", "pathways.change_pathway"}
"""Issue 4, item 4: admins and caseworkers run country pathways; travel coordinators read them."""
ROLE_PERMISSIONS[Role.ADMIN] |= PATHWAY_EDITORS
ROLE_PERMISSIONS[Role.CASEWORKER] |= PATHWAY_EDITORS
ROLE_PERMISSIONS[Role.TRAVEL_COORDINATOR] |= PATHWAY_READERS


TRAVEL_BOOKERS = frozenset({"bookings.run_allocation", "bookings.manage_trip"})
"""Issue 6: coordinators and admins run the allocator, accept plans and book trips."""
ROLE_PERMISSIONS[Role.ADMIN] |= TRAVEL_BOOKERS
ROLE_PERMISSIONS[Role.TRAVEL_COORDINATOR] |= TRAVEL_BOOKERS


TRAVEL_PLANNERS = frozenset(
    {
        "travel.view_travelrequest",
        "travel.add_travelrequest",
        "travel.change_travelrequest",
        "travel.search_routes",
    }
)
"""Issue 6: travel coordinators and admins search routes and plan travel requests on the cases
they work on; caseworkers on a case see its travel requests."""
ROLE_PERMISSIONS[Role.TRAVEL_COORDINATOR] |= TRAVEL_PLANNERS
ROLE_PERMISSIONS[Role.ADMIN] |= TRAVEL_PLANNERS
ROLE_PERMISSIONS[Role.CASEWORKER] |= {"travel.view_travelrequest"}


RETENTION_KEEPERS = frozenset({"cases.change_retentionrule"})
"""Issue 4 (SR-12): organisation admins set how long finished cases are kept before shredding."""
ROLE_PERMISSIONS[Role.ADMIN] |= RETENTION_KEEPERS


APPLICANT_MESSAGES = frozenset({"intake.view_message", "intake.add_message"})
"""Issue 4: caseworkers and admins on a case read and answer the applicant's messages."""
ROLE_PERMISSIONS[Role.ADMIN] |= APPLICANT_MESSAGES
ROLE_PERMISSIONS[Role.CASEWORKER] |= APPLICANT_MESSAGES


KEY_PAIR_REPLACERS = frozenset({"cases.change_staffkeypair"})
"""Organisation admins replace a colleague's key pair after a lost device (decision 0018)."""
ROLE_PERMISSIONS[Role.ADMIN] |= KEY_PAIR_REPLACERS


TWO_FACTOR_RESETTERS = frozenset({"accounts.add_twofactorreset"})
"""Organisation admins reset a colleague's lost second factor (decision 0025)."""
ROLE_PERMISSIONS[Role.ADMIN] |= TWO_FACTOR_RESETTERS


MEMBER_REMOVERS = frozenset({"accounts.delete_membership"})
"""Organisation admins remove a member from the organisation (their cases' keys with them)."""
ROLE_PERMISSIONS[Role.ADMIN] |= MEMBER_REMOVERS


INSTANCE_PERMISSIONS = frozenset({"travel.maintain_catalogue"})
"""Permissions no organisation role grants: they act on data shared by every organisation of
the instance (the travel catalogue: who can book what, award charts, taxes). The operator gives
them to named people through a Django group (``safepassage catalogue-maintainers grant``);
``accounts.backends.MembershipBackend`` honours group permissions for these names only
(decision 0017)."""


def permissions_for_roles(roles: set[str]) -> frozenset[str]:
    """Union of the permissions granted by ``roles``."""
    granted: set[str] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(granted)
