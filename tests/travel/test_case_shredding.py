"""A shredded case takes its travel requests, options, fares and prices with it (SR-12)."""

import pytest
from django.utils import timezone

from safepassage.cases.models import Case, ShredReason
from safepassage.cases.retention_actions import do_shred_case
from safepassage.travel.models import (
    FarePrice,
    TravelFare,
    TravelOption,
    TravelRequest,
    TravelRequestTraveller,
)
from tests.cases.factories import clear_case_for
from tests.factories import OrganisationFactory
from tests.travel.factories import make_travel_request

pytestmark = pytest.mark.django_db


def test_shredding_a_case_removes_its_travel_planning() -> None:
    # Given a case with a travel request, options, fares, prices and travellers
    case = clear_case_for(organisation=OrganisationFactory.create(), members=[])
    make_travel_request(case=case)
    assert FarePrice.objects.exists()

    # When the case is shredded
    do_shred_case(case=case, reason=ShredReason.RETENTION, today=timezone.localdate())

    # Then nothing of its travel planning is left
    assert not Case.objects.filter(pk=case.pk).exists()
    for model in (TravelRequest, TravelOption, TravelFare, FarePrice, TravelRequestTraveller):
        assert not model.objects.exists(), model.__name__
