"""A pledge whose date passes while some of its miles are set aside for a ticket: the
nightly expiry takes the rest, and every figure shown afterwards counts only what the
ledger still holds (the reserved miles), never the expired ones."""

import datetime

import pytest
from django.utils import timezone

from safepassage.donations.models import Campaign, PledgeStatus
from safepassage.donations.pledges.actions import do_post_expiries
from safepassage.donations.pledges.selectors import committed_miles, get_balance
from safepassage.donations.selectors import get_campaign_totals
from tests.bookings.factories import (
    accept_all,
    make_network,
    planned_case,
    solved_run,
    travel_request,
)
from tests.donations.pledges.factories import confirmed_pledge

pytestmark = pytest.mark.django_db


def test_expired_miles_of_a_pledge_with_a_reserved_ticket_leave_the_campaign_total() -> None:
    # given a campaign pledge of 50,000 miles, 20,000 of them reserved for a ticket
    network = make_network()
    campaign = Campaign.objects.create(
        slug="expiry-reserved",
        title="Expiry",
        organisation=network.organisation,
        goal_currency="USD",
        starts_on=timezone.localdate(),
        is_published=True,
    )
    pledge = confirmed_pledge(
        program=network.program, miles=50_000, expires_in_days=30, campaign=campaign
    )
    travel_request(planned_case(network), program=network.program, travellers=1, miles=20_000)
    assert len(accept_all(network, solved_run(network)).accepted) == 1
    # when its date passes and the nightly expiry runs
    do_post_expiries(today=pledge.expires_on + datetime.timedelta(days=1))
    # then the 30,000 unused miles expired, the pledge stays open for its ticket, and
    # the campaign and the donor's page count the 20,000 still held, not 50,000
    pledge.refresh_from_db()
    balance = get_balance(pledge=pledge)
    assert (balance.reserved.amount, balance.expired.amount) == (20_000, 30_000)
    assert pledge.status == PledgeStatus.CONFIRMED
    assert get_campaign_totals(campaign=campaign).miles_pledged == 20_000
    assert pledge.miles == committed_miles(balance=balance)
