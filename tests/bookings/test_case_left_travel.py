"""A trip whose case no longer travels (declined, withdrawn, closed) keeps its booking
requests' miles until a coordinator cancels them; the trip page says so, in the reader's
language, and stops saying it once nothing holds miles any more."""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.bookings import actions
from safepassage.cases.models import CaseState
from safepassage.donations.pledges.selectors import get_balance
from tests.bookings.factories import booked_trip, make_network, pledge_of
from tests.cases.factories import sign_in_with_keys

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", [CaseState.WITHDRAWN, CaseState.DECLINED, CaseState.CLOSED])
def test_the_trip_of_a_case_that_left_travel_asks_to_cancel_what_holds_miles(
    state: str,
) -> None:
    # given a trip whose booking request reserved a pledge's miles, and its case withdrawn
    network = make_network()
    pledge = pledge_of(network, miles=40_000)
    trip, booking = booked_trip(network)
    trip.case.state = state
    trip.case.save(update_fields=["state"])
    client = sign_in_with_keys(Client(), network.coordinator)
    url = reverse("bookings:trip", kwargs={"trip_id": trip.public_id})

    # when the coordinator opens the trip, in English and in Russian
    page = client.get(url).content.decode()
    russian = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    # then it says the case no longer travels and that one request still holds miles
    notice = page.split('id="case-left-travel"')[1].split("</p>")[0]
    assert "This case no longer travels" in notice
    assert "1 booking request of this trip still holds miles" in notice
    assert 'id="case-left-travel"' in russian
    assert "This case no longer travels" not in russian
    # and once the coordinator cancels it, the miles are back and the notice is gone
    assert get_balance(pledge=pledge).reserved.amount == 20_000 * 2
    actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    assert get_balance(pledge=pledge).reserved.amount == 0
    assert 'id="case-left-travel"' not in client.get(url).content.decode()


def test_a_trip_whose_case_still_travels_has_no_such_notice() -> None:
    network = make_network()
    pledge_of(network, miles=40_000)
    trip, _booking = booked_trip(network)
    client = sign_in_with_keys(Client(), network.coordinator)
    page = client.get(reverse("bookings:trip", kwargs={"trip_id": trip.public_id}))
    assert 'id="case-left-travel"' not in page.content.decode()


def test_the_trips_list_flags_a_trip_whose_case_left_travel_while_it_holds_miles() -> None:
    # given two trips holding miles, one of a case that was withdrawn since
    network = make_network()
    pledge_of(network, miles=80_000)
    left, booking = booked_trip(network)
    travelling, _other = booked_trip(network)
    left.case.state = CaseState.WITHDRAWN
    left.case.save(update_fields=["state"])
    client = sign_in_with_keys(Client(), network.coordinator)
    url = reverse("bookings:trips", kwargs={"organisation_id": network.organisation.public_id})

    # when the coordinator opens the trips list
    rows = client.get(url).content.decode().split("<tr>")

    # then only the withdrawn case's row says a request still holds miles
    (left_row,) = [row for row in rows if left.case.code in row]
    (travelling_row,) = [row for row in rows if travelling.case.code in row]
    assert "1 booking request still holds miles" in left_row
    assert "holds miles" not in travelling_row
    # and once it is cancelled, the flag is gone
    actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    assert "holds miles" not in client.get(url).content.decode()
