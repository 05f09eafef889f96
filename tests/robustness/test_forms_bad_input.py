"""Bad input on every form of the permission matrix: a clear error and nothing lost.

Every URL of tests/test_permission_matrix.py is sent POSTs as the first role the matrix
lets in (a GET answering 200, or 405 for a URL that only takes POST; the travel catalogue's
pages as a catalogue maintainer): the forms its page renders, or those of the page that
carries its buttons (``HOSTS``), with the bad input of tests/robustness/bad_input.py. A
URL that takes no POST must answer 405. The case side, with real keys, and the applicant
intake are walked again in test_forms_case_side.py.
"""

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.donations.models import Campaign
from tests.factories import sign_in
from tests.robustness.bad_input import Target, send_bad_input
from tests.test_permission_matrix import (
    MATRIX,
    ROLES,
    ROLES_BY_REACH,
    URL_KWARGS,
    World,
    build_world,
)

pytestmark = pytest.mark.django_db

ORDER = ROLES_BY_REACH
# The travel catalogue is edited by catalogue maintainers only: the world's admin, granted.
CATALOGUE = frozenset(
    {
        "donations:program_edit",
        "travel:chart_edit",
        "travel:program_carrier_add",
        "travel:alliance_member_add",
        "travel:partnership_remove",
    }
)
# A URL that only takes POST is submitted from the forms of the page that carries it.
HOSTS = {
    "site:set_language": "site:home",
    "accounts:logout_everywhere": "accounts:security",
    "donations:campaign_publish": "donations:campaign_edit",
    "donations:sponsor_match_remove": "donations:campaign_edit",
    "donations:sponsor_match_end": "donations:sponsor_match_edit",
    "events:event_publish": "events:event_edit",
    "events:programme_item_remove": "events:event_edit",
    "bookings:run_accept": "bookings:run",
    "bookings:run_cancel": "bookings:run",
    "bookings:trip_progress": "bookings:trip",
    "bookings:booking_cancel": "bookings:trip",
    "bookings:booking_mode": "bookings:trip",
    "bookings:booking_refund": "bookings:trip",
    "travel:option_remove": "travel:request_detail",
    "travel:request_state": "travel:request_detail",
    "travel:program_carrier_add": "travel:programs",
    "travel:alliance_member_add": "travel:programs",
    "travel:partnership_remove": "travel:programs",
    "intake_staff:reply": "intake_staff:messages",
}
# Refused sign-ins and second factors are audited (SR-21): the only writes a refusal makes.
AUDITED_REFUSALS = frozenset(
    {
        "accounts:login",
        "accounts:two_factor",
        "accounts:reauthenticate",
        "accounts:recover_with_key",
    }
)
# URLs whose POSTs need a world this walk cannot build, with the tests that cover them.
NOT_SUBMITTED = {
    # Only a user still without a second factor reaches them.
    "accounts:enrol": "tests/accounts/test_sign_in.py",
    "accounts:enrolment_code": "tests/accounts/test_sign_in.py",
}


def _make_catalogue_maintainer(world: World) -> None:
    admin = world.members[Role.ADMIN].user
    call_command("catalogue_maintainers", "grant", "--email", admin.email, stdout=None)


# Worlds the matrix builds only as far as a GET needs, completed for a POST.
PREPARE: dict[str, Callable[[World], None]] = {
    **dict.fromkeys(CATALOGUE, _make_catalogue_maintainer),
}


def _role_for(name: str) -> str | None:
    if name in CATALOGUE:
        return Role.ADMIN
    row = MATRIX[name]
    return next((role for role in ORDER if row[role] in (200, 405)), None)


def _client_for(role: str, world: World) -> Client:
    """Like the matrix's client, but checking CSRF tokens as a real browser's would be."""
    client = Client(enforce_csrf_checks=True)
    if role == "anonymous":
        return client
    if role == "password_only":
        return sign_in(client, world.members[Role.CASEWORKER], second_factor=False)
    staff = world.outsider if role == "other_organisation_admin" else world.members[role]
    return sign_in(client, staff)


def _url(name: str, world: World) -> str:
    return reverse(name, kwargs=URL_KWARGS.get(name, lambda _world: {})(world))


def _foreign_ids(world: World) -> tuple[str, ...]:
    """Public ids of another organisation, its admin and a campaign of its own."""
    outsider = world.outsider
    campaign = Campaign.objects.create(
        slug="outsiders-campaign",
        title="Outsider's campaign",
        organisation=outsider.organisation,
        goal_money=Decimal(1000),
        starts_on=datetime.date(2026, 11, 1),
        is_published=True,
    )
    return (
        str(outsider.organisation.public_id),
        str(outsider.user.public_id),
        str(campaign.public_id),
    )


def _walked() -> Iterator[str]:
    for name in sorted(MATRIX):
        if _role_for(name) is not None and name not in NOT_SUBMITTED:
            yield name


@pytest.mark.parametrize("name", list(_walked()))
def test_bad_input_gets_a_page_or_a_redirect_and_a_refusal_writes_nothing(name: str) -> None:
    # given the URL's forms, as a role the matrix lets in
    world = build_world()
    PREPARE.get(name, lambda _world: None)(world)
    role = _role_for(name)
    assert role is not None
    target = Target(
        name=name,
        client=_client_for(role, world),
        url=_url(name, world),
        pages=(_url(HOSTS[name], world),) if name in HOSTS else (),
        audited=("login.",) if name in AUDITED_REFUSALS else (),
        # Django's set_language ignores a language it does not know and goes back: nothing
        # changes, so it is the one choice that answers an unknown value with a redirect.
        foreign_ids=() if name == "site:set_language" else _foreign_ids(world),
    )
    # when they are sent bad input, then (inside) every answer is a page or a redirect and
    # every refusal wrote, sent and queued nothing
    send_bad_input(target)


def test_every_url_of_the_matrix_is_walked_or_named() -> None:
    nobody = {name for name in MATRIX if _role_for(name) is None}
    assert set(_walked()) | nobody | set(NOT_SUBMITTED) == set(MATRIX)
    assert set(ORDER) == set(ROLES)
    assert set(HOSTS) <= set(MATRIX)
