"""Migration donations.0011: pledges made before it are marked as having had their link
queued the day they were made (so the worker sends nothing again), and those still waiting
for confirmation get the digest of their address, so their donors can ask for it again."""

import importlib

import pytest
from django.apps import apps

from safepassage.donations.models import Pledge
from safepassage.donations.pledges.sealing import email_digest
from tests.donations.pledges.factories import DONOR_EMAIL, confirmed_pledge, submit_pledge

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "safepassage.donations.migrations.0011_pledge_confirmation_resend"
)


def test_earlier_pledges_are_stamped_and_waiting_ones_get_their_digest() -> None:
    # Given a waiting and a confirmed pledge as they were before the migration
    waiting, confirmed = submit_pledge(), confirmed_pledge()
    Pledge.objects.update(donor_email_digest="", confirmation_sent_on=None)

    # When the migration's data step runs (twice: a re-run changes nothing)
    migration.stamp_existing_pledges(apps, None)
    migration.stamp_existing_pledges(apps, None)

    # Then both count as sent the day they were made; only the waiting one is findable
    waiting.refresh_from_db()
    confirmed.refresh_from_db()
    assert waiting.confirmation_sent_on == waiting.created_on
    assert confirmed.confirmation_sent_on == confirmed.created_on
    assert waiting.donor_email_digest == email_digest(DONOR_EMAIL)
    assert confirmed.donor_email_digest == ""
