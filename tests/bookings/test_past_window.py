"""An open travel request whose latest departure has passed cannot be flown on its dates:
a run leaves it out (instead of reserving miles and asking donors to book a ticket for a
day gone by), and the runs page says how many were left out and what to do."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.bookings import selectors
from safepassage.travel.models import TravelRequest
from tests.bookings.factories import (
    make_network,
    planned_case,
    pledge_of,
    solved_run,
    travel_request,
)
from tests.cases.factories import sign_in_with_keys

pytestmark = pytest.mark.django_db


def _window_passed(request: TravelRequest) -> None:
    # the request was opened in time and its dates have gone by since
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    TravelRequest.objects.filter(pk=request.pk).update(
        earliest_departure=yesterday - datetime.timedelta(days=14), latest_departure=yesterday
    )


def test_a_run_leaves_out_a_request_whose_latest_departure_has_passed() -> None:
    # given two open requests, one of them with its latest departure yesterday
    network = make_network()
    current_case = planned_case(network)
    travel_request(current_case, program=network.program, travellers=1)
    past_case = planned_case(network)
    _window_passed(travel_request(past_case, program=network.program, travellers=1))
    pledge_of(network, miles=100_000)
    # when a run is solved with miles and cash for both
    run = solved_run(network)
    # then only the request that can still fly is planned
    review = selectors.get_run_review(run=run)
    assert review is not None
    assert [r.case_code for r in review.served] == [current_case.code]
    assert len(run.request_snapshot) == 1


def test_a_request_departing_today_is_still_taken() -> None:
    network = make_network()
    case = planned_case(network)
    request = travel_request(case, program=network.program, travellers=1)
    today = timezone.localdate()
    TravelRequest.objects.filter(pk=request.pk).update(
        earliest_departure=today, latest_departure=today
    )
    pledge_of(network, miles=100_000)
    review = selectors.get_run_review(run=solved_run(network))
    assert review is not None
    assert [r.case_code for r in review.served] == [case.code]


def test_the_runs_page_says_how_many_requests_are_left_out_and_why() -> None:
    # given one open request whose dates have passed and one that is current
    network = make_network()
    _window_passed(travel_request(planned_case(network), program=network.program))
    travel_request(planned_case(network), program=network.program)
    client = sign_in_with_keys(Client(), network.coordinator)
    url = reverse("bookings:runs", kwargs={"organisation_id": network.organisation.public_id})
    # when the coordinator opens the runs page, in English and in Russian
    page = client.get(url).content.decode()
    russian = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    # then it names the number left out and what to do about it
    notice = page.split('id="past-window-warning"')[1].split("</p>")[0]
    assert "1 open travel request is left out of runs" in notice
    assert "latest departure has passed" in notice
    assert 'id="past-window-warning"' in russian
    assert "1 open travel request" not in russian


def test_the_runs_page_has_no_such_notice_when_every_window_is_open() -> None:
    network = make_network()
    travel_request(planned_case(network), program=network.program)
    client = sign_in_with_keys(Client(), network.coordinator)
    url = reverse("bookings:runs", kwargs={"organisation_id": network.organisation.public_id})
    assert 'id="past-window-warning"' not in client.get(url).content.decode()
