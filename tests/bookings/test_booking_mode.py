"""Who books a ticket follows the program's rules and the donor's answer (issue 6, item 7):
the donor books unless the program allows booking with the donor's delegated access AND
the donor agreed; cash tickets are the coordinator's. The coordinator may hand a request
to the donor at any time, but may take one over only where both allow it."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from safepassage.audit.models import AuditEvent
from safepassage.bookings import actions, selectors
from safepassage.bookings.errors import (
    DelegationRuleUnknown,
    DonorHasNotAgreed,
    ProgramRequiresDonor,
)
from safepassage.bookings.models import BookingMode, BookingRequest, BookingStatus
from safepassage.donations.models import BookingForOthers, DelegatedBooking, Pledge, Program
from safepassage.donations.pledges.actions import do_set_delegated_booking_consent
from tests.bookings.factories import (
    Network,
    accept_all,
    allow_delegation,
    booked_trip,
    committed,
    make_network,
    planned_case,
    sent_trip,
    solved_run,
    travel_request,
)
from tests.donations.pledges.factories import confirmed_pledge, make_bank_points, make_program
from tests.factories import sign_in

pytestmark = pytest.mark.django_db


def _network(rule: str, **program: object) -> Network:
    network = make_network()
    network.program = make_program(delegated=rule, **program)  # type: ignore[arg-type]  # test kwargs
    return network


def _accepted(network: Network, pledge: Pledge | None, *, cash: bool = False) -> BookingRequest:
    """One travel request, allocated and accepted: its one booking request."""
    case = planned_case(network)
    if cash:
        travel_request(case, program=network.program, travellers=1, miles=0, cash_price="300.00")
    else:
        travel_request(case, program=network.program, travellers=1, miles=20_000)
    accept_all(network, solved_run(network))
    return BookingRequest.objects.get(trip__case=case)


@pytest.mark.parametrize(
    ("rule", "consent", "mode"),
    [
        (DelegatedBooking.DONOR_MUST_BOOK, False, BookingMode.DONOR),
        (DelegatedBooking.DONOR_MUST_BOOK, True, BookingMode.DONOR),
        (DelegatedBooking.UNKNOWN, False, BookingMode.DONOR),
        (DelegatedBooking.UNKNOWN, True, BookingMode.DONOR),
        (DelegatedBooking.WITH_CONSENT, False, BookingMode.DONOR),
        (DelegatedBooking.WITH_CONSENT, True, BookingMode.COORDINATOR),
    ],
)
def test_the_mode_is_derived_when_the_request_is_created(
    rule: str, consent: bool, mode: str
) -> None:
    # given a pledge of a program with ``rule`` whose donor did (not) agree
    network = _network(rule)
    pledge = confirmed_pledge(program=network.program, miles=50_000)
    Pledge.objects.filter(pk=pledge.pk).update(delegated_booking_consent=consent)
    # when the coordinator accepts an allocation paid from it
    booking = _accepted(network, pledge)
    # then the booking request gets the mode the rules give
    assert booking.pledge == pledge
    assert booking.mode == mode


def test_a_cash_ticket_is_booked_by_the_coordinator() -> None:
    network = _network(DelegatedBooking.DONOR_MUST_BOOK)
    booking = _accepted(network, None, cash=True)
    assert booking.pledge is None
    assert booking.mode == BookingMode.COORDINATOR
    rule = selectors.get_booking_mode_rule(pledge=None)
    assert (rule.reason, rule.delegation_allowed) == (selectors.ModeReason.CASH, True)


def test_bank_points_follow_the_stricter_of_the_two_programs() -> None:
    # given card points (the donor must book) going to an airline that allows delegation,
    # with the donor's consent recorded against the rules
    airline = make_program(delegated=DelegatedBooking.WITH_CONSENT)
    bank = make_bank_points(partner=airline)
    Program.objects.filter(pk=bank.pk).update(delegated_booking=DelegatedBooking.DONOR_MUST_BOOK)
    bank.refresh_from_db()
    pledge = confirmed_pledge(program=bank, miles=50_000)
    Pledge.objects.filter(pk=pledge.pk).update(transfer_partner=airline)
    pledge.refresh_from_db()
    Pledge.objects.filter(pk=pledge.pk).update(delegated_booking_consent=True)
    pledge.refresh_from_db()
    # then the card points' rule decides: the donor books
    rule = selectors.get_booking_mode_rule(pledge=pledge)
    assert rule.mode == BookingMode.DONOR
    assert rule.reason == selectors.ModeReason.PROGRAM_REQUIRES_DONOR
    assert rule.rule is not None
    assert rule.rule.program == bank


@pytest.mark.parametrize(
    ("rule", "consent", "error"),
    [
        (DelegatedBooking.DONOR_MUST_BOOK, True, ProgramRequiresDonor),
        (DelegatedBooking.UNKNOWN, True, DelegationRuleUnknown),
        (DelegatedBooking.WITH_CONSENT, False, DonorHasNotAgreed),
    ],
)
def test_taking_a_request_over_is_refused_and_nothing_is_written_or_sent(
    rule: str, consent: bool, error: type[Exception]
) -> None:
    # given a request sent to the donor, whose program or donor does not allow delegation
    network = _network(rule)
    pledge = confirmed_pledge(program=network.program, miles=50_000)
    Pledge.objects.filter(pk=pledge.pk).update(delegated_booking_consent=consent)
    _trip, booking = booked_trip(network, travellers=1)
    before = (
        booking.mode,
        booking.status,
        booking.link_version,
        bytes(booking.donor_passengers or b""),
    )
    events = AuditEvent.objects.count()
    mail.outbox.clear()
    # when the coordinator tries to book it with the donor's access
    with committed(), pytest.raises(error) as refused:
        actions.do_set_booking_mode(
            actor=network.coordinator.user, booking=booking, mode=BookingMode.COORDINATOR
        )
    # then the refusal says why, and nothing changed, was recorded or was sent
    assert str(refused.value)
    booking.refresh_from_db()
    after = (
        booking.mode,
        booking.status,
        booking.link_version,
        bytes(booking.donor_passengers or b""),
    )
    assert after == before
    assert AuditEvent.objects.count() == events
    assert mail.outbox == []


def test_the_refusal_is_a_clear_page_over_http() -> None:
    network = _network(DelegatedBooking.DONOR_MUST_BOOK)
    confirmed_pledge(program=network.program, miles=50_000)
    _trip, booking = booked_trip(network, travellers=1)
    response = sign_in(Client(), network.coordinator.staff).post(
        reverse("bookings:booking_mode", kwargs={"booking_id": booking.public_id}),
        {"mode": "coordinator"},
    )
    assert response.status_code == 409
    assert "the donor must book with these miles" in response.text
    booking.refresh_from_db()
    assert booking.mode == BookingMode.DONOR


def test_with_the_program_and_the_donor_agreeing_the_coordinator_takes_it_over() -> None:
    network = _network(DelegatedBooking.UNKNOWN)
    pledge = confirmed_pledge(program=network.program, miles=50_000)
    _trip, booking = booked_trip(network, travellers=1)
    allow_delegation(pledge)
    taken = actions.do_set_booking_mode(
        actor=network.coordinator.user, booking=booking, mode=BookingMode.COORDINATOR
    )
    assert taken.mode == BookingMode.COORDINATOR
    assert taken.donor_passengers is None


def test_a_request_can_always_go_back_to_the_donor() -> None:
    # given a request the coordinator books with the donor's access
    network = _network(DelegatedBooking.WITH_CONSENT)
    pledge = confirmed_pledge(program=network.program, miles=50_000)
    do_set_delegated_booking_consent(pledge_id=pledge.public_id, consent=True)
    booking = _accepted(network, pledge)
    assert booking.mode == BookingMode.COORDINATOR
    # when the donor withdraws consent and the program's rule changes
    do_set_delegated_booking_consent(pledge_id=pledge.public_id, consent=False)
    Program.objects.filter(pk=network.program.pk).update(
        delegated_booking=DelegatedBooking.DONOR_MUST_BOOK
    )
    # then the coordinator can still hand it to the donor
    back = actions.do_set_booking_mode(
        actor=network.coordinator.user, booking=booking, mode=BookingMode.DONOR
    )
    assert back.mode == BookingMode.DONOR
    assert back.status == BookingStatus.RESERVED


def test_the_trip_page_says_why_with_the_rule_its_source_and_the_donors_answer() -> None:
    # given a request of a program whose seeded-style fact names its source
    network = _network(DelegatedBooking.DONOR_MUST_BOOK)
    network.program.facts.create(
        topic="delegated_booking",
        statement="The donor must book.",
        source="Miles4Migrants Terms of Pledge, last revised 27 Mar 2024",
        as_of="2024-03-27",
    )
    confirmed_pledge(program=network.program, miles=50_000)
    trip, booking = booked_trip(network, travellers=1)
    # when the coordinator opens the trip
    page = (
        sign_in(Client(), network.coordinator.staff)
        .get(reverse("bookings:trip", kwargs={"trip_id": trip.public_id}))
        .text
    )
    # then the rule, its source and date are shown, and no take-over button is offered
    assert f"{network.program.name}: The donor must book" in page
    assert "Miles4Migrants Terms of Pledge, last revised 27 Mar 2024, as of 2024-03-27" in page
    assert "delegated access</button>" not in page
    # and the page where a booking is recorded says the same
    booking_page = (
        sign_in(Client(), network.coordinator.staff)
        .get(reverse("bookings:booking_record", kwargs={"booking_id": booking.public_id}))
        .text
    )
    assert f"{network.program.name}: The donor must book" in booking_page
    assert "as of 2024-03-27" in booking_page


def test_the_trip_page_shows_the_donors_consent_and_offers_the_take_over() -> None:
    network = _network(DelegatedBooking.WITH_CONSENT)
    pledge = confirmed_pledge(program=network.program, miles=50_000)
    trip, _booking = booked_trip(network, travellers=1)
    client = sign_in(Client(), network.coordinator.staff)
    url = reverse("bookings:trip", kwargs={"trip_id": trip.public_id})
    page = client.get(url).text
    assert "The donor has not agreed that the fund may book with their access." in page
    assert "(no source recorded)" in page
    assert "delegated access</button>" not in page
    do_set_delegated_booking_consent(pledge_id=pledge.public_id, consent=True)
    page = client.get(url).text
    assert "The donor agreed that the fund may book with their access." in page
    assert "delegated access</button>" in page


@pytest.mark.parametrize(
    ("booking_for_others", "limit", "donor_says", "coordinator_says"),
    [
        (
            BookingForOthers.NAMED_NOMINEES,
            5,
            "only for named nominees (at most 5): add the travellers as nominees in your "
            "account first.",
            "only for named nominees (at most 5): the travellers must be added as nominees "
            "in the donor's account before booking.",
        ),
        (
            BookingForOthers.FAMILY_ONLY,
            None,
            "only for the member's family, as its terms put it: book only if the "
            "program lets you book for these travellers.",
            "only for the member's family, as its terms put it: the donor can book only",
        ),
    ],
)
def test_the_donor_and_the_coordinator_see_the_programs_nominee_rule(
    booking_for_others: str, limit: int | None, donor_says: str, coordinator_says: str
) -> None:
    # given a request of a program that books only for nominees (or family)
    network = _network(DelegatedBooking.WITH_CONSENT, nominee_limit=limit)
    # (the pledge form refuses such programs' pledges; an admin may change a rule later)
    network.program.booking_for_others = BookingForOthers.ANYONE
    network.program.save(update_fields=["booking_for_others"])
    pledge = confirmed_pledge(program=network.program, miles=50_000)
    Program.objects.filter(pk=network.program.pk).update(booking_for_others=booking_for_others)
    mail.outbox.clear()
    trip, booking = booked_trip(network, travellers=1)
    assert booking.pledge == pledge
    # when the donor opens their link
    link = str(mail.outbox[-1].body).split("127.0.0.1:8000", 1)[1].split()[0]
    donor_page = Client().get(link).text
    # then the rule is shown before any code is asked for
    assert donor_says in donor_page
    assert "please decline this request" in donor_page
    # and the coordinator sees it on the trip page
    trip_page = (
        sign_in(Client(), network.coordinator.staff)
        .get(reverse("bookings:trip", kwargs={"trip_id": trip.public_id}))
        .text
    )
    assert coordinator_says in trip_page


def test_a_pledge_of_a_program_that_cannot_book_for_others_is_not_offered() -> None:
    # given two pledges, and an admin who later learns one program cannot book for others
    network = make_network()
    usable = confirmed_pledge(program=network.program, miles=50_000)
    closed_program = make_program()
    closed = confirmed_pledge(program=closed_program, miles=50_000)
    Program.objects.filter(pk=closed_program.pk).update(
        booking_for_others=BookingForOthers.NOT_ALLOWED
    )
    travel_request(planned_case(network), program=closed_program, travellers=1, miles=20_000)
    # when a run is made
    run = solved_run(network)
    # then only the usable pledge is in the allocator's problem, and nothing is served
    offered = {pledge["id"] for pledge in run.problem["pledges"]}
    assert str(usable.public_id) in offered
    assert str(closed.public_id) not in offered
    assert str(closed.public_id) not in run.pledge_snapshot
    assert not (run.plan or {}).get("served")


def test_bank_points_without_an_airline_are_not_offered_either() -> None:
    network = make_network()
    bank = make_bank_points(partner=network.program)
    points = confirmed_pledge(program=network.program, miles=50_000)
    Pledge.objects.filter(pk=points.pk).update(program=bank, transfer_partner=None)
    points.refresh_from_db()
    assert not selectors.pledge_can_book_for_others(pledge=points)
    Pledge.objects.filter(pk=points.pk).update(transfer_partner=network.program)
    points.refresh_from_db()
    assert selectors.pledge_can_book_for_others(pledge=points)


def test_accepting_after_the_program_closed_to_others_is_refused() -> None:
    # given a run that planned a ticket from a pledge
    network = make_network()
    confirmed_pledge(program=network.program, miles=50_000)
    case = planned_case(network)
    travel_request(case, program=network.program, travellers=1, miles=20_000)
    run = solved_run(network)
    # when the program's rule changes to "cannot book for others" before acceptance
    Program.objects.filter(pk=network.program.pk).update(
        booking_for_others=BookingForOthers.NOT_ALLOWED
    )
    result = accept_all(network, run)
    # then the request is refused and nothing is reserved
    assert result.accepted == ()
    assert not BookingRequest.objects.exists()


def test_sent_requests_follow_the_derived_mode() -> None:
    # given a program that allows delegation and a donor who agreed
    network = _network(DelegatedBooking.WITH_CONSENT)
    pledge = confirmed_pledge(program=network.program, miles=50_000)
    do_set_delegated_booking_consent(pledge_id=pledge.public_id, consent=True)
    booking = _accepted(network, pledge)
    mail.outbox.clear()
    # when the coordinator enters the passengers and sends the requests
    sent_trip(network, booking.trip)
    # then no link goes to the donor: the coordinator books
    booking.refresh_from_db()
    assert booking.mode == BookingMode.COORDINATOR
    assert booking.donor_passengers is None
    assert mail.outbox == []


def test_a_request_taken_over_before_the_donor_withdrew_is_flagged_on_the_trip_page() -> None:
    # given a request the coordinator books with the donor's access
    network = _network(DelegatedBooking.WITH_CONSENT)
    pledge = confirmed_pledge(program=network.program, miles=50_000)
    do_set_delegated_booking_consent(pledge_id=pledge.public_id, consent=True)
    booking = _accepted(network, pledge)
    url = reverse("bookings:trip", kwargs={"trip_id": booking.trip.public_id})
    client = sign_in(Client(), network.coordinator.staff)
    assert "now say the donor books" not in client.get(url).text
    # when the donor withdraws their answer
    do_set_delegated_booking_consent(pledge_id=pledge.public_id, consent=False)
    # then the request stays where it is, and the coordinator is told to hand it back
    booking.refresh_from_db()
    assert booking.mode == BookingMode.COORDINATOR
    assert "now say the donor books" in client.get(url).text
