"""Every URL pattern for every role, against an explicit table (SR-25, SR-34).

A new URL pattern without a row here fails ``test_every_url_has_a_row``. Each cell is
the status a GET answers; 302 cells also name where they send the user. Every
response, allowed or not, must carry the exact security headers.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from safepassage.accounts.models import Invitation
from safepassage.accounts.roles import Role
from safepassage.accounts.tokens import make_invitation_token
from safepassage.bookings.models import Trip
from safepassage.cases.models import Case
from safepassage.donations.models import Campaign
from safepassage.events.models import Event
from safepassage.pathways.models import Pathway
from tests.bookings.factories import matrix_booking, matrix_donor_token, matrix_trip
from tests.cases.attention_factories import clear_attention_for
from tests.cases.factories import (
    clear_case_for,
    clear_document_for,
    clear_referral_for,
    clear_task_for,
    matrix_received_referral,
)
from tests.donations.factories import matrix_campaign, matrix_sponsor_match
from tests.donations.gift_factories import matrix_gift
from tests.donations.pledges.factories import matrix_confirm_token, matrix_manage_token
from tests.events.factories import matrix_event, matrix_programme_item
from tests.factories import OrganisationFactory, StaffMember, make_staff, sign_in
from tests.pathways.factories import matrix_pathway
from tests.travel.factories import (
    matrix_fare_price,
    matrix_travel_fare,
    matrix_travel_option,
    matrix_travel_request,
)

pytestmark = pytest.mark.django_db

LOGIN = "login"
TWO_FACTOR = "two_factor"
DASHBOARD = "dashboard"

ROLES = (
    "anonymous",
    "password_only",
    Role.ADMIN,
    Role.CASEWORKER,
    Role.TRAVEL_COORDINATOR,
    Role.FUNDRAISER,
    Role.VIEWER,
    "other_organisation_admin",
)

ROLES_BY_REACH = (
    Role.ADMIN,
    Role.CASEWORKER,
    Role.TRAVEL_COORDINATOR,
    Role.FUNDRAISER,
    Role.VIEWER,
    "other_organisation_admin",
    "anonymous",
    "password_only",
)
"""The roles, those that may open most first: walks that visit a page once take the first
role of this order that may open it."""

# url name -> expected GET answer per role: a status code, or (302, where-to).
Cell = int | tuple[int, str]
A: Cell = 200
L: Cell = (302, LOGIN)
T: Cell = (302, TWO_FACTOR)
D: Cell = (302, DASHBOARD)
MATRIX: dict[str, dict[str, Cell]] = {
    "site:home": dict.fromkeys(ROLES, A),
    "site:dashboard": {"anonymous": L, "password_only": T} | dict.fromkeys(ROLES[2:], A),
    "site:set_language": dict.fromkeys(ROLES, 405),
    "accounts:login": {"anonymous": A, "password_only": A} | dict.fromkeys(ROLES[2:], D),
    "accounts:two_factor": {"anonymous": L, "password_only": A} | dict.fromkeys(ROLES[2:], D),
    "accounts:recover_with_key": dict.fromkeys(ROLES, A),
    "accounts:enrol": {"anonymous": L, "password_only": T} | dict.fromkeys(ROLES[2:], T),
    "accounts:enrolment_code": {"anonymous": L} | dict.fromkeys(ROLES[1:], T),
    "accounts:recovery_codes": {"anonymous": L, "password_only": T} | dict.fromkeys(ROLES[2:], A),
    "accounts:security": {"anonymous": L, "password_only": T} | dict.fromkeys(ROLES[2:], A),
    "accounts:reauthenticate": {"anonymous": L, "password_only": T} | dict.fromkeys(ROLES[2:], A),
    "accounts:reauthenticate_with_security_key": {"anonymous": L, "password_only": T}
    | dict.fromkeys(ROLES[2:], 405),
    "accounts:change_password": {"anonymous": L, "password_only": T} | dict.fromkeys(ROLES[2:], A),
    "accounts:replace_keys": {"anonymous": L, "password_only": T} | dict.fromkeys(ROLES[2:], A),
    "accounts:replace_colleague_keys": {"anonymous": L, "password_only": T, Role.ADMIN: A}
    | dict.fromkeys(ROLES[3:7], 403)
    | {"other_organisation_admin": 404},
    "accounts:reset_colleague_two_factor": {"anonymous": L, "password_only": T, Role.ADMIN: A}
    | dict.fromkeys(ROLES[3:7], 403)
    | {"other_organisation_admin": 404},
    "accounts:cancel_colleague_two_factor_reset": {"anonymous": L, "password_only": T}
    | {Role.ADMIN: A}
    | dict.fromkeys(ROLES[3:7], 403)
    | {"other_organisation_admin": 404},
    "accounts:remove_member": {"anonymous": L, "password_only": T, Role.ADMIN: A}
    | dict.fromkeys(ROLES[3:7], 403)
    | {"other_organisation_admin": 404},
    "accounts:revoke_invitation": {"anonymous": L, "password_only": T, Role.ADMIN: A}
    | dict.fromkeys(ROLES[3:7], 403)
    | {"other_organisation_admin": 404},
    "accounts:security_key_sign_in": {"anonymous": L} | dict.fromkeys(ROLES[1:], 405),
    "accounts:add_security_key": {"anonymous": L, "password_only": T} | dict.fromkeys(ROLES[2:], A),
    # Nobody's key (a key of one's own answers 200: tests/accounts/test_security_keys.py).
    "accounts:remove_security_key": {"anonymous": L, "password_only": T}
    | dict.fromkeys(ROLES[2:], 404),
    "accounts:logout": {"anonymous": L, "password_only": A} | dict.fromkeys(ROLES[2:], A),
    "accounts:logout_everywhere": {"anonymous": L, "password_only": T}
    | dict.fromkeys(ROLES[2:], 405),
    "accounts:accept_invitation": dict.fromkeys(ROLES, A),
    "organisations:detail": {"anonymous": L, "password_only": T}
    | dict.fromkeys(ROLES[2:7], A)
    | {"other_organisation_admin": 404},
    "organisations:invite": {"anonymous": L, "password_only": T, Role.ADMIN: A}
    | dict.fromkeys(ROLES[3:7], 403)
    | {"other_organisation_admin": 404},
    "donations:campaign_list": dict.fromkeys(ROLES, A),
    "donations:catalogue": dict.fromkeys(ROLES, A),
    "donations:campaign": dict.fromkeys(ROLES, A),
    "donations:campaign_cover": dict.fromkeys(ROLES, 404),
    "donations:program_facts": {"anonymous": L, "password_only": T} | dict.fromkeys(ROLES[2:], A),
    # Program facts are shared catalogue data: catalogue maintainers only (decision 0017).
    "donations:program_edit": {"anonymous": L, "password_only": T} | dict.fromkeys(ROLES[2:], 403),
    "donations:manage_campaigns": {"anonymous": L, "password_only": T}
    | dict.fromkeys(ROLES[3:7], 403)
    | {Role.ADMIN: A, Role.FUNDRAISER: A, "other_organisation_admin": A},
    "donations:campaign_create": {"anonymous": L, "password_only": T}
    | dict.fromkeys(ROLES[3:7], 403)
    | {Role.ADMIN: A, Role.FUNDRAISER: A, "other_organisation_admin": A},
    "donations:campaign_edit": {"anonymous": L, "password_only": T}
    | dict.fromkeys(ROLES[3:7], 403)
    | {Role.ADMIN: A, Role.FUNDRAISER: A, "other_organisation_admin": 404},
    "donations:campaign_publish": {"anonymous": L, "password_only": T}
    | dict.fromkeys(ROLES[3:7], 403)
    | {Role.ADMIN: 405, Role.FUNDRAISER: 405, "other_organisation_admin": 405},
    "donations:sponsor_match_add": {"anonymous": L, "password_only": T}
    | dict.fromkeys(ROLES[3:7], 403)
    | {Role.ADMIN: A, Role.FUNDRAISER: A, "other_organisation_admin": 404},
    "donations:campaign_cover_preview": {"anonymous": L, "password_only": T}
    | dict.fromkeys(ROLES[3:7], 403)
    | {Role.ADMIN: 404, Role.FUNDRAISER: 404, "other_organisation_admin": 404},
    "donations:sponsor_match_remove": {"anonymous": L, "password_only": T}
    | dict.fromkeys(ROLES[3:7], 403)
    | {Role.ADMIN: 405, Role.FUNDRAISER: 405, "other_organisation_admin": 405},
    "donations:sponsor_match_edit": {"anonymous": L, "password_only": T}
    | dict.fromkeys(ROLES[3:7], 403)
    | {Role.ADMIN: A, Role.FUNDRAISER: A, "other_organisation_admin": 404},
    "donations:sponsor_match_end": {"anonymous": L, "password_only": T}
    | dict.fromkeys(ROLES[3:7], 403)
    | {Role.ADMIN: 405, Role.FUNDRAISER: 405, "other_organisation_admin": 405},
    "events:event_list": dict.fromkeys(ROLES, A),
    "events:event": dict.fromkeys(ROLES, A),
    "events:event_tally": dict.fromkeys(ROLES, A),
    "events:event_calendar": dict.fromkeys(ROLES, A),
    "events:manage_events": {"anonymous": L, "password_only": T}
    | dict.fromkeys(ROLES[3:7], 403)
    | {Role.ADMIN: A, Role.FUNDRAISER: A, "other_organisation_admin": A},
    "events:event_create": {"anonymous": L, "password_only": T}
    | dict.fromkeys(ROLES[3:7], 403)
    | {Role.ADMIN: A, Role.FUNDRAISER: A, "other_organisation_admin": A},
    "events:event_edit": {"anonymous": L, "password_only": T}
    | dict.fromkeys(ROLES[3:7], 403)
    | {Role.ADMIN: A, Role.FUNDRAISER: A, "other_organisation_admin": 404},
    "events:event_publish": {"anonymous": L, "password_only": T}
    | dict.fromkeys(ROLES[3:7], 403)
    | {Role.ADMIN: 405, Role.FUNDRAISER: 405, "other_organisation_admin": 405},
    "events:programme_item_add": {"anonymous": L, "password_only": T}
    | dict.fromkeys(ROLES[3:7], 403)
    | {Role.ADMIN: A, Role.FUNDRAISER: A, "other_organisation_admin": 404},
    "events:programme_item_edit": {"anonymous": L, "password_only": T}
    | dict.fromkeys(ROLES[3:7], 403)
    | {Role.ADMIN: A, Role.FUNDRAISER: A, "other_organisation_admin": 404},
    "events:programme_item_remove": {"anonymous": L, "password_only": T}
    | dict.fromkeys(ROLES[3:7], 403)
    | {Role.ADMIN: 405, Role.FUNDRAISER: 405, "other_organisation_admin": 405},
    "donations:gift_webhook": dict.fromkeys(ROLES, 405),
    **dict.fromkeys(
        (
            "donations:gift_list",
            "donations:gift_export",
            "donations:gift_detail",
            "donations:gift_receipt_pdf",
            "donations:gift_totals",
            "donations:pledge_list",
            "donations:pledge_export",
            "donations:program_totals",
            "donations:report",
            "donations:report_csv",
            "donations:report_pdf",
        ),
        {"anonymous": L, "password_only": T}
        | dict.fromkeys((Role.ADMIN, Role.FUNDRAISER, Role.VIEWER), A)
        | dict.fromkeys((Role.CASEWORKER, Role.TRAVEL_COORDINATOR), 403)
        | {"other_organisation_admin": 404},
    ),
    "donations:gift_new": {"anonymous": L, "password_only": T}
    | dict.fromkeys((Role.ADMIN, Role.FUNDRAISER), A)
    | dict.fromkeys((Role.CASEWORKER, Role.TRAVEL_COORDINATOR, Role.VIEWER), 403)
    | {"other_organisation_admin": 404},
    # Cases (issue 4): admin and caseworker are on the world's case; the travel coordinator
    # is not (404); other organisations' staff get 404 for the case, their own queue.
    "cases:queue": {"anonymous": L, "password_only": T}
    | dict.fromkeys(ROLES[2:5], A)
    | {Role.FUNDRAISER: 403, Role.VIEWER: 403, "other_organisation_admin": A},
    "cases:my_tasks": {"anonymous": L, "password_only": T}
    | dict.fromkeys(ROLES[2:5], A)
    | {Role.FUNDRAISER: 403, Role.VIEWER: 403, "other_organisation_admin": A},
    "cases:retention": {"anonymous": L, "password_only": T, Role.ADMIN: A}
    | dict.fromkeys(ROLES[3:7], 403)
    | {"other_organisation_admin": 404},
    # The world's "needs attention" item is the caseworker's: anyone else gets 404.
    "cases:dismiss_attention": {"anonymous": L, "password_only": T, Role.CASEWORKER: A}
    | {Role.ADMIN: 404, Role.TRAVEL_COORDINATOR: 404, Role.FUNDRAISER: 403, Role.VIEWER: 403}
    | {"other_organisation_admin": 404},
    "cases:create": {"anonymous": L, "password_only": T, Role.ADMIN: A, Role.CASEWORKER: A}
    | dict.fromkeys(ROLES[4:7], 403)
    | {"other_organisation_admin": A},
    **dict.fromkeys(
        (
            "cases:detail",
            "cases:transition",
            "cases:workflow_fields",
            "cases:add_note",
            "cases:add_household_member",
            "cases:add_task",
            "cases:complete_task",
            "cases:upload_document",
            "cases:download_document",
            "cases:delete_document",
        ),
        {"anonymous": L, "password_only": T, Role.ADMIN: A, Role.CASEWORKER: A}
        | {Role.TRAVEL_COORDINATOR: 404, Role.FUNDRAISER: 403, Role.VIEWER: 403}
        | {"other_organisation_admin": 404},
    ),
    **dict.fromkeys(
        (
            "cases:add_member",
            "cases:remove_member",
            "cases:take",
            "cases:refer",
            "cases:accept_referral",
            "cases:revoke_referral",
        ),
        {"anonymous": L, "password_only": T, Role.ADMIN: A, Role.CASEWORKER: A}
        | dict.fromkeys(ROLES[4:7], 403)
        | {"other_organisation_admin": 404},
    ),
    # Applicant intake (issue 4, item 2): public pages under /help/; the status and withdrawal
    # pages send anyone without an applicant cookie to the codename page; quick exit leaves.
    **dict.fromkeys(("intake:start", "intake:safety", "intake:sign_in"), dict.fromkeys(ROLES, A)),
    **dict.fromkeys(("intake:exit", "intake:status", "intake:withdraw"), dict.fromkeys(ROLES, 302)),
    "intake:sign_out": dict.fromkeys(ROLES, 405),
    # Applicant messages, staff side: caseworkers and admins on the case.
    "intake_staff:messages": {"anonymous": L, "password_only": T, Role.ADMIN: A, Role.CASEWORKER: A}
    | dict.fromkeys(ROLES[4:7], 403)
    | {"other_organisation_admin": 404},
    "intake_staff:reply": {"anonymous": L, "password_only": T}
    | dict.fromkeys((Role.ADMIN, Role.CASEWORKER, "other_organisation_admin"), 405)
    | dict.fromkeys(ROLES[4:7], 403),
    # Pledges (issue 3): the donor's pages are public, reached by signed links.
    **dict.fromkeys(
        (
            "donations:pledge",
            "donations:pledge_for_campaign",
            "donations:pledge_sent",
            "donations:pledge_resend",
            "donations:pledge_resend_sent",
            "donations:pledge_confirm",
            "donations:pledge_manage",
            "donations:pledge_change",
            "donations:pledge_delegation",
            "donations:pledge_withdraw",
        ),
        dict.fromkeys(ROLES, A),
    ),
    "donations:pledge_forecast": {"anonymous": L, "password_only": T}
    | dict.fromkeys((Role.ADMIN, Role.FUNDRAISER, "other_organisation_admin"), A)
    | dict.fromkeys((Role.CASEWORKER, Role.TRAVEL_COORDINATOR, Role.VIEWER), 403),
    # The public transparency page (issue 6, item 8).
    "transparency:page": dict.fromkeys(ROLES, A),
    # Country pathways (issue 4, item 4): coordinators read, admins and caseworkers edit.
    "pathways:board": {"anonymous": L, "password_only": T}
    | dict.fromkeys((Role.ADMIN, Role.CASEWORKER, Role.TRAVEL_COORDINATOR), A)
    | {Role.FUNDRAISER: 403, Role.VIEWER: 403, "other_organisation_admin": A},
    "pathways:create": {"anonymous": L, "password_only": T}
    | dict.fromkeys((Role.ADMIN, Role.CASEWORKER, "other_organisation_admin"), A)
    | dict.fromkeys((Role.TRAVEL_COORDINATOR, Role.FUNDRAISER, Role.VIEWER), 403),
    "pathways:detail": {"anonymous": L, "password_only": T}
    | dict.fromkeys((Role.ADMIN, Role.CASEWORKER, Role.TRAVEL_COORDINATOR), A)
    | {Role.FUNDRAISER: 403, Role.VIEWER: 403, "other_organisation_admin": 404},
    **dict.fromkeys(
        (
            "pathways:edit",
            "pathways:add_contact",
            "pathways:remove_contact",
            "pathways:add_visa_type",
            "pathways:remove_visa_type",
            "pathways:quota",
            "pathways:link_case",
            "pathways:unlink_case",
            "pathways:case_pathways",
        ),
        {"anonymous": L, "password_only": T, Role.ADMIN: A, Role.CASEWORKER: A}
        | dict.fromkeys((Role.TRAVEL_COORDINATOR, Role.FUNDRAISER, Role.VIEWER), 403)
        | {"other_organisation_admin": 404},
    ),
    # Allocation and booking (issue 6): coordinators and admins; trips only for those on the
    # case (the world's coordinator is not: 404); donors reach one page by a signed link.
    **dict.fromkeys(
        ("bookings:runs", "bookings:run", "bookings:trips"),
        {"anonymous": L, "password_only": T}
        | dict.fromkeys((Role.ADMIN, Role.TRAVEL_COORDINATOR), A)
        | dict.fromkeys((Role.CASEWORKER, Role.FUNDRAISER, Role.VIEWER), 403)
        | {"other_organisation_admin": 404},
    ),
    **dict.fromkeys(
        (
            "bookings:trip",
            "bookings:trip_send",
            "bookings:booking_record",
            "bookings:booking_refund",
        ),
        {"anonymous": L, "password_only": T, Role.ADMIN: A, Role.TRAVEL_COORDINATOR: 404}
        | dict.fromkeys((Role.CASEWORKER, Role.FUNDRAISER, Role.VIEWER), 403)
        | {"other_organisation_admin": 404},
    ),
    **dict.fromkeys(
        (
            "bookings:run_accept",
            "bookings:run_cancel",
            "bookings:trip_progress",
            "bookings:booking_cancel",
            "bookings:booking_mode",
        ),
        {"anonymous": L, "password_only": T}
        | dict.fromkeys((Role.ADMIN, Role.TRAVEL_COORDINATOR, "other_organisation_admin"), 405)
        | dict.fromkeys((Role.CASEWORKER, Role.FUNDRAISER, Role.VIEWER), 403),
    ),
    "bookings:donor": dict.fromkeys(ROLES, A),
    # Travel (issue 6): coordinators and admins plan travel on the cases they are on (the
    # world's coordinator is not on the world's case: 404); caseworkers on it read requests.
    "travel:home": {"anonymous": L, "password_only": T}
    | dict.fromkeys((Role.ADMIN, Role.CASEWORKER, Role.TRAVEL_COORDINATOR), A)
    | {Role.FUNDRAISER: 403, Role.VIEWER: 403, "other_organisation_admin": A},
    **dict.fromkeys(
        ("travel:search", "travel:programs"),
        {"anonymous": L, "password_only": T}
        | dict.fromkeys((Role.ADMIN, Role.TRAVEL_COORDINATOR, "other_organisation_admin"), A)
        | dict.fromkeys((Role.CASEWORKER, Role.FUNDRAISER, Role.VIEWER), 403),
    ),
    # The travel catalogue is shared by every organisation: no organisation role edits it,
    # admins included; only catalogue maintainers named by the operator (decision 0017,
    # tests/travel/test_catalogue_maintainers.py).
    **dict.fromkeys(
        (
            "travel:program_carrier_add",
            "travel:alliance_member_add",
            "travel:chart_edit",
            "travel:partnership_remove",
        ),
        {"anonymous": L, "password_only": T} | dict.fromkeys(ROLES[2:], 403),
    ),
    "travel:request_detail": {"anonymous": L, "password_only": T, Role.ADMIN: A}
    | {Role.CASEWORKER: A, Role.TRAVEL_COORDINATOR: 404, Role.FUNDRAISER: 403}
    | {Role.VIEWER: 403, "other_organisation_admin": 404},
    **dict.fromkeys(
        (
            "travel:request_create",
            "travel:generate_options",
            "travel:option_add",
            "travel:price_quote",
            "travel:fare_cash",
            "travel:request_edit",
        ),
        {"anonymous": L, "password_only": T, Role.ADMIN: A, Role.CASEWORKER: 403}
        | {Role.TRAVEL_COORDINATOR: 404, Role.FUNDRAISER: 403, Role.VIEWER: 403}
        | {"other_organisation_admin": 404},
    ),
    **dict.fromkeys(
        ("travel:option_remove", "travel:request_state"),
        {"anonymous": L, "password_only": T}
        | dict.fromkeys((Role.ADMIN, Role.TRAVEL_COORDINATOR, "other_organisation_admin"), 405)
        | dict.fromkeys((Role.CASEWORKER, Role.FUNDRAISER, Role.VIEWER), 403),
    ),
}

EXPECTED_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "font-src 'self'; form-action 'self'; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}


def _walk(patterns: list[URLPattern | URLResolver], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}"
        else:
            yield f"{namespace}<unnamed {pattern.pattern}>"


def all_url_names() -> list[str]:
    return sorted(set(_walk(get_resolver().url_patterns)))


def test_every_url_has_a_row_and_every_row_a_url() -> None:
    assert sorted(MATRIX) == all_url_names()
    for name, row in MATRIX.items():
        assert set(row) == set(ROLES), name


@dataclass
class World:
    members: dict[Role | str, StaffMember]
    outsider: StaffMember
    invitation_token: str


def build_world() -> World:
    """One organisation with a member of every role, an outsider and an invitation."""
    organisation = OrganisationFactory.create()
    members: dict[Role | str, StaffMember] = {
        role: make_staff(role, organisation)
        for role in (
            Role.ADMIN,
            Role.CASEWORKER,
            Role.TRAVEL_COORDINATOR,
            Role.FUNDRAISER,
            Role.VIEWER,
        )
    }
    invitation = Invitation.objects.create(
        organisation=organisation,
        email="invitee@example.org",
        role=Role.VIEWER,
        invited_by=members[Role.ADMIN].user,
        expires_at="2999-01-01T00:00:00Z",
    )
    return World(
        members=members,
        outsider=make_staff(Role.ADMIN, OrganisationFactory.create()),
        invitation_token=make_invitation_token(invitation.public_id),
    )


@pytest.fixture
def world() -> World:
    return build_world()


def client_for(role: str, world: World) -> Client:
    """A client signed in as ``role`` of ``world`` (or anonymous, or password only)."""
    if role == "anonymous":
        return Client()
    if role == "password_only":
        return sign_in(Client(), world.members[Role.CASEWORKER], second_factor=False)
    if role == "other_organisation_admin":
        return sign_in(Client(), world.outsider)
    return sign_in(Client(), world.members[role])


def _campaign(world: World) -> Campaign:
    return matrix_campaign(world.members[Role.ADMIN].organisation)


def _event(world: World) -> Event:
    return matrix_event(world.members[Role.ADMIN].organisation)


URL_KWARGS: dict[str, Callable[[World], dict[str, object]]] = {
    "donations:pledge_for_campaign": lambda world: {"slug": _campaign(world).slug},
    "donations:pledge_confirm": lambda world: {"token": matrix_confirm_token()},
    **dict.fromkeys(
        (
            "donations:pledge_manage",
            "donations:pledge_change",
            "donations:pledge_delegation",
            "donations:pledge_withdraw",
        ),
        lambda world: {"token": matrix_manage_token()},
    ),
    "donations:gift_webhook": lambda world: {"provider": "testpay"},
    **dict.fromkeys(
        (
            "donations:gift_list",
            "donations:gift_export",
            "donations:gift_new",
            "donations:gift_totals",
            "donations:pledge_list",
            "donations:pledge_export",
            "donations:program_totals",
            "donations:report",
            "donations:report_pdf",
        ),
        lambda world: {"organisation_id": world.members[Role.ADMIN].organisation.public_id},
    ),
    "donations:report_csv": lambda world: {
        "organisation_id": world.members[Role.ADMIN].organisation.public_id,
        "table": "money",
    },
    **dict.fromkeys(
        ("donations:gift_detail", "donations:gift_receipt_pdf"),
        lambda world: {
            "organisation_id": world.members[Role.ADMIN].organisation.public_id,
            "gift_id": matrix_gift(world.members[Role.ADMIN].organisation).public_id,
        },
    ),
    "donations:program_edit": lambda world: {"program_code": "UA"},
    "donations:campaign": lambda world: {"slug": _campaign(world).slug},
    "donations:campaign_cover": lambda world: {"slug": _campaign(world).slug},
    "donations:campaign_edit": lambda world: {"campaign_id": _campaign(world).public_id},
    "donations:campaign_publish": lambda world: {"campaign_id": _campaign(world).public_id},
    "donations:sponsor_match_add": lambda world: {"campaign_id": _campaign(world).public_id},
    "donations:campaign_cover_preview": lambda world: {"campaign_id": _campaign(world).public_id},
    **dict.fromkeys(
        ("donations:sponsor_match_edit", "donations:sponsor_match_end"),
        lambda world: {
            "campaign_id": _campaign(world).public_id,
            "match_id": matrix_sponsor_match(_campaign(world)).public_id,
        },
    ),
    "donations:sponsor_match_remove": lambda world: {
        "campaign_id": _campaign(world).public_id,
        "match_id": "00000000-0000-4000-8000-000000000000",
    },
    "events:event": lambda world: {"slug": _event(world).slug},
    "events:event_tally": lambda world: {"slug": _event(world).slug},
    "events:event_calendar": lambda world: {"slug": _event(world).slug},
    "events:event_edit": lambda world: {"event_id": _event(world).public_id},
    "events:event_publish": lambda world: {"event_id": _event(world).public_id},
    "events:programme_item_add": lambda world: {"event_id": _event(world).public_id},
    **dict.fromkeys(
        ("events:programme_item_edit", "events:programme_item_remove"),
        lambda world: {
            "event_id": _event(world).public_id,
            "item_id": matrix_programme_item(_event(world)).public_id,
        },
    ),
    **dict.fromkeys(
        ("intake_staff:messages", "intake_staff:reply"),
        lambda world: {"case_id": _world_case(world).public_id},
    ),
    "accounts:accept_invitation": lambda world: {"token": world.invitation_token},
    "accounts:replace_colleague_keys": lambda world: {
        "user_id": world.members[Role.CASEWORKER].user.public_id
    },
    "accounts:reset_colleague_two_factor": lambda world: {
        "user_id": world.members[Role.CASEWORKER].user.public_id
    },
    "accounts:cancel_colleague_two_factor_reset": lambda world: {
        "user_id": world.members[Role.CASEWORKER].user.public_id
    },
    "accounts:remove_security_key": lambda world: {
        "key_id": "00000000-0000-4000-8000-000000000035"
    },
    "accounts:revoke_invitation": lambda world: {
        "invitation_id": Invitation.objects.get(email="invitee@example.org").public_id
    },
    "accounts:remove_member": lambda world: {
        "organisation_id": world.members[Role.ADMIN].organisation.public_id,
        "user_id": world.members[Role.CASEWORKER].user.public_id,
    },
    "organisations:detail": lambda world: {
        "organisation_id": world.members[Role.ADMIN].organisation.public_id
    },
    "organisations:invite": lambda world: {
        "organisation_id": world.members[Role.ADMIN].organisation.public_id
    },
    **dict.fromkeys(
        (
            "cases:detail",
            "cases:transition",
            "cases:workflow_fields",
            "cases:add_note",
            "cases:add_household_member",
            "cases:add_member",
            "cases:take",
        ),
        lambda world: {"case_id": _world_case(world).public_id},
    ),
    "cases:add_task": lambda world: {"case_id": _world_case(world).public_id},
    "cases:complete_task": lambda world: {
        "task_id": clear_task_for(
            case=_world_case(world), assignee=world.members[Role.CASEWORKER].user
        ).public_id
    },
    "cases:dismiss_attention": lambda world: {
        "attention_id": clear_attention_for(
            case=_world_case(world), recipient=world.members[Role.CASEWORKER].user
        ).public_id
    },
    "cases:upload_document": lambda world: {"case_id": _world_case(world).public_id},
    "cases:download_document": lambda world: {
        "document_id": clear_document_for(
            case=_world_case(world), uploader=world.members[Role.CASEWORKER].user
        ).public_id
    },
    "cases:delete_document": lambda world: {
        "document_id": clear_document_for(
            case=_world_case(world), uploader=world.members[Role.CASEWORKER].user
        ).public_id
    },
    "cases:refer": lambda world: {"case_id": _world_case(world).public_id},
    "cases:accept_referral": lambda world: {
        "referral_id": matrix_received_referral(
            organisation=world.members[Role.ADMIN].organisation
        ).public_id
    },
    "cases:revoke_referral": lambda world: {
        "referral_id": clear_referral_for(
            case=_world_case(world),
            to_organisation=OrganisationFactory.create(),
            referred_by=world.members[Role.CASEWORKER].user,
        ).public_id
    },
    "cases:retention": lambda world: {
        "organisation_id": world.members[Role.ADMIN].organisation.public_id
    },
    "cases:remove_member": lambda world: {
        "case_id": _world_case(world).public_id,
        "user_id": world.members[Role.CASEWORKER].user.public_id,
    },
    **dict.fromkeys(
        (
            "pathways:detail",
            "pathways:edit",
            "pathways:add_contact",
            "pathways:add_visa_type",
            "pathways:quota",
            "pathways:link_case",
        ),
        lambda world: {"pathway_id": _world_pathway(world).public_id},
    ),
    "pathways:remove_contact": lambda world: {
        "pathway_id": _world_pathway(world).public_id,
        "contact_id": _world_pathway(world).contacts.get().public_id,
    },
    "pathways:remove_visa_type": lambda world: {
        "pathway_id": _world_pathway(world).public_id,
        "visa_type_id": _world_pathway(world).visa_types.get().public_id,
    },
    "pathways:unlink_case": lambda world: {
        "pathway_id": _world_pathway(world).public_id,
        "case_id": _world_case(world).public_id,
    },
    "pathways:case_pathways": lambda world: {"case_id": _world_case(world).public_id},
    **dict.fromkeys(
        ("bookings:runs", "bookings:trips"),
        lambda world: {"organisation_id": world.members[Role.ADMIN].organisation.public_id},
    ),
    **dict.fromkeys(
        ("bookings:run", "bookings:run_accept", "bookings:run_cancel"),
        lambda world: {"run_id": _world_trip(world).run.public_id},
    ),
    **dict.fromkeys(
        ("bookings:trip", "bookings:trip_send", "bookings:trip_progress"),
        lambda world: {"trip_id": _world_trip(world).public_id},
    ),
    **dict.fromkeys(
        (
            "bookings:booking_record",
            "bookings:booking_cancel",
            "bookings:booking_mode",
            "bookings:booking_refund",
        ),
        lambda world: {
            "booking_id": matrix_booking(
                _world_case(world), world.members[Role.ADMIN].user
            ).public_id
        },
    ),
    "bookings:donor": lambda world: {
        "token": matrix_donor_token(_world_case(world), world.members[Role.ADMIN].user)
    },
    "travel:request_create": lambda world: {"case_id": _world_case(world).public_id},
    **dict.fromkeys(
        (
            "travel:request_detail",
            "travel:request_edit",
            "travel:generate_options",
            "travel:option_add",
            "travel:request_state",
        ),
        lambda world: {"request_id": matrix_travel_request(case=_world_case(world)).public_id},
    ),
    "travel:option_remove": lambda world: {
        "request_id": matrix_travel_request(case=_world_case(world)).public_id,
        "option_id": matrix_travel_option(case=_world_case(world)).public_id,
    },
    "travel:chart_edit": lambda world: {"program_code": "BA"},
    "travel:fare_cash": lambda world: {
        "request_id": matrix_travel_request(case=_world_case(world)).public_id,
        "fare_id": matrix_travel_fare(case=_world_case(world)).public_id,
    },
    "travel:price_quote": lambda world: {
        "request_id": matrix_travel_request(case=_world_case(world)).public_id,
        "price_id": matrix_fare_price(case=_world_case(world)).public_id,
    },
}


def _world_trip(world: World) -> Trip:
    return matrix_trip(_world_case(world), world.members[Role.ADMIN].user)


def _world_case(world: World) -> Case:
    return clear_case_for(
        organisation=world.members[Role.ADMIN].organisation,
        members=[world.members[Role.ADMIN].user, world.members[Role.CASEWORKER].user],
    )


def _world_pathway(world: World) -> Pathway:
    return matrix_pathway(
        organisation=world.members[Role.ADMIN].organisation, case=_world_case(world)
    )


REDIRECT_TARGETS = {
    LOGIN: reverse("accounts:login"),
    TWO_FACTOR: reverse("accounts:two_factor"),
    DASHBOARD: reverse("site:dashboard"),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_the_matrix_says(role: str, world: World) -> None:
    client = client_for(role, world)
    mismatches = []
    for name, row in MATRIX.items():
        url = reverse(name, kwargs=URL_KWARGS.get(name, lambda _world: {})(world))
        response = client.get(url)
        expected = row[role]
        status, target = expected if isinstance(expected, tuple) else (expected, None)
        if response.status_code != status:
            mismatches.append(f"{name}: expected {status}, got {response.status_code}")
        elif target is not None and not response["Location"].startswith(REDIRECT_TARGETS[target]):
            mismatches.append(f"{name}: redirected to {response['Location']}, not {target}")
        for header, value in EXPECTED_HEADERS.items():
            if response.headers.get(header) != value:
                mismatches.append(f"{name}: header {header} is {response.headers.get(header)!r}")
    assert mismatches == []
