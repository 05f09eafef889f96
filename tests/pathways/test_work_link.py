"""The organisation page links the roles that read pathways to the board, and no others."""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "linked"),
    [
        (Role.ADMIN, True),
        (Role.CASEWORKER, True),
        (Role.TRAVEL_COORDINATOR, True),
        (Role.FUNDRAISER, False),
        (Role.VIEWER, False),
    ],
)
def test_the_board_link_follows_the_permission(role: str, linked: bool) -> None:
    staff = make_staff(role)
    client = sign_in(Client(), staff)

    response = client.get(
        reverse("organisations:detail", kwargs={"organisation_id": staff.organisation.public_id})
    )

    urls = {link.url for link in response.context["work_links"]}
    assert (reverse("pathways:board") in urls) is linked
