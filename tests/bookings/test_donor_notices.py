"""The donor hears when a booking request they were sent is cancelled or taken over: a
short e-mail after commit, naming the program only, never a traveller, route or date."""

from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.bookings import actions
from safepassage.bookings.models import BookingStatus
from safepassage.donations.models import Pledge
from tests.bookings.factories import (
    allow_delegation,
    booked_trip,
    committed,
    make_network,
    pledge_of,
)
from tests.donations.pledges.factories import DONOR_EMAIL
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db

SECRETS = ("CANARY", "MCX", "IST", "TK 414", "QX7LMB")


def _only_mail(pledge: Pledge) -> str:
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [DONOR_EMAIL]
    text = str(message.subject) + str(message.body)
    assert pledge.program.name in text
    for secret in SECRETS:
        assert secret not in text
    return text


def test_cancelling_a_sent_request_tells_the_donor() -> None:
    # given a booking request sent to the donor
    network = make_network()
    pledge = pledge_of(network)
    trip, booking = booked_trip(network)
    mail.outbox.clear()
    # when the coordinator cancels it
    with committed():
        actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    # then one short e-mail, without the travellers or the flight, reaches the donor
    text = _only_mail(pledge)
    assert "cancelled" in text
    assert trip.case.code not in text


def test_cancelling_a_recorded_booking_tells_the_donor_the_miles_come_back() -> None:
    network = make_network()
    pledge = pledge_of(network)
    _trip, booking = booked_trip(network)
    actions.do_record_booking(
        booking=booking,
        record=actions.BookingRecord(
            locator="QX7LMB", miles_charged=40_000, taxes=Decimal(0), currency="USD"
        ),
        actor_ref="anonymous",
    )
    mail.outbox.clear()
    with committed():
        actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    assert "counted back to your pledge" in _only_mail(pledge)


def test_taking_a_request_over_tells_the_donor() -> None:
    network = make_network()
    pledge = pledge_of(network)
    _trip, booking = booked_trip(network)
    allow_delegation(pledge)
    mail.outbox.clear()
    with committed():
        actions.do_set_booking_mode(
            actor=network.coordinator.user, booking=booking, mode="coordinator"
        )
    assert "book the tickets" in _only_mail(pledge)


def test_a_request_never_sent_is_cancelled_without_mail() -> None:
    network = make_network()
    pledge = pledge_of(network)
    _trip, booking = booked_trip(network)
    allow_delegation(pledge)
    actions.do_set_booking_mode(actor=network.coordinator.user, booking=booking, mode="coordinator")
    back = actions.do_set_booking_mode(
        actor=network.coordinator.user, booking=booking, mode="donor"
    )
    assert back.status == BookingStatus.RESERVED
    mail.outbox.clear()
    with committed():
        actions.do_cancel_booking(booking=back, actor=network.coordinator.user)
    assert mail.outbox == []


def test_a_caseworker_cannot_cancel_and_nothing_is_sent() -> None:
    # given a sent booking request and a caseworker of the same organisation
    network = make_network()
    pledge_of(network)
    _trip, booking = booked_trip(network)
    mail.outbox.clear()
    caseworker = make_staff(Role.CASEWORKER, network.organisation)
    client = sign_in(Client(), caseworker)
    # when the caseworker posts the cancellation
    with committed():
        response = client.post(
            reverse("bookings:booking_cancel", kwargs={"booking_id": booking.public_id})
        )
    # then it is refused, the booking is unchanged and no e-mail went out
    assert response.status_code in (403, 404)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.SENT
    assert mail.outbox == []
