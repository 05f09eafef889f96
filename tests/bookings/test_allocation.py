"""Allocation in the app: the pledge snapshot, the background run, review and acceptance."""

from decimal import Decimal

import pytest
from django.utils import timezone

from safepassage.bookings import actions, selectors
from safepassage.bookings.errors import PledgeChanged, RequestAlreadyAccepted, RequestChanged
from safepassage.bookings.models import BookingRequest, BookingStatus, Trip
from safepassage.core.ledger import MoneyOwner, OwnerKind
from safepassage.core.money import Money
from safepassage.donations.models import Campaign
from safepassage.donations.pledges.actions import do_withdraw_pledge
from safepassage.donations.pledges.selectors import get_balance
from safepassage.ledger.actions import do_record_gift as record_gift
from safepassage.organisations.models import Organisation, Partnership
from safepassage.travel.models import FarePrice
from tests.bookings.factories import (
    accept_all,
    make_network,
    planned_case,
    pledge_of,
    solved_run,
    travel_request,
)
from tests.donations.pledges.factories import confirmed_pledge
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _campaign(organisation: Organisation) -> Campaign:
    today = timezone.localdate()
    return Campaign.objects.create(
        slug=f"c-{Campaign.objects.count()}",
        title="Campaign",
        organisation=organisation,
        starts_on=today,
    )


def test_the_snapshot_holds_the_networks_pledges_only() -> None:
    # given pledges to the general fund, to a partner's campaign, to a stranger's campaign
    network = make_network()
    partner = OrganisationFactory.create()
    Partnership.objects.create(organisation=network.organisation, partner=partner)
    Partnership.objects.create(organisation=partner, partner=network.organisation)
    stranger = OrganisationFactory.create()
    general = pledge_of(network)
    partners = confirmed_pledge(program=network.program, campaign=_campaign(partner))
    strangers = confirmed_pledge(program=network.program, campaign=_campaign(stranger))
    # when the coordinator's network is snapshot
    snapshot = selectors.snapshot_pledges(
        organisation=network.organisation, today=timezone.localdate()
    )
    # then the general fund and the partner's pledges are in it, the stranger's is not
    ids = {item.pledge.id for item in snapshot}
    assert ids == {str(general.public_id), str(partners.public_id)}
    assert str(strangers.public_id) not in ids
    assert all(item.pledge.donor == item.pledge.id for item in snapshot)


def test_a_one_sided_partnership_shares_no_pledges() -> None:
    network = make_network()
    partner = OrganisationFactory.create()
    Partnership.objects.create(organisation=network.organisation, partner=partner)
    confirmed_pledge(program=network.program, campaign=_campaign(partner))
    snapshot = selectors.snapshot_pledges(
        organisation=network.organisation, today=timezone.localdate()
    )
    assert snapshot == []


def test_accepting_reserves_the_miles_in_the_ledger() -> None:
    network = make_network()
    case = planned_case(network)
    travel_request(case, program=network.program, travellers=2, miles=20_000)
    pledge = pledge_of(network, miles=50_000)
    run = solved_run(network)
    # when the whole plan is accepted
    result = accept_all(network, run)
    # then the trip exists, the miles are reserved, and the request is not offered again
    assert len(result.accepted) == 1
    assert not result.refused
    balance = get_balance(pledge=pledge)
    assert (balance.available.amount, balance.reserved.amount) == (10_000, 40_000)
    trip = Trip.objects.get(case=case)
    booking = BookingRequest.objects.get(trip=trip)
    assert (booking.status, booking.ledger_points, booking.traveller_numbers) == (
        BookingStatus.RESERVED,
        40_000,
        [1, 2],
    )
    assert selectors.list_open_demand(organisation=network.organisation, currency="USD") == {}
    # and accepting the same request again is refused and changes nothing
    again = accept_all(network, run)
    assert again.accepted == ()
    assert BookingRequest.objects.count() == 1
    assert get_balance(pledge=pledge).reserved.amount == 40_000
    assert isinstance(next(iter(again.refused.values())), RequestAlreadyAccepted)


