"""Reads of the organisations app."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import User
from safepassage.bookings.labels import ALLOCATION_LINK, TRIPS_LINK
from safepassage.organisations.models import Organisation
from safepassage.pathways.labels import PATHWAYS_LINK
from safepassage.travel.labels import TRAVEL_PLANNING


@dataclass(frozen=True)
class WorkLink:
    label: str | Promise
    url: str


# (permission in the organisation, label, URL name, whether the URL takes the organisation)
WORK_LINKS: tuple[tuple[str, str | Promise, str, bool], ...] = (
    ("cases.view_case", _("Case queue"), "cases:queue", False),
    ("donations.view_campaign", _("Campaigns"), "donations:manage_campaigns", False),
    ("events.view_event", _("Fundraising events"), "events:manage_events", False),
    ("donations.view_gift", _("Gifts"), "donations:gift_list", True),
    ("donations.view_gift", _("Totals by campaign"), "donations:gift_totals", True),
    ("donations.view_pledge", _("Pledges"), "donations:pledge_list", True),
    ("donations.view_pledge", _("Totals by program"), "donations:program_totals", True),
    (
        "donations.view_pledge_forecast",
        _("Miles about to expire"),
        "donations:pledge_forecast",
        False,
    ),
    ("donations.change_program", _("Program catalogue facts"), "donations:program_facts", False),
    ("pathways.view_pathway", PATHWAYS_LINK, "pathways:board", False),
    ("travel.view_travelrequest", TRAVEL_PLANNING, "travel:home", False),
    ("bookings.run_allocation", ALLOCATION_LINK, "bookings:runs", True),
    ("bookings.manage_trip", TRIPS_LINK, "bookings:trips", True),
)


def list_work_links(*, user: User, organisation: Organisation) -> list[WorkLink]:
    """The work pages ``user``'s role in ``organisation`` opens, in a fixed order."""
    links = []
    for permission, label, url_name, scoped in WORK_LINKS:
        if user.has_perm(permission, organisation):
            kwargs = {"organisation_id": organisation.public_id} if scoped else {}
            links.append(WorkLink(label=label, url=reverse(url_name, kwargs=kwargs)))
    return links
