"""Prices in another currency than the run's: converted with the recorded exchange rates,
rounded up to the cent; without a rate, left out and named in the review."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.bookings import selectors
from safepassage.bookings.documents import load_problem
from safepassage.donations.gifts.actions import do_record_exchange_rate
from safepassage.travel.models import FarePrice, TravelFare
from tests.bookings.factories import (
    make_network,
    planned_case,
    pledge_of,
    solved_run,
    travel_request,
)
from tests.cases.factories import sign_in_with_keys

pytestmark = pytest.mark.django_db


def _gbp_rate(rate: str) -> None:
    do_record_exchange_rate(
        base_currency="GBP",
        quote_currency="USD",
        rate=Decimal(rate),
        as_of=timezone.localdate(),
        source="test",
    )


def test_taxes_in_another_currency_are_converted_and_rounded_up() -> None:
    # given BA-like taxes of 33.33 GBP and a recorded rate 1 GBP = 1.2345 USD
    network = make_network()
    case = planned_case(network)
    request = travel_request(case, program=network.program, travellers=1, taxes="33.33")
    FarePrice.objects.filter(fare__option__request=request).update(currency="GBP")
    pledge_of(network)
    _gbp_rate("1.2345")
    # when a USD run is solved
    run = solved_run(network)
    # then the fare keeps its payer, with taxes 41.145885 rounded up to 41.15 USD
    fare = load_problem(run.problem).requests[0].options[0].fares[0]
    assert fare.miles == {network.program.code: 20_000}
    assert fare.taxes == {network.program.code: Decimal("41.15")}
    review = selectors.get_run_review(run=run)
    assert review is not None
    assert [r.case_code for r in review.served] == [case.code]
    assert review.cash == Decimal("41.15")
    assert review.warnings == ()


def test_a_cash_price_in_another_currency_is_converted() -> None:
    network = make_network()
    case = planned_case(network)
    request = travel_request(
        case, program=network.program, travellers=1, miles=0, cash_price="100.01"
    )
    TravelFare.objects.filter(option__request=request).update(cash_currency="GBP")
    _gbp_rate("1.5")
    run = solved_run(network)
    fare = load_problem(run.problem).requests[0].options[0].fares[0]
    assert fare.cash_price == Decimal("150.02")  # 150.015 rounded up


def test_without_a_rate_the_price_is_left_out_and_the_review_says_so() -> None:
    # given taxes in GBP and no GBP->USD rate recorded
    network = make_network()
    case = planned_case(network)
    request = travel_request(case, program=network.program, travellers=1)
    FarePrice.objects.filter(fare__option__request=request).update(currency="GBP")
    pledge_of(network)
    # when a USD run is solved
    run = solved_run(network)
    # then the request is unserved and the review names the missing rate
    review = selectors.get_run_review(run=run)
    assert review is not None
    assert review.served == ()
    assert [(r.case_code, r.reason) for r in review.unserved] == [
        (case.code, selectors.UNSERVED_NO_OPTION)
    ]
    assert [(w.case_code, w.from_currency, w.to_currency) for w in review.warnings] == [
        (case.code, "GBP", "USD")
    ]
    client = sign_in_with_keys(Client(), network.coordinator)
    page = client.get(reverse("bookings:run", kwargs={"run_id": run.public_id})).content.decode()
    assert "no exchange rate GBP->USD recorded" in page
