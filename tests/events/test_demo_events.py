"""The demo shows live campaigns and the Hong Kong evening, with honest totals."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from safepassage.donations.models import Campaign
from safepassage.events.models import Event

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_published_campaigns_and_the_hong_kong_event() -> None:
    call_command("demo", stdout=StringIO())
    client = Client()
    assert Campaign.objects.filter(is_published=True).count() == 3
    winter = client.get(reverse("donations:campaign", kwargs={"slug": "winter-passage"}))
    assert winter.status_code == 200
    assert "Lantern Foundation (fictional)" in winter.text
    event = Event.objects.get(slug="harbour-lights-evening")
    assert event.time_zone == "Asia/Hong_Kong"
    assert event.programme.count() == 5
    page = client.get(reverse("events:event", kwargs={"slug": event.slug}))
    assert page.status_code == 200
    assert "19:00" in page.text
    assert client.get(reverse("events:event_tally", kwargs={"slug": event.slug})).status_code == 200
    assert client.get(reverse("donations:campaign_list")).text.count("/donate/campaigns/") == 3
