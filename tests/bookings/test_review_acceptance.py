"""Acceptance as a coordinator meets it: a pledge that expired between the run and the
acceptance, an Accept pressed with nothing chosen, and the run page in Russian."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.bookings.errors import PledgeChanged
from safepassage.bookings.models import Trip
from safepassage.donations.models import Campaign
from safepassage.donations.pledges.selectors import get_balance
from safepassage.ledger.models import LedgerTransaction
from safepassage.organisations.models import Partnership
from tests.bookings.factories import (
    accept_all,
    make_network,
    planned_case,
    solved_run,
    travel_request,
)
from tests.cases.factories import sign_in_with_keys
from tests.donations.pledges.factories import confirmed_pledge
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_pledge_that_expired_after_the_run_is_not_reserved(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a run made today with a pledge whose last day is today
    network = make_network()
    request = travel_request(planned_case(network), program=network.program, travellers=1)
    pledge = confirmed_pledge(program=network.program, miles=50_000, expires_in_days=0)
    run = solved_run(network)
    assert [item["request"] for item in (run.plan or {})["served"]] == [str(request.public_id)]
    before = LedgerTransaction.objects.count()
    # when the plan is accepted tomorrow, before the nightly expiry job has run
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    result = accept_all(network, run)
    # then the request is refused as stale and nothing is reserved on the expired pledge
    assert result.accepted == ()
    assert isinstance(result.refused[str(request.public_id)], PledgeChanged)
    assert not Trip.objects.exists()
    assert get_balance(pledge=pledge).reserved.amount == 0
    assert LedgerTransaction.objects.count() == before


def test_accept_with_nothing_chosen_says_so_and_reserves_nothing() -> None:
    # given a solved run the coordinator reviews
    network = make_network()
    travel_request(planned_case(network), program=network.program, travellers=1)
    pledge = confirmed_pledge(program=network.program, miles=50_000)
    run = solved_run(network)
    client = sign_in_with_keys(Client(), network.coordinator)
    url = reverse("bookings:run_accept", kwargs={"run_id": run.public_id})
    # when they press Accept with every box unticked, or with a request the plan lacks
    for data in ({}, {"requests": ["not-in-the-plan"]}):
        response = client.post(url, data)
        # then the page says what is wrong next to the list, and nothing is reserved
        assert response.status_code == 200
        errors = response.context["form"].errors["requests"]
        assert errors
        for error in errors:
            assert error in response.content.decode()
    assert not Trip.objects.exists()
    assert get_balance(pledge=pledge).reserved.amount == 0


def test_the_run_page_names_phase_and_plan_quality_in_russian() -> None:
    # given a solved run
    network = make_network()
    travel_request(planned_case(network), program=network.program, travellers=1)
    confirmed_pledge(program=network.program, miles=50_000)
    run = solved_run(network)
    client = sign_in_with_keys(Client(), network.coordinator)
    # when the coordinator reads it in Russian
    response = client.get(
        reverse("bookings:run", kwargs={"run_id": run.public_id}), HTTP_ACCEPT_LANGUAGE="ru"
    )
    # then the phase and the plan quality are Russian words, not the solver's English codes
    page = response.content.decode()
    assert "<dd>done</dd>" not in page
    assert "<dd>optimal</dd>" not in page
    assert "<dd>готово</dd>" in page
    assert "<dd>оптимальный</dd>" in page


def test_a_partners_pledge_is_not_reserved_once_the_partnership_ended() -> None:
    # given a run that plans a pledge given to a partner's campaign
    network = make_network()
    partner = OrganisationFactory.create()
    Partnership.objects.create(organisation=network.organisation, partner=partner)
    Partnership.objects.create(organisation=partner, partner=network.organisation)
    campaign = Campaign.objects.create(
        slug="partner-appeal",
        title="Partner appeal",
        organisation=partner,
        starts_on=timezone.localdate(),
    )
    request = travel_request(planned_case(network), program=network.program, travellers=1)
    pledge = confirmed_pledge(program=network.program, miles=50_000, campaign=campaign)
    run = solved_run(network)
    assert (run.plan or {})["served"][0]["tickets"][0]["pledge"] == str(pledge.public_id)
    # when the partner ends the partnership before the plan is accepted
    Partnership.objects.filter(organisation=partner).delete()
    result = accept_all(network, run)
    # then the partner's pledge is not reserved by this organisation
    assert isinstance(result.refused[str(request.public_id)], PledgeChanged)
    assert get_balance(pledge=pledge).reserved.amount == 0
