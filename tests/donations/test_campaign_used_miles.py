"""Miles that flew someone stay in a campaign's progress after the donor withdraws the rest
of the pledge (or the rest expires): the public page, the event tally and the staff totals
agree with the ledger."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.core.ledger import PledgeRef
from safepassage.core.money import Miles
from safepassage.donations.gifts.selectors import get_campaign_gift_totals
from safepassage.donations.models import Campaign, Pledge, PledgeStatus
from safepassage.donations.pledges.actions import do_withdraw_pledge
from safepassage.donations.selectors import get_campaign_totals
from safepassage.events.selectors import get_event_tally
from safepassage.ledger import actions as ledger
from tests.donations.factories import CampaignFactory, ensure_catalogue, make_pledge
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db

ACTOR = "system"


@pytest.fixture(autouse=True)
def _catalogue() -> None:
    ensure_catalogue()


def _confirmed_in_ledger(*, campaign: Campaign, program_code: str, miles: int) -> Pledge:
    """A confirmed pledge whose miles are in the ledger, as confirming it leaves them."""
    pledge = make_pledge(program_code=program_code, miles=miles, campaign=campaign)
    ledger.do_pledge_miles(
        pledge=_ref(pledge),
        amount=Miles(amount=miles, program=program_code),
        idempotency_key=f"pledge:{pledge.public_id}",
        reference=f"pledge:{pledge.public_id}",
        actor_ref=ACTOR,
    )
    return pledge


def _ref(pledge: Pledge) -> PledgeRef:
    return PledgeRef(pledge_id=str(pledge.public_id), program=pledge.program.code)


def _use(pledge: Pledge, *, reserved: int, redeemed: int) -> None:
    """Set ``reserved + redeemed`` miles aside for a ticket and redeem ``redeemed`` of them."""
    program = pledge.program.code
    ledger.do_reserve_miles(
        pledge=_ref(pledge),
        amount=Miles(amount=reserved + redeemed, program=program),
        idempotency_key=f"reserve:{pledge.public_id}",
        reference="ticket:T-1",
        actor_ref=ACTOR,
    )
    if redeemed:
        ledger.do_redeem_miles(
            pledge=_ref(pledge),
            amount=Miles(amount=redeemed, program=program),
            idempotency_key=f"redeem:{pledge.public_id}",
            reference="booking:B-1",
            actor_ref=ACTOR,
        )


def test_a_withdrawn_pledge_keeps_counting_the_miles_that_flew_or_are_set_aside() -> None:
    # given a campaign and event with three confirmed pledges in the ledger
    campaign = CampaignFactory.create(goal_miles=500_000)
    event = EventFactory.create(campaign=campaign)
    flew = _confirmed_in_ledger(campaign=campaign, program_code="UA", miles=60_000)
    set_aside = _confirmed_in_ledger(campaign=campaign, program_code="DL", miles=50_000)
    untouched = _confirmed_in_ledger(campaign=campaign, program_code="FB", miles=40_000)
    _use(flew, reserved=0, redeemed=35_000)
    _use(set_aside, reserved=20_000, redeemed=0)

    # when each donor withdraws what is left of their pledge
    for pledge in (flew, set_aside, untouched):
        do_withdraw_pledge(pledge_id=pledge.public_id)

    # then the campaign still counts the 35,000 miles that flew and the 20,000 set aside
    assert set(Pledge.objects.values_list("status", flat=True)) == {PledgeStatus.WITHDRAWN}
    totals = get_campaign_totals(campaign=campaign)
    assert (totals.miles_pledged, totals.pledge_count) == (55_000, 2)
    tally = get_event_tally(event=event)
    assert (tally.pledges.miles, tally.pledges.count) == (55_000, 2)
    page = Client().get(reverse("donations:campaign", kwargs={"slug": campaign.slug}))
    assert "55,000 of 500,000 miles pledged" in page.text
    # and the staff totals show the same miles as the ledger, per program
    row = get_campaign_gift_totals(
        organisation=campaign.organisation,
        reporting_currency="EUR",
        on=datetime.date(2026, 11, 25),
    )[0]
    assert {(miles.program, miles.amount) for miles in row.miles} == {
        ("DL", 20_000),
        ("UA", 35_000),
    }
