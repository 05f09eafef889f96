"""The case page shows the countries the case waits on (the pathways app's section)."""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from tests.cases.factories import (
    keyed_organisation,
    make_case,
    make_keyed_staff,
    sign_in_with_keys,
)
from tests.pathways.factories import link, make_pathway

pytestmark = pytest.mark.django_db


def test_the_case_page_shows_the_linked_country_and_the_link_to_change_it() -> None:
    # Given a case waiting on the organisation's Lithuanian pathway
    organisation, _ = keyed_organisation()
    caseworker = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=caseworker)
    pathway = make_pathway(organisation=organisation, country="LT")
    link(case=case, pathway=pathway)

    # When the caseworker opens the case
    page = (
        sign_in_with_keys(Client(), caseworker)
        .get(reverse("cases:detail", kwargs={"case_id": case.public_id}))
        .content.decode()
    )

    # Then the section names the country, links to it and to the linking page
    assert "Country pathways" in page
    assert "Lithuania" in page
    assert reverse("pathways:detail", kwargs={"pathway_id": pathway.public_id}) in page
    assert reverse("pathways:case_pathways", kwargs={"case_id": case.public_id}) in page
