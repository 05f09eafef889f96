"""Double submit and the back button, through the pages: the same form sent twice (or an
old page sent again after things moved on) never makes two of anything and never ends in
a server error; the second answer says what happened."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.audit.models import AuditEvent
from safepassage.bookings.models import BookingRequest, BookingStatus, Trip
from safepassage.cases.models import CaseReferral
from safepassage.core.ledger import MoneyOwner, OwnerKind
from safepassage.donations.models import Pledge, PledgeStatus
from safepassage.donations.pledges import forms as pledge_forms
from safepassage.donations.pledges.actions import check_change_pledge
from safepassage.donations.pledges.selectors import committed_miles, get_balance
from safepassage.donations.pledges.tokens import (
    make_confirm_token,
    make_manage_token,
    new_submission_token,
)
from safepassage.ledger.models import LedgerTransaction
from safepassage.ledger.selectors import get_cash_balance, verify_ledger
from tests.bookings.factories import (
    Network,
    accept_all,
    fund_cash,
    make_network,
    planned_case,
    pledge_of,
    sent_trip,
    solved_run,
    travel_request,
)
from tests.cases.factories import (
    referable_case,
    sign_in_with_keys,
)
from tests.donations.pledges.factories import submit_pledge

pytestmark = pytest.mark.django_db


def _ledger_writes() -> tuple[int, int]:
    return LedgerTransaction.objects.count(), AuditEvent.objects.count()


def test_the_confirmation_link_sent_twice_pledges_the_miles_once() -> None:
    # given a pledge waiting for its confirmation
    pledge = submit_pledge(miles=40_000)
    url = reverse(
        "donations:pledge_confirm", kwargs={"token": make_confirm_token(pledge.public_id)}
    )
    client = Client()
    # when the donor presses Confirm twice
    first, second = client.post(url), client.post(url)
    # then both lead to the pledge's page and the miles were pledged once
    assert (first.status_code, second.status_code) == (302, 302)
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.CONFIRMED
    assert get_balance(pledge=pledge).pledged.amount == 40_000
    assert LedgerTransaction.objects.filter(reference=f"pledge:{pledge.public_id}").count() == 1


def _accept(client: Client, run_id: object, served: list[str]) -> str:
    response = client.post(
        reverse("bookings:run_accept", kwargs={"run_id": run_id}), {"requests": served}
    )
    assert response.status_code == 200
    return response.content.decode()


def test_accepting_a_run_twice_makes_one_trip_and_says_it_was_already_accepted() -> None:
    # given a solved run for one request on one pledge
    network = make_network()
    case = planned_case(network)
    travel_request(case, program=network.program, travellers=2, miles=20_000)
    pledge = pledge_of(network, miles=50_000)
    run = solved_run(network)
    served = [item["request"] for item in (run.plan or {})["served"]]
    client = sign_in_with_keys(Client(), network.coordinator)
    # when Accept is pressed, then pressed again (double click, or back and again)
    _accept(client, run.public_id, served)
    writes = _ledger_writes()
    second = _accept(client, run.public_id, served)
    # then one trip, its miles reserved once, and the second page says why nothing happened
    assert Trip.objects.filter(case=case).count() == 1
    assert get_balance(pledge=pledge).reserved.amount == 40_000
    assert "already has an accepted allocation" in second
    assert LedgerTransaction.objects.count() == writes[0]
    assert verify_ledger().lines == []


def _sent_booking(network: Network) -> BookingRequest:
    fund_cash(network, amount="500.00")
    case = planned_case(network)
    travel_request(case, program=network.program, travellers=1, miles=20_000)
    pledge_of(network, miles=30_000)
    accept_all(network, solved_run(network))
    return sent_trip(network, Trip.objects.get(case=case))[0]


RECORD = {"locator": "QX7LMB", "miles_charged": "20000", "taxes": "45.00", "currency": "USD"}


def test_recording_a_booking_twice_redeems_and_pays_once() -> None:
    # given a booking request sent to its donor
    network = make_network()
    booking = _sent_booking(network)
    fund = MoneyOwner(kind=OwnerKind.FUND, owner_id=str(network.organisation.public_id))
    held = get_cash_balance(owner=fund, currency="USD").amount
    client = sign_in_with_keys(Client(), network.coordinator)
    url = reverse("bookings:booking_record", kwargs={"booking_id": booking.public_id})
    # when the coordinator sends the record form twice
    first = client.post(url, RECORD)
    writes = _ledger_writes()
    second = client.post(url, RECORD)
    # then the first recorded it; the second says it is no longer open and wrote nothing
    assert first.status_code == 302
    assert second.status_code == 200
    assert "no longer open" in second.content.decode()
    assert _ledger_writes() == writes
    assert booking.pledge is not None
    assert get_balance(pledge=booking.pledge).redeemed.amount == 20_000
    assert get_cash_balance(owner=fund, currency="USD").amount == held - Decimal("45.00")
    assert verify_ledger().lines == []


def test_the_record_page_sent_again_after_a_cancellation_changes_nothing() -> None:
    # given a booking request the coordinator cancelled, the record page still open
    network = make_network()
    booking = _sent_booking(network)
    client = sign_in_with_keys(Client(), network.coordinator)
    cancel = reverse("bookings:booking_cancel", kwargs={"booking_id": booking.public_id})
    assert client.post(cancel).status_code == 302
    writes = _ledger_writes()
    # when the old record form is sent (the back button), and Cancel is pressed again
    record = client.post(
        reverse("bookings:booking_record", kwargs={"booking_id": booking.public_id}), RECORD
    )
    again = client.post(cancel)
    # then both are refused with their reason and nothing was written
    assert record.status_code == 200
    assert "no longer open" in record.content.decode()
    assert again.status_code == 409
    assert _ledger_writes() == writes
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.pledge is not None
    balance = get_balance(pledge=booking.pledge)
    assert (balance.available.amount, balance.reserved.amount) == (30_000, 0)
    assert verify_ledger().lines == []


def test_a_referral_sent_twice_refers_once_and_says_so() -> None:
    # given partners A and B and a case of A
    referable = referable_case()
    case = referable.case
    client = sign_in_with_keys(Client(), referable.sender)
    url = reverse("cases:refer", kwargs={"case_id": case.public_id})
    form = referable.referral_form()
    # when the form is sent twice
    first = client.post(url, form)
    events = AuditEvent.objects.count()
    second = client.post(url, form)
    # then one referral, and the second page says the case is already referred
    assert first.status_code == 302
    assert second.status_code == 200
    assert "already referred" in second.content.decode()
    assert CaseReferral.objects.filter(case=case).count() == 1
    assert AuditEvent.objects.count() == events


def test_a_pledge_change_overtaken_by_an_acceptance_is_refused_on_the_form(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a 50,000 pledge that a solved run plans 20,000 of
    network = make_network()
    travel_request(planned_case(network), program=network.program, travellers=1)
    pledge = pledge_of(network, miles=50_000)
    run = solved_run(network)
    # and the coordinator accepts that run just after the donor's form was checked

    def then_accepted(**kwargs: object) -> None:
        check_change_pledge(**kwargs)  # type: ignore[arg-type]  # the form's own arguments
        accept_all(network, run)

    monkeypatch.setattr(pledge_forms, "check_change_pledge", then_accepted)
    url = reverse("donations:pledge_change", kwargs={"token": make_manage_token(pledge.public_id)})
    data = {
        "miles": 10_000,
        "expires_on": pledge.expires_on.isoformat(),
        "change_token": new_submission_token(),
    }
    # when the donor's lower total reaches the pledge after the reservation
    response = Client(raise_request_exception=False).post(url, data)
    # then the donor is told on the form (no server error) and nothing of the change is kept
    assert response.status_code == 200
    assert "already set aside or used for a traveller" in response.content.decode()
    pledge = Pledge.objects.get(pk=pledge.pk)
    balance = get_balance(pledge=pledge)
    assert (pledge.miles, balance.reserved.amount) == (50_000, 20_000)
    assert pledge.miles == committed_miles(balance=balance)
    assert verify_ledger().lines == []
