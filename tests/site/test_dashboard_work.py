"""The dashboard leads straight to the work a staff member's role opens (the case queue
for a caseworker, campaigns for a fundraiser, ...), instead of only through the
organisation's page."""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import Membership
from safepassage.accounts.roles import Role
from tests.factories import OrganisationFactory, make_staff, sign_in

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("site:dashboard")


def test_a_caseworker_finds_the_case_queue_on_the_dashboard() -> None:
    caseworker = make_staff(Role.CASEWORKER)
    page = sign_in(Client(), caseworker).get(DASHBOARD).content.decode()
    work = page.split("Your work")[1]
    assert f'href="{reverse("cases:queue")}"' in work
    assert "Campaigns" not in work


def test_a_fundraiser_finds_campaigns_and_not_the_case_queue() -> None:
    fundraiser = make_staff(Role.FUNDRAISER)
    page = sign_in(Client(), fundraiser).get(DASHBOARD).content.decode()
    assert f'href="{reverse("donations:manage_campaigns")}"' in page
    assert f'href="{reverse("cases:queue")}"' not in page


def test_someone_in_two_organisations_sees_the_work_of_each_under_its_name() -> None:
    # given a coordinator of one organisation who is a viewer of another
    coordinator = make_staff(Role.TRAVEL_COORDINATOR)
    other = OrganisationFactory.create(name="Second Fund")
    Membership.objects.create(user=coordinator.user, organisation=other, role=Role.VIEWER)
    # when they open the dashboard, in English and in Russian
    client = sign_in(Client(), coordinator)
    page = client.get(DASHBOARD).content.decode()
    russian = client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    # then each organisation's work is under its own heading, with its own links
    assert f"Your work at {coordinator.organisation.name}" in page
    trips = reverse(
        "bookings:trips", kwargs={"organisation_id": coordinator.organisation.public_id}
    )
    assert f'href="{trips}"' in page.split(f"Your work at {coordinator.organisation.name}")[1]
    other_trips = reverse("bookings:trips", kwargs={"organisation_id": other.public_id})
    assert f'href="{other_trips}"' not in page
    assert "Your work at" not in russian
