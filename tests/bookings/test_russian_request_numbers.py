"""A Russian-speaking donor's booking request groups the miles with spaces ("20 000"):
"20,000" reads in Russian as twenty with a decimal comma."""

import pytest
from django.core import mail

from safepassage.bookings.models import Trip
from safepassage.donations.models import Pledge
from tests.bookings.factories import (
    accept_all,
    make_network,
    planned_case,
    pledge_of,
    sent_trip,
    solved_run,
    travel_request,
)

pytestmark = pytest.mark.django_db

NBSP = "\N{NO-BREAK SPACE}"


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_booking_request_e_mail_groups_the_miles_in_the_donors_language(
    language: str,
) -> None:
    # given a donor who pledged in one language and a ticket their pledge was allocated to
    network = make_network()
    case = planned_case(network)
    travel_request(case, program=network.program, travellers=1, miles=20_000)
    pledge = pledge_of(network)
    Pledge.objects.filter(pk=pledge.pk).update(language=language)
    accept_all(network, solved_run(network))
    mail.outbox.clear()

    # when the coordinator, whose page is in English, sends the booking request
    [booking] = sent_trip(network, Trip.objects.get(case=case))

    # then the e-mail writes the miles the way the donor's language groups them
    grouped = f"{booking.miles:,}"
    expected = grouped.replace(",", NBSP) if language == "ru" else grouped
    [message] = mail.outbox
    assert booking.miles >= 1_000
    assert expected in message.body
