"""Taxes not known (no sourced taxes row, no quote): the allocator counts only their known
part, so the run says so instead of showing an unknown as a known amount. Runs are not
blocked (coordinators often quote later)."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.bookings import actions, selectors
from safepassage.bookings.models import AllocationRun
from safepassage.travel.models import FarePrice, PriceBasis, TravelRequest
from tests.bookings.factories import (
    booked_trip,
    cover_budget,
    make_network,
    planned_case,
    pledge_of,
    solved_run,
    travel_request,
)
from tests.cases.factories import sign_in_with_keys

pytestmark = pytest.mark.django_db


def _unknown(request: TravelRequest) -> None:
    FarePrice.objects.filter(fare__option__request=request).update(
        taxes_known=False, basis=PriceBasis.ESTIMATE
    )


def test_a_ticket_with_unknown_taxes_is_listed_and_the_cash_is_at_least() -> None:
    # given one request whose taxes are known and one whose taxes are only partly known
    network = make_network()
    known_case = planned_case(network)
    travel_request(known_case, program=network.program, travellers=1, taxes="30.00")
    unknown_case = planned_case(network)
    unknown_request = travel_request(
        unknown_case, program=network.program, travellers=2, taxes="0.00"
    )
    _unknown(unknown_request)
    pledge_of(network, miles=100_000)
    # when a run is solved
    run = solved_run(network)
    # then both are served, the run is not blocked, and only the second is flagged
    review = selectors.get_run_review(run=run)
    assert review is not None
    assert {r.case_code for r in review.served} == {known_case.code, unknown_case.code}
    assert not review.taxes_known
    assert [r.case_code for r in review.with_unknown_taxes] == [unknown_case.code]
    flagged = review.with_unknown_taxes[0].tickets_with_unknown_taxes
    assert [(t.travellers, t.program) for t in flagged] == [(2, network.program.code)]
    assert review.cash == Decimal("30.00")
    # and the page says "at least" and lists the case code under the quote notice
    client = sign_in_with_keys(Client(), network.coordinator)
    page = client.get(reverse("bookings:run", kwargs={"run_id": run.public_id})).content.decode()
    assert "Taxes not known: quote them before booking" in page
    assert "at least 30.00 USD (some taxes are not known)" in page
    assert "at least 0.00 USD (taxes not known)" in page
    notice = page.split('id="taxes-not-known"')[1].split("</section>")[0]
    assert unknown_case.code in notice
    assert known_case.code not in notice
    assert f"2 tickets in {network.program.code}" in notice


def test_a_plan_with_known_taxes_shows_plain_cash_and_no_notice() -> None:
    network = make_network()
    case = planned_case(network)
    travel_request(case, program=network.program, travellers=1, taxes="30.00")
    pledge_of(network)
    run = solved_run(network)
    review = selectors.get_run_review(run=run)
    assert review is not None
    assert review.taxes_known
    assert review.with_unknown_taxes == ()
    client = sign_in_with_keys(Client(), network.coordinator)
    page = client.get(reverse("bookings:run", kwargs={"run_id": run.public_id})).content.decode()
    assert 'id="taxes-not-known"' not in page
    assert "at least" not in page


def test_a_cash_ticket_is_not_flagged_even_if_a_program_price_has_unknown_taxes() -> None:
    # given a fare with a program price of unknown taxes and a cash price, and no pledge
    network = make_network()
    case = planned_case(network)
    request = travel_request(
        case, program=network.program, travellers=1, taxes="0.00", cash_price="200.00"
    )
    _unknown(request)
    # when the plan pays it in cash
    run = solved_run(network)
    review = selectors.get_run_review(run=run)
    assert review is not None
    assert [t.pledge for r in review.served for t in r.tickets] == [None]
    # then the cash price is known: nothing to quote
    assert review.taxes_known
    assert review.cash == Decimal("200.00")


def test_the_runs_page_warns_how_many_options_have_unknown_taxes_but_still_runs() -> None:
    # given two open requests with unknown taxes and one with known taxes
    network = make_network()
    for taxes_known in (False, False, True):
        request = travel_request(planned_case(network), program=network.program)
        if not taxes_known:
            _unknown(request)
    assert selectors.count_options_with_unknown_taxes(organisation=network.organisation) == 2
    client = sign_in_with_keys(Client(), network.coordinator)
    url = reverse("bookings:runs", kwargs={"organisation_id": network.organisation.public_id})
    # when the coordinator opens the runs page
    page = client.get(url).content.decode()
    # then it warns before the run starts
    assert "2 route options of the open requests have taxes that are not known" in page
    # and starting the run is not blocked
    cover_budget(network.organisation, budget=Decimal(1000))
    response = client.post(
        url, {"cash_budget": "1000", "currency": "USD", "time_limit_seconds": "5"}
    )
    assert response.status_code == 302
    assert AllocationRun.objects.filter(organisation=network.organisation).count() == 1


def test_the_runs_page_has_no_warning_when_every_tax_is_known() -> None:
    network = make_network()
    travel_request(planned_case(network), program=network.program)
    client = sign_in_with_keys(Client(), network.coordinator)
    url = reverse("bookings:runs", kwargs={"organisation_id": network.organisation.public_id})
    assert 'id="unknown-taxes-warning"' not in client.get(url).content.decode()


def test_a_rebooked_ticket_keeps_its_unknown_taxes_flag() -> None:
    # given a booked ticket whose run counted unknown taxes, declined by the donor
    network = make_network()
    pledge_of(network, miles=40_000)
    _trip, booking = booked_trip(network)
    run = booking.run
    run.request_snapshot[booking.request_ref][selectors.TAXES_UNKNOWN] = [
        {"fare": booking.fare_ref, "program": network.program.code}
    ]
    run.save(update_fields=["request_snapshot"])
    actions.do_decline_booking(booking=booking, actor_ref="anonymous")
    # when the next run serves the tickets again
    pledge_of(network, miles=40_000)
    second = solved_run(network)
    # then the rebooking is still flagged: its taxes are still not known
    review = selectors.get_run_review(run=second)
    assert review is not None
    assert [r.kind for r in review.with_unknown_taxes] == ["rebook"]
    assert not review.taxes_known
