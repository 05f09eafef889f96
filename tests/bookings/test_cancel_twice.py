"""Cancelling twice (a double click, the back button) says the request was already
cancelled, not "only a recorded booking can be cancelled", and changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.donations.pledges.selectors import get_balance
from safepassage.ledger.models import LedgerTransaction
from tests.bookings.factories import booked_trip, make_network, pledge_of
from tests.cases.factories import sign_in_with_keys

pytestmark = pytest.mark.django_db


def test_a_second_cancel_says_it_was_already_cancelled_and_changes_nothing() -> None:
    network = make_network()
    pledge = pledge_of(network, miles=40_000)
    _trip, booking = booked_trip(network)
    client = sign_in_with_keys(Client(), network.coordinator)
    url = reverse("bookings:booking_cancel", kwargs={"booking_id": booking.public_id})
    assert client.post(url).status_code == 302
    before = (LedgerTransaction.objects.count(), get_balance(pledge=pledge).available.amount)
    # when the coordinator presses Cancel again (an old page)
    response = client.post(url)
    # then the page says it was already cancelled, and nothing moved
    assert response.status_code == 409
    assert "already cancelled or declined" in response.content.decode()
    after = (LedgerTransaction.objects.count(), get_balance(pledge=pledge).available.amount)
    assert after == before
