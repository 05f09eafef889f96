"""Booking requests: the donor's e-mail and link, the one-time code, recording, declining,
cancelling, the case becoming "ticketed", and the flight's end."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from safepassage.bookings import actions, selectors
from safepassage.bookings.errors import BookingNotOpen, CodeRecentlySent, TooManyMilesCharged
from safepassage.bookings.models import BookingRequest, BookingStatus, TripStatus
from safepassage.cases.models import CaseState, CaseTransition
from safepassage.cases.selectors import read_case_contents
from safepassage.donations.pledges.selectors import get_balance
from safepassage.ledger.selectors import verify_ledger
from tests.bookings.factories import (
    accept_all,
    allow_delegation,
    booked_trip,
    committed,
    make_network,
    pledge_of,
    sent_trip,
    solved_run,
)
from tests.donations.pledges.factories import DONOR_EMAIL

pytestmark = pytest.mark.django_db

RECORD = actions.BookingRecord(
    locator="QX7LMB", miles_charged=40_000, taxes=Decimal("98.40"), currency="USD"
)


def _link() -> str:
    found = re.search(r"http\S+/bookings/donor/\S+/", str(mail.outbox[-1].body))
    assert found is not None
    return found.group(0).split("127.0.0.1:8000", 1)[-1]


def test_the_request_email_names_no_traveller() -> None:
    # given a trip whose passengers are entered and sealed
    network = make_network()
    pledge_of(network)
    _trip, booking = booked_trip(network)
    # then the donor got one e-mail, with a link and without any traveller identity
    assert booking.status == BookingStatus.SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [DONOR_EMAIL]
    text = str(message.subject) + str(message.body)
    assert "/bookings/donor/" in text
    for secret in ("CANARY", "1990-01-0", "TK 414", "MCX", booking.trip.case.code):
        assert secret not in text


def test_the_donor_sees_passengers_only_after_the_code_and_records_the_booking() -> None:
    network = make_network()
    pledge = pledge_of(network)
    trip, _booking = booked_trip(network)
    client = Client()
    link = _link()
    # when the donor opens the link: no passenger yet
    page = client.get(link)
    assert page.status_code == 200
    assert b"CANARY" not in page.content
    # and asks for a code, which comes by e-mail
    with committed():
        client.post(link, {"step": "send_code"})
    code = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body))
    assert code is not None
    wrong = "111111" if code.group(1) == "000000" else "000000"
    assert b"CANARY" not in client.post(link, {"step": "verify", "code": wrong}).content
    shown = client.post(link, {"step": "verify", "code": code.group(1)})
    # then the passengers of this request are shown
    assert b"CANARY TRAVELLER 1" in shown.content
    assert b"CANARY TRAVELLER 2" in shown.content
    # and recording the booking redeems the miles and tickets the case
    recorded = client.post(
        link,
        {
            "step": "record",
            "locator": "QX7LMB",
            "miles_charged": "38000",
            "taxes": "98.40",
            "currency": "USD",
        },
    )
    assert recorded.status_code == 200
    balance = get_balance(pledge=pledge)
    assert (balance.available.amount, balance.reserved.amount, balance.redeemed.amount) == (
        12_000,
        0,
        38_000,
    )
    trip.refresh_from_db()
    trip.case.refresh_from_db()
    assert trip.status == TripStatus.TICKETED
    assert trip.case.state == CaseState.TICKETED
    assert verify_ledger().lines == []


def test_the_ticketed_move_is_readable_by_the_coordinator() -> None:
    network = make_network()
    pledge_of(network)
    trip, booking = booked_trip(network)
    actions.do_record_booking(booking=booking, record=RECORD, actor_ref="anonymous")
    transition = CaseTransition.objects.get(case=trip.case, target=CaseState.TICKETED)
    assert transition.reason_code == "all_tickets_booked"  # nothing sealed: the system's move
    contents = read_case_contents(
        case=trip.case, user=network.coordinator.user, key_pair=network.coordinator.key_pair
    )
    assert any(t.reason == "All tickets booked" for t in contents.transitions)
    # and the coordinator reads the booking record; the locator is not stored in clear
    read = selectors.read_trip(
        trip=trip, user=network.coordinator.user, key_pair=network.coordinator.key_pair
    )
    assert read.bookings[0].record == {"locator": "QX7LMB", "taxes": "98.40", "currency": "USD"}
    assert b"QX7LMB" not in bytes(BookingRequest.objects.get(pk=booking.pk).booking_record or b"")


def test_a_donor_link_cannot_open_another_booking() -> None:
    network = make_network()
    pledge_of(network, miles=100_000)
    _trip, first = booked_trip(network, travellers=1)
    first_link = _link()
    _trip2, second = booked_trip(network, travellers=1)
    second_link = _link()
    token = first_link.rstrip("/").rsplit("/", 1)[-1]
    # a token whose id is swapped for another booking's fails its signature
    forged = token.replace(first.public_id.hex, second.public_id.hex)
    assert Client().get(reverse("bookings:donor", kwargs={"token": forged})).status_code == 404
    assert Client().get(second_link).status_code == 200
    # a link key opens only its own booking's passengers
    from safepassage.bookings.tokens import read_donor_token

    link = read_donor_token(token)
    assert link is not None
    assert selectors.read_donor_passengers(booking=second, link=link) is None


def test_too_many_miles_charged_is_refused_and_nothing_changes() -> None:
    network = make_network()
    pledge = pledge_of(network)
    _trip, booking = booked_trip(network)
    with pytest.raises(TooManyMilesCharged):
        actions.check_record_booking(
            booking=booking,
            record=actions.BookingRecord(
                locator="QX7LMB", miles_charged=50_000, taxes=Decimal(0), currency="USD"
            ),
        )
    assert get_balance(pledge=pledge).reserved.amount == 40_000


def test_declining_releases_the_miles_and_the_tickets_are_allocated_again() -> None:
    network = make_network()
    pledge = pledge_of(network, miles=40_000)
    trip, booking = booked_trip(network)
    # when the donor declines
    actions.do_decline_booking(booking=booking, actor_ref="anonymous")
    # then the miles are available again and the tickets wait for the next allocation
    balance = get_balance(pledge=pledge)
    assert (balance.available.amount, balance.reserved.amount) == (40_000, 0)
    demand = selectors.list_open_demand(organisation=network.organisation, currency="USD")
    assert list(demand) == [f"rebook-{booking.public_id}"]
    with pytest.raises(BookingNotOpen):
        actions.do_decline_booking(booking=booking, actor_ref="anonymous")
    # and the next run serves them again on the same trip
    second = pledge_of(network, miles=40_000)
    run = solved_run(network)
    result = accept_all(network, run)
    assert result.accepted == (f"rebook-{booking.public_id}",)
    replacement = trip.booking_requests.exclude(pk=booking.pk).get()
    assert replacement.traveller_numbers == [1, 2]
    assert replacement.pledge in (pledge, second)
    booking.refresh_from_db()
    assert booking.replacement == replacement


def test_cancelling_a_booking_returns_the_miles_and_reopens_the_trip() -> None:
    network = make_network()
    pledge = pledge_of(network, miles=50_000)
    trip, booking = booked_trip(network)
    actions.do_record_booking(booking=booking, record=RECORD, actor_ref="anonymous")
    # when the coordinator cancels the booking before departure
    actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    # then the redeemed miles are back, the trip is being booked again
    balance = get_balance(pledge=pledge)
    assert (balance.available.amount, balance.redeemed.amount) == (50_000, 0)
    trip.refresh_from_db()
    assert trip.status == TripStatus.BOOKING
    assert f"rebook-{booking.public_id}" in selectors.list_open_demand(
        organisation=network.organisation, currency="USD"
    )
    assert verify_ledger().lines == []


def test_sending_again_gives_a_new_link_and_the_old_one_stops_working() -> None:
    network = make_network()
    pledge_of(network)
    trip, booking = booked_trip(network)
    old_link = _link()
    sent_trip(network, trip)
    new_link = _link()
    assert new_link != old_link
    assert Client().get(old_link).status_code == 404
    assert Client().get(new_link).status_code == 200
    booking.refresh_from_db()
    assert (booking.status, booking.link_version) == (BookingStatus.SENT, 2)


def test_a_second_code_within_a_minute_is_refused_and_not_sent() -> None:
    network = make_network()
    pledge_of(network)
    _trip, booking = booked_trip(network)
    with committed():
        actions.do_send_donor_code(booking=booking)
    sent = len(mail.outbox)
    with committed(), pytest.raises(CodeRecentlySent):
        actions.do_send_donor_code(booking=booking)
    assert len(mail.outbox) == sent


def test_delegated_booking_ends_the_donor_link_and_the_coordinator_records_it() -> None:
    network = make_network()
    pledge = pledge_of(network)
    trip, booking = booked_trip(network)
    allow_delegation(pledge)
    link = _link()
    # when the coordinator takes the booking over with the donor's delegated access
    booking = actions.do_set_booking_mode(
        actor=network.coordinator.user, booking=booking, mode="coordinator"
    )
    # then the donor's link no longer opens anything and no passengers wait for the donor
    assert Client().get(link).status_code == 404
    assert booking.donor_passengers is None
    # and the coordinator records it: miles redeemed, case ticketed
    actions.do_record_booking(
        booking=booking, record=RECORD, actor_ref=str(network.coordinator.user.public_id)
    )
    assert get_balance(pledge=pledge).redeemed.amount == 40_000
    trip.refresh_from_db()
    assert trip.status == TripStatus.TICKETED


def test_handing_a_booking_back_to_the_donor_needs_a_new_link() -> None:
    network = make_network()
    pledge = pledge_of(network)
    trip, booking = booked_trip(network)
    allow_delegation(pledge)
    actions.do_set_booking_mode(actor=network.coordinator.user, booking=booking, mode="coordinator")
    back = actions.do_set_booking_mode(
        actor=network.coordinator.user, booking=booking, mode="donor"
    )
    assert back.status == BookingStatus.RESERVED
    mail.outbox.clear()
    sent_trip(network, trip)
    assert len(mail.outbox) == 1
    assert Client().get(_link()).status_code == 200


def test_recording_from_the_link_without_the_code_changes_nothing() -> None:
    network = make_network()
    pledge = pledge_of(network)
    _trip, booking = booked_trip(network)
    page = Client().post(
        _link(),
        {
            "step": "record",
            "locator": "QX7LMB",
            "miles_charged": "40000",
            "taxes": "1",
            "currency": "USD",
        },
    )
    assert b"ask for a new one" in page.content
    booking.refresh_from_db()
    assert booking.status == BookingStatus.SENT
    assert get_balance(pledge=pledge).reserved.amount == 40_000
