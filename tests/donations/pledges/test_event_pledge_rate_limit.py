"""SR-16 at a fundraising event: guests share the venue's one address, so while a published
event of the campaign runs, its pledge page (the one the event's QR code opens) allows that
address more submissions, still bounded; everywhere else the ordinary limit holds."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.donations.models import Campaign, Pledge
from safepassage.donations.pledges.rate_limits import (
    EVENT_MARGIN,
    EVENT_PLEDGE_RATE_LIMIT,
    PLEDGE_RATE_LIMIT,
)
from tests.donations.factories import matrix_campaign
from tests.donations.pledges.factories import anonymous_pledge_form, make_program
from tests.events.factories import EventFactory
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

VENUE_ADDRESS = "198.51.100.7"


def _post(url: str, program_id: int) -> int:
    return (
        Client(REMOTE_ADDR=VENUE_ADDRESS).post(url, anonymous_pledge_form(program_id)).status_code
    )


def _campaign_url(campaign: Campaign) -> str:
    return reverse("donations:pledge_for_campaign", kwargs={"slug": campaign.slug})


def _event_of(campaign: Campaign, *, starts_in: datetime.timedelta, published: bool = True) -> None:
    starts_at = timezone.now() + starts_in
    EventFactory.create(
        campaign=campaign,
        organiser=campaign.organisation,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        is_published=published,
    )


def test_the_event_allowance_is_bounded_and_well_above_the_ordinary_one() -> None:
    assert PLEDGE_RATE_LIMIT < 5 * PLEDGE_RATE_LIMIT <= EVENT_PLEDGE_RATE_LIMIT <= 500


def test_guests_sharing_the_venue_address_all_pledge_while_the_event_runs() -> None:
    # Given an event of the campaign under way, its guests behind one address
    campaign = matrix_campaign(OrganisationFactory.create())
    _event_of(campaign, starts_in=-datetime.timedelta(hours=1))
    program = make_program()
    url = _campaign_url(campaign)

    # When as many guests pledge as the event allowance lets through
    statuses = {_post(url, program.pk) for _ in range(EVENT_PLEDGE_RATE_LIMIT)}

    # Then every one is accepted, far more than the ordinary limit
    assert statuses == {302}
    assert Pledge.objects.filter(campaign=campaign).count() == EVENT_PLEDGE_RATE_LIMIT
    # and the allowance still ends: the next one is refused with nothing saved or sent
    mail.outbox.clear()
    assert _post(url, program.pk) == 429
    assert Pledge.objects.count() == EVENT_PLEDGE_RATE_LIMIT
    assert len(mail.outbox) == 0


def test_the_allowance_starts_a_little_before_the_doors_open() -> None:
    campaign = matrix_campaign(OrganisationFactory.create())
    _event_of(campaign, starts_in=EVENT_MARGIN - datetime.timedelta(minutes=5))
    program = make_program()

    statuses = {_post(_campaign_url(campaign), program.pk) for _ in range(PLEDGE_RATE_LIMIT + 1)}

    assert statuses == {302}


@pytest.mark.parametrize(
    ("starts_in", "published"),
    [
        (datetime.timedelta(days=2), True),  # the event is still to come
        (-datetime.timedelta(days=2), True),  # the event is over
        (-datetime.timedelta(hours=1), False),  # under way but not published
    ],
)
def test_the_campaign_page_keeps_the_ordinary_limit_outside_a_running_event(
    starts_in: datetime.timedelta, published: bool
) -> None:
    # Given a campaign whose event is not running (or not public)
    campaign = matrix_campaign(OrganisationFactory.create())
    _event_of(campaign, starts_in=starts_in, published=published)
    program = make_program()
    url = _campaign_url(campaign)
    assert {_post(url, program.pk) for _ in range(PLEDGE_RATE_LIMIT)} == {302}

    # When one more comes from the same address, then it is refused
    assert _post(url, program.pk) == 429
    assert Pledge.objects.count() == PLEDGE_RATE_LIMIT


def test_the_general_pledge_page_keeps_the_ordinary_limit_during_an_event() -> None:
    # Given an event under way somewhere
    campaign = matrix_campaign(OrganisationFactory.create())
    _event_of(campaign, starts_in=-datetime.timedelta(hours=1))
    program = make_program()
    url = reverse("donations:pledge")
    assert {_post(url, program.pk) for _ in range(PLEDGE_RATE_LIMIT)} == {302}

    # When the same address posts once more on the general page, then it is refused
    assert _post(url, program.pk) == 429


def test_another_campaign_s_page_keeps_the_ordinary_limit_during_an_event() -> None:
    # Given an event under way for one campaign, and another campaign without one
    organisation = OrganisationFactory.create()
    with_event = matrix_campaign(organisation)
    _event_of(with_event, starts_in=-datetime.timedelta(hours=1))
    other = Campaign.objects.create(
        slug="no-event",
        title="No event",
        organisation=organisation,
        goal_money=with_event.goal_money,
        starts_on=with_event.starts_on,
        is_published=True,
    )
    program = make_program()
    url = _campaign_url(other)
    assert {_post(url, program.pk) for _ in range(PLEDGE_RATE_LIMIT)} == {302}

    assert _post(url, program.pk) == 429
