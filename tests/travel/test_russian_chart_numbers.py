"""The award charts on the travel programs page group miles the way the reader's language
writes numbers: "20 000" in Russian ("20,000" reads there as twenty with a decimal comma)."""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db

NBSP = "\N{NO-BREAK SPACE}"


def test_a_russian_coordinator_reads_the_seeded_charts_with_grouped_miles() -> None:
    # given a travel coordinator whose browser asks for Russian
    client = sign_in(Client(HTTP_ACCEPT_LANGUAGE="ru"), make_staff(Role.TRAVEL_COORDINATOR))

    # when they open the programs page with the seeded Turkish zone chart
    page = client.get(reverse("travel:programs")).content.decode()

    # then its prices are grouped with spaces
    assert f"Türkiye → North America: 40{NBSP}000" in page
    assert "Türkiye → North America: 40,000" not in page