def test_a_pledge_withdrawn_since_the_run_fails_only_its_request() -> None:
    # given two requests, each paid by its own pledge
    network = make_network()
    first = travel_request(planned_case(network), program=network.program, travellers=1)
    second = travel_request(planned_case(network), program=network.program, travellers=1)
    pledge_a = pledge_of(network, miles=20_000)
    pledge_b = pledge_of(network, miles=20_000)
    run = solved_run(network)
    payer = {item["request"]: item["tickets"][0]["pledge"] for item in (run.plan or {})["served"]}
    assert set(payer) == {str(first.public_id), str(second.public_id)}
    # when one pledge is withdrawn before acceptance
    do_withdraw_pledge(pledge_id=pledge_a.public_id)
    result = accept_all(network, run)
    # then only the request it paid fails, with a clear error, and nothing of it is written
    stale = next(r for r, p in payer.items() if p == str(pledge_a.public_id))
    assert set(result.refused) == {stale}
    assert isinstance(result.refused[stale], PledgeChanged)
    assert len(result.accepted) == 1
    assert not Trip.objects.filter(request_ref=stale).exists()
    assert get_balance(pledge=pledge_a).reserved.amount == 0
    assert get_balance(pledge=pledge_b).reserved.amount == 20_000


def test_a_pledge_changed_by_another_acceptance_is_stale() -> None:
    # given two runs that both plan the same pledge for different requests
    network = make_network()
    travel_request(planned_case(network), program=network.program, travellers=1)
    pledge = pledge_of(network, miles=30_000)
    first_run = solved_run(network)
    travel_request(planned_case(network), program=network.program, travellers=1)
    second_run = solved_run(network)
    # when the second run is accepted first, then the first
    assert accept_all(network, second_run).accepted
    late = accept_all(network, first_run)
    # then the first run's acceptance fails cleanly: its pledge changed since it ran
    assert late.accepted == ()
    assert all(
        isinstance(e, (PledgeChanged, RequestAlreadyAccepted)) for e in late.refused.values()
    )
    assert get_balance(pledge=pledge).reserved.amount <= 30_000


def test_accepting_part_of_a_plan_keeps_the_rest_acceptable() -> None:
    # given two requests paid from one pledge
    network = make_network()
    first = travel_request(planned_case(network), program=network.program, travellers=1)
    second = travel_request(planned_case(network), program=network.program, travellers=1)
    pledge = pledge_of(network, miles=40_000)
    run = solved_run(network)
    # when they are accepted one at a time
    one = actions.do_accept_plan(
        actor=network.coordinator.user,
        key_pair=network.coordinator.key_pair,
        run=run,
        request_ids=[str(first.public_id)],
    )
    two = actions.do_accept_plan(
        actor=network.coordinator.user,
        key_pair=network.coordinator.key_pair,
        run=run,
        request_ids=[str(second.public_id)],
    )
    # then both succeed: the run's own reservations do not make it stale
    assert one.accepted
    assert two.accepted
    assert get_balance(pledge=pledge).reserved.amount == 40_000


def test_unserved_requests_say_why() -> None:
    network = make_network()
    case = planned_case(network)
    travel_request(case, program=network.program, travellers=2, miles=90_000)
    pledge_of(network, miles=50_000)
    run = solved_run(network)
    review = selectors.get_run_review(run=run)
    assert review is not None
    assert review.served == ()
    assert [(u.case_code, u.reason) for u in review.unserved] == [
        (case.code, selectors.UNSERVED_NO_PAYER)
    ]


def test_the_cash_budget_starts_from_the_cash_the_organisation_holds() -> None:
    network = make_network()
    record_gift(
        owner=MoneyOwner(kind=OwnerKind.FUND, owner_id=str(network.organisation.public_id)),
        amount=Money(amount=Decimal("750.00"), currency="USD"),
        idempotency_key="test-gift",
        reference="gift:test",
        actor_ref="system",
    )
    cash = selectors.get_available_cash(organisation=network.organisation, currency="USD")
    assert cash == Decimal("750.00")


def test_an_option_removed_since_the_run_fails_its_request_cleanly() -> None:
    network = make_network()
    request = travel_request(planned_case(network), program=network.program, travellers=1)
    pledge = pledge_of(network)
    run = solved_run(network)
    request.options.all().delete()
    result = accept_all(network, run)
    assert result.accepted == ()
    assert isinstance(result.refused[str(request.public_id)], RequestChanged)
    assert get_balance(pledge=pledge).reserved.amount == 0
    assert not Trip.objects.exists()


def test_a_price_quoted_again_since_the_run_fails_its_request_cleanly() -> None:
    network = make_network()
    request = travel_request(planned_case(network), program=network.program, travellers=1)
    pledge = pledge_of(network)
    run = solved_run(network)
    FarePrice.objects.filter(fare__option__request=request).update(miles=25_000)
    result = accept_all(network, run)
    assert isinstance(result.refused[str(request.public_id)], RequestChanged)
    assert get_balance(pledge=pledge).reserved.amount == 0
