"""Races on PostgreSQL: two people (or two deliveries) doing the same money or miles
thing at the same moment. Exactly one wins, the other is told clearly (a typed error or
the page's own message, never a 500) and the ledger stays consistent.

Real threads, each with its own connection and committed transactions, so the row locks,
unique indexes and ledger constraints are what decide, not a test transaction.
Run: ``DATABASE_URL=$(scripts/postgres start) SAFEPASSAGE_SKIP_BOOTSTRAP=1 scripts/test
tests/robustness -p no:cacheprovider``."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.bookings import actions
from safepassage.bookings.errors import PledgeChanged
from safepassage.bookings.models import AllocationRun, BookingRequest, BookingStatus, Trip
from safepassage.cases.actions import do_add_case_member
from safepassage.cases.models import CaseReferral
from safepassage.core.ledger import MoneyOwner, OwnerKind
from safepassage.core.money import Money
from safepassage.donations.models import Pledge, SponsorMatch
from safepassage.donations.pledges.actions import do_change_pledge
from safepassage.donations.pledges.errors import MilesSetAside
from safepassage.donations.pledges.selectors import committed_miles, get_balance
from safepassage.donations.selectors import get_campaign_totals
from safepassage.ledger.models import LedgerTransaction, Posting
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
    KeyedStaff,
    make_keyed_staff,
    referable_case,
    sign_in_with_keys,
)
from tests.donations.gift_factories import deliver, gift_event, make_campaign
from tests.robustness.races import together

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _second_coordinator(network: Network) -> KeyedStaff:
    """Another coordinator of the organisation, on every case the first one works on."""
    other = make_keyed_staff(Role.TRAVEL_COORDINATOR, network.organisation)
    for membership in network.coordinator.user.case_memberships.select_related("case"):
        do_add_case_member(
            actor=network.coordinator.user,
            key_pair=network.coordinator.key_pair,
            case=membership.case,
            member=other.user,
        )
    return other


def _accept_page(client: Client, run: AllocationRun) -> object:
    served = [item["request"] for item in (run.plan or {})["served"]]
    return client.post(
        reverse("bookings:run_accept", kwargs={"run_id": run.public_id}), {"requests": served}
    )


def _statuses(results: list[object]) -> list[int]:
    return sorted(getattr(result, "status_code", 0) for result in results)


def _miles_add_up(pledge: Pledge) -> None:
    pledge.refresh_from_db()
    balance = get_balance(pledge=pledge)
    rows = BookingRequest.objects.filter(pledge=pledge)
    assert balance.reserved.amount == sum(r.ledger_points for r in rows if r.is_open)
    assert balance.redeemed.amount == sum(
        r.points_redeemed for r in rows if r.status == BookingStatus.BOOKED
    )
    assert verify_ledger().lines == []


def test_two_coordinators_accepting_the_same_run_at_once_make_one_trip() -> None:
    # given a solved run planning one request on one pledge, and two coordinators
    network = make_network()
    case = planned_case(network)
    travel_request(case, program=network.program, travellers=2, miles=20_000)
    pledge = pledge_of(network, miles=50_000)
    run = solved_run(network)
    other = _second_coordinator(network)
    clients = [sign_in_with_keys(Client(), network.coordinator), sign_in_with_keys(Client(), other)]
    # when both press Accept at the same moment
    results = together(*(lambda c=c: _accept_page(c, run) for c in clients))
    # then both pages answer, one trip exists, its miles were reserved once
    assert _statuses(results) == [200, 200]
    assert Trip.objects.filter(case=case).count() == 1
    assert get_balance(pledge=pledge).reserved.amount == 40_000
    pages = [result.content.decode() for result in results]  # type: ignore[attr-defined]  # responses
    refusals = ("already has an accepted allocation", "has changed, expired or been withdrawn")
    assert sum(any(words in page for words in refusals) for page in pages) == 1
    _miles_add_up(pledge)


def test_two_runs_wanting_the_same_pledge_accepted_at_once_reserve_it_once() -> None:
    # given one pledge of 30,000 and two runs, each planning 20,000 of it for another case
    network = make_network()
    travel_request(planned_case(network), program=network.program, travellers=1)
    pledge = pledge_of(network, miles=30_000)
    first = solved_run(network)
    travel_request(planned_case(network), program=network.program, travellers=1)
    second = solved_run(network)
    other = _second_coordinator(network)
    clients = [sign_in_with_keys(Client(), network.coordinator), sign_in_with_keys(Client(), other)]
    # when each coordinator accepts one run at the same moment
    results = together(
        lambda: _accept_page(clients[0], first), lambda: _accept_page(clients[1], second)
    )
    # then both pages answer, the miles are reserved at most 30,000 and for one trip each
    assert _statuses(results) == [200, 200]
    reserved = get_balance(pledge=pledge).reserved.amount
    assert reserved <= 30_000
    assert reserved == 20_000 * Trip.objects.count()
    _miles_add_up(pledge)


@pytest.mark.parametrize("repeat", range(3))
def test_a_donor_lowering_a_pledge_while_its_run_is_accepted_never_loses_either(
    repeat: int,
) -> None:
    # given a run planning 20,000 miles of a 50,000 pledge
    network = make_network()
    travel_request(planned_case(network), program=network.program, travellers=1)
    pledge = pledge_of(network, miles=50_000)
    run = solved_run(network)
    # when the donor lowers the pledge to 10,000 while the coordinator accepts the run
    results = together(
        lambda: do_change_pledge(
            pledge_id=pledge.public_id,
            miles=10_000,
            expires_on=pledge.expires_on,
            change_token="race",
        ),
        lambda: accept_all(network, run),
    )
    change, acceptance = results
    # then exactly one of them happened, the other was refused with a typed reason
    pledge.refresh_from_db()
    balance = get_balance(pledge=pledge)
    if isinstance(change, MilesSetAside):
        assert isinstance(acceptance, actions.Acceptance)
        assert len(acceptance.accepted) == 1
        assert (pledge.miles, balance.reserved.amount) == (50_000, 20_000)
    else:
        assert isinstance(change, Pledge), change
        assert isinstance(acceptance, actions.Acceptance), acceptance
        assert acceptance.accepted == ()
        assert all(isinstance(e, PledgeChanged) for e in acceptance.refused.values())
        assert (pledge.miles, balance.reserved.amount) == (10_000, 0)
    assert pledge.miles == committed_miles(balance=balance)
    _miles_add_up(pledge)


def _booked_trip(network: Network) -> BookingRequest:
    fund_cash(network, amount="500.00")
    case = planned_case(network)
    travel_request(case, program=network.program, travellers=1, miles=20_000)
    pledge_of(network, miles=30_000)
    accept_all(network, solved_run(network))
    return sent_trip(network, Trip.objects.get(case=case))[0]


def test_the_same_booking_recorded_twice_at_once_redeems_and_pays_once() -> None:
    # given a booking request sent to its donor, and the coordinator's page open twice
    network = make_network()
    booking = _booked_trip(network)
    fund = MoneyOwner(kind=OwnerKind.FUND, owner_id=str(network.organisation.public_id))
    held = get_cash_balance(owner=fund, currency="USD").amount
    clients = [sign_in_with_keys(Client(), network.coordinator) for _ in range(2)]
    url = reverse("bookings:booking_record", kwargs={"booking_id": booking.public_id})
    form = {"locator": "QX7LMB", "miles_charged": "20000", "taxes": "45.00", "currency": "USD"}
    # when both are sent at the same moment
    results = together(*(lambda c=c: c.post(url, form) for c in clients))
    # then one recorded it, the other page says it is no longer open; one redemption, one payment
    assert _statuses(results) == [200, 302]
    refused = next(r for r in results if r.status_code == 200)  # type: ignore[attr-defined]  # responses
    assert "no longer open" in refused.content.decode()  # type: ignore[attr-defined]  # response
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert get_balance(pledge=booking.pledge).redeemed.amount == 20_000  # type: ignore[arg-type]  # has a pledge
    reference = f"booking-request:{booking.public_id}"
    assert LedgerTransaction.objects.filter(reference=reference, kind="redeem").count() == 1
    assert LedgerTransaction.objects.filter(reference=reference, kind="disburse").count() == 1
    assert get_cash_balance(owner=fund, currency="USD").amount == held - Decimal("45.00")
    _miles_add_up(booking.pledge)  # type: ignore[arg-type]  # has a pledge


def test_a_booking_cancelled_twice_at_once_gives_its_miles_back_once() -> None:
    # given a recorded booking
    network = make_network()
    booking = _booked_trip(network)
    actions.do_record_booking(
        booking=booking,
        record=actions.BookingRecord(
            locator="QX7LMB", miles_charged=20_000, taxes=Decimal(0), currency="USD"
        ),
        actor_ref="anonymous",
    )
    clients = [sign_in_with_keys(Client(), network.coordinator) for _ in range(2)]
    url = reverse("bookings:booking_cancel", kwargs={"booking_id": booking.public_id})
    # when Cancel is pressed in two tabs at the same moment
    results = together(*(lambda c=c: c.post(url) for c in clients))
    # then one cancelled it, the other was told it already was (409, not 500)
    assert _statuses(results) == [302, 409]
    pledge = booking.pledge
    assert pledge is not None
    balance = get_balance(pledge=pledge)
    assert (balance.available.amount, balance.redeemed.amount) == (30_000, 0)
    reference = f"booking-request:{booking.public_id}"
    assert LedgerTransaction.objects.filter(reference=reference, kind="return").count() == 1
    _miles_add_up(pledge)


def test_two_guests_giving_against_a_sponsor_cap_at_once_never_match_past_it() -> None:
    # given a campaign whose sponsor doubles gifts up to 100 EUR, 60 EUR given so far
    campaign = make_campaign()
    SponsorMatch.objects.create(
        campaign=campaign,
        sponsor_name="Sponsor",
        ratio=Decimal(1),
        cap=Decimal(100),
        currency="EUR",
    )
    deliver(Client(), gift_event(id="evt_first", campaign=str(campaign.public_id), amount="60.00"))
    # when two guests give 30 EUR at the same moment
    results = together(
        *(
            lambda n=n: deliver(
                Client(),
                gift_event(id=f"evt_guest_{n}", campaign=str(campaign.public_id), amount="30.00"),
            )
            for n in range(2)
        )
    )
    # then both gifts count and the match stops at its cap
    assert _statuses(results) == [200, 200]
    totals = get_campaign_totals(campaign=campaign)
    assert totals.given == Money(amount=Decimal("120.00"), currency="EUR")
    assert totals.matched == Money(amount=Decimal("100.00"), currency="EUR")
    owner = MoneyOwner(kind=OwnerKind.CAMPAIGN, owner_id=str(campaign.public_id))
    assert get_cash_balance(owner=owner, currency="EUR").amount == Decimal("120.00")
    assert verify_ledger().lines == []


def test_two_deliveries_of_one_provider_event_at_once_record_one_gift() -> None:
    # given one provider event
    campaign = make_campaign()
    event = gift_event(id="evt_twice", campaign=str(campaign.public_id), amount="25.00")
    # when it is delivered twice at the same moment
    results = together(lambda: deliver(Client(), event), lambda: deliver(Client(), event))
    # then both deliveries are answered 200, one gift and one posting exist
    assert _statuses(results) == [200, 200]
    outcomes = sorted(r.json()["status"] for r in results)  # type: ignore[attr-defined]  # responses
    assert outcomes == ["duplicate", "recorded"]
    assert Posting.objects.filter(owner_id=str(campaign.public_id)).count() == 1
    assert verify_ledger().lines == []


def test_a_referral_sent_twice_at_once_refers_the_case_once() -> None:
    # given partners A and B and a case of A, its referral form open in two tabs
    referable = referable_case()
    case = referable.case
    clients = [sign_in_with_keys(Client(), referable.sender) for _ in range(2)]
    url = reverse("cases:refer", kwargs={"case_id": case.public_id})
    form = referable.referral_form()
    # when both are sent at the same moment (a double click)
    results = together(*(lambda c=c: c.post(url, form) for c in clients))
    # then one referral exists and the other page says it already does
    assert _statuses(results) == [200, 302], results
    refused = next(r for r in results if r.status_code == 200)  # type: ignore[attr-defined]  # responses
    assert "already" in refused.content.decode()  # type: ignore[attr-defined]  # response
    assert CaseReferral.objects.filter(case=case).count() == 1
    assert AuditEvent.objects.filter(action="case.referred.sent").count() == 1
