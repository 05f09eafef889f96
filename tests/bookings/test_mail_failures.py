"""A mail server that refuses or cannot be reached: the coordinator sending booking
requests, or a donor asking for a code, saw a server error page although the change was
saved, and the donors after the first failure got nothing. Now every other e-mail still
goes, the page says what happened, and the log names neither the donor nor the address."""

import logging
import smtplib

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from safepassage.bookings import actions
from safepassage.bookings.models import BookingStatus, Trip
from tests.bookings.factories import (
    accept_all,
    details_for,
    fund_cash,
    make_network,
    planned_case,
    pledge_of,
    solved_run,
    travel_request,
)
from tests.cases.factories import sign_in_with_keys
from tests.donations.pledges.factories import DONOR_EMAIL

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def refusing_mail(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The first e-mail is refused by the mail server; later ones are delivered."""
    tried: list[str] = []
    from django.core.mail import send_mail as real_send

    def send(subject: str, body: str, sender: None, to: list[str]) -> int:
        tried.append(to[0])
        if len(tried) == 1:
            raise smtplib.SMTPRecipientsRefused({to[0]: (550, b"no such user " + to[0].encode())})
        return real_send(subject, body, sender, to)

    monkeypatch.setattr(actions, "send_mail", send)
    return tried


def test_sending_requests_when_mail_fails_says_so_and_still_sends_the_others(
    refusing_mail: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    # given an accepted trip whose two travellers are paid by two pledges
    network = make_network()
    fund_cash(network)
    case = planned_case(network)
    travel_request(case, program=network.program, travellers=2, miles=20_000)
    pledge_of(network, miles=20_000)
    pledge_of(network, miles=20_000)
    accept_all(network, solved_run(network))
    trip = Trip.objects.get(case=case)
    assert trip.booking_requests.count() == 2
    client = sign_in_with_keys(Client(), network.coordinator)
    passengers = details_for(2)
    form = {"itinerary": passengers.itinerary} | {
        f"{field}_{p.number}": value
        for p in passengers.passengers
        for field, value in (
            ("name", p.name_in_passport),
            ("birth_date", p.birth_date),
            ("document", p.document),
        )
    }
    # when the coordinator sends the requests and the mail server refuses the first e-mail
    with caplog.at_level(logging.INFO):
        response = client.post(
            reverse("bookings:trip_send", kwargs={"trip_id": trip.public_id}), form
        )
    # then the page explains, instead of a server error
    assert response.status_code == 200
    assert "could not be sent" in response.content.decode()
    # and the other donor still got their e-mail, the requests are recorded as sent
    assert len(refusing_mail) == 2
    assert len(mail.outbox) == 1
    assert set(trip.booking_requests.values_list("status", flat=True)) == {BookingStatus.SENT}
    # and the log names no address
    assert "booking e-mail request not sent: SMTPRecipientsRefused" in caplog.text
    assert DONOR_EMAIL not in caplog.text
    assert "@" not in caplog.text


def test_a_code_the_mail_server_refuses_is_explained_to_the_donor(
    refusing_mail: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    # given a booking request sent to a donor (the request e-mail delivered)
    network = make_network()
    fund_cash(network)
    case = planned_case(network)
    travel_request(case, program=network.program, travellers=1, miles=20_000)
    pledge_of(network, miles=20_000)
    accept_all(network, solved_run(network))
    trip = Trip.objects.get(case=case)
    refusing_mail.append("warm-up")  # the request e-mail goes through
    actions.do_send_booking_requests(
        actor=network.coordinator.user,
        key_pair=network.coordinator.key_pair,
        trip=trip,
        details=details_for(1),
    )
    refusing_mail.clear()
    link = str(mail.outbox[-1].body).split("127.0.0.1:8000", 1)[1].split()[0]
    # when the donor asks for a code and the mail server refuses it
    with caplog.at_level(logging.INFO):
        response = Client().post(link, {"step": "send_code"})
    # then the page asks them to try again later, instead of a server error
    assert response.status_code == 200
    assert "could not e-mail the code" in response.content.decode()
    assert "@" not in caplog.text
