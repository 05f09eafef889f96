"""Dates written out in words read correctly in Russian: "1 августа 2027", not "1 Август 2027".

Django's "F" is the month's name on its own (nominative in Russian); after a day number
Russian needs the genitive, which Django's "E" gives (in English both are "August").
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.donations.models import Pledge
from safepassage.donations.pledges.tokens import make_confirm_token, make_manage_token
from tests.donations.factories import matrix_campaign
from tests.donations.pledges.factories import confirmed_pledge, submit_pledge
from tests.events.factories import EVENING_YEAR, matrix_event
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

AUGUST_FIRST = datetime.date(timezone.localdate().year + 1, 8, 1)  # always still to come


def _page(url: str, language: str) -> str:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ru", f"1 августа {AUGUST_FIRST.year}"), ("en", f"1 August {AUGUST_FIRST.year}")],
)
def test_a_donor_reads_the_expiry_day_of_their_pledge_in_their_language(
    language: str, expected: str
) -> None:
    # given a pledge waiting for confirmation and a confirmed one, both expiring on 1 August
    waiting = submit_pledge()
    confirmed = confirmed_pledge()
    Pledge.objects.filter(pk__in=[waiting.pk, confirmed.pk]).update(expires_on=AUGUST_FIRST)

    # when the donor opens the confirmation page and the pledge's own page
    confirm = _page(
        reverse(
            "donations:pledge_confirm", kwargs={"token": make_confirm_token(waiting.public_id)}
        ),
        language,
    )
    manage = _page(
        reverse(
            "donations:pledge_manage", kwargs={"token": make_manage_token(confirmed.public_id)}
        ),
        language,
    )

    # then the day reads as a date in that language
    assert expected in confirm
    assert expected in manage


@pytest.mark.parametrize(
    ("language", "campaign_day", "event_day"),
    [
        ("ru", "1 ноября 2026", f"12 декабря {EVENING_YEAR}"),
        ("en", "1 November 2026", f"12 December {EVENING_YEAR}"),
    ],
)
def test_campaign_and_event_days_read_as_dates_in_each_language(
    language: str, campaign_day: str, event_day: str
) -> None:
    # given a published campaign from 1 November and an event on 12 December
    organisation = OrganisationFactory.create()
    campaign = matrix_campaign(organisation)
    event = matrix_event(organisation)

    # when a visitor opens the campaign, the event and the list of events
    campaign_page = _page(reverse("donations:campaign", kwargs={"slug": campaign.slug}), language)
    event_page = _page(reverse("events:event", kwargs={"slug": event.slug}), language)
    event_list = _page(reverse("events:event_list"), language)

    # then each day reads as a date in that language
    assert campaign_day in campaign_page
    assert event_day in event_page
    assert event_day in event_list
