"""The travel contract: which countries a case may be planned to."""

import pytest

from safepassage.pathways.models import Stance
from safepassage.pathways.selectors import acceptable_destination_countries
from tests.factories import OrganisationFactory
from tests.pathways.factories import link, make_clear_case, make_pathway

pytestmark = pytest.mark.django_db


def test_a_case_with_no_linked_pathway_may_go_to_pledged_and_negotiating_countries() -> None:
    # given an organisation with one pathway of each stance, and another organisation's
    organisation = OrganisationFactory.create()
    make_pathway(organisation=organisation, country="LT", stance=Stance.PLEDGED)
    make_pathway(organisation=organisation, country="DE", stance=Stance.NEGOTIATING)
    make_pathway(organisation=organisation, country="US", stance=Stance.NO_ACTION)
    make_pathway(organisation=OrganisationFactory.create(), country="CA", stance=Stance.PLEDGED)
    case = make_clear_case(organisation=organisation)

    # when / then
    assert acceptable_destination_countries(case=case) == ["DE", "LT"]


def test_a_linked_case_may_go_only_to_its_linked_countries() -> None:
    # given a case linked to one pathway while another country is pledged
    organisation = OrganisationFactory.create()
    make_pathway(organisation=organisation, country="LT", stance=Stance.PLEDGED)
    france = make_pathway(organisation=organisation, country="FR", stance=Stance.NEGOTIATING)
    case = make_clear_case(organisation=organisation)
    link(case=case, pathway=france)

    # when / then
    assert acceptable_destination_countries(case=case) == ["FR"]


def test_an_organisation_without_pathways_accepts_no_country() -> None:
    case = make_clear_case(organisation=OrganisationFactory.create())

    assert acceptable_destination_countries(case=case) == []
