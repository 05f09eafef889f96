"""Miles on the donor's pages are grouped the way the reader's language writes numbers:
"1,500,000" in English, "1 500 000" in Russian (was "1500000" in both)."""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.donations.models import Campaign
from safepassage.donations.pledges.tokens import make_confirm_token, make_manage_token
from safepassage.events.models import Event
from tests.donations.factories import matrix_campaign
from tests.donations.pledges.factories import confirmed_pledge, submit_pledge
from tests.events.factories import matrix_event
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

NBSP = "\N{NO-BREAK SPACE}"


def _page(url: str, language: str) -> str:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_campaign_tally_and_pledge_pages_group_the_miles(language: str) -> None:
    def grouped(number: int) -> str:
        text = f"{number:,}"
        return text.replace(",", NBSP) if language == "ru" else text

    # given a campaign with a goal of 1,500,000 miles, an event counting it, a confirmed
    # pledge of 40,000 miles to it and a pledge of 25,000 waiting for confirmation
    organisation = OrganisationFactory.create()
    campaign = matrix_campaign(organisation)
    Campaign.objects.filter(pk=campaign.pk).update(goal_miles=1_500_000)
    event = matrix_event(organisation)
    Event.objects.filter(pk=event.pk).update(campaign=campaign)
    confirmed = confirmed_pledge(miles=40_000, campaign=campaign)
    waiting = submit_pledge(miles=25_000)

    # when a visitor and the donors open their pages
    campaign_page = _page(reverse("donations:campaign", kwargs={"slug": campaign.slug}), language)
    tally = _page(reverse("events:event_tally", kwargs={"slug": event.slug}), language)
    manage = _page(
        reverse(
            "donations:pledge_manage", kwargs={"token": make_manage_token(confirmed.public_id)}
        ),
        language,
    )
    confirm = _page(
        reverse(
            "donations:pledge_confirm", kwargs={"token": make_confirm_token(waiting.public_id)}
        ),
        language,
    )

    # then every number of miles is grouped in the page's language
    assert grouped(1_500_000) in campaign_page
    assert grouped(40_000) in campaign_page
    assert grouped(40_000) in tally
    assert grouped(40_000) in manage
    assert grouped(25_000) in confirm
