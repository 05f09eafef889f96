"""Cash refunds of a cancelled booking: what the airline gives back is credited through the
ledger to the funds and campaigns that paid, last payer first, never more than each paid in
that currency; every refusal writes nothing."""

import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.bookings import actions, refund_actions
from safepassage.bookings.errors import (
    NoCashPaid,
    NothingLeftToRefund,
    RefundClosed,
    RefundCurrencyNotPaid,
    RefundNotCancelled,
    RefundTooLarge,
)
from safepassage.bookings.models import (
    BookingRequest,
    CashRefund,
    NoRefundReason,
    RefundOutcome,
)
from safepassage.bookings.refund_selectors import (
    RefundStatus,
    get_refund_state,
    list_refunds_awaited,
)
from safepassage.core.ledger import MoneyOwner, OwnerKind
from safepassage.core.money import Money
from safepassage.donations.models import Campaign
from safepassage.ledger.actions import do_record_gift
from safepassage.ledger.models import LedgerTransaction
from safepassage.ledger.selectors import get_cash_balance, verify_ledger
from tests.bookings.factories import Network, booked_trip, make_network, pledge_of
from tests.cases.factories import sign_in_with_keys
from tests.donations.gift_factories import make_campaign
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db


def usd(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="USD")


def _fund(network: Network) -> MoneyOwner:
    return MoneyOwner(kind=OwnerKind.FUND, owner_id=str(network.organisation.public_id))


def _campaign_owner(campaign: Campaign) -> MoneyOwner:
    return MoneyOwner(kind=OwnerKind.CAMPAIGN, owner_id=str(campaign.public_id))


def _cancelled_with_cash(
    taxes: str = "98.40", *, fund_left: str = "30.00"
) -> tuple[Network, BookingRequest, Campaign]:
    """A booking whose taxes were paid ``fund_left`` USD by the fund and the rest by a
    campaign, then cancelled."""
    network = make_network()
    pledge_of(network)
    campaign = make_campaign(organisation=network.organisation, title="Winter appeal")
    _trip, booking = booked_trip(network)  # the fund holds 1,000 USD
    fund = _fund(network)
    # leave only ``fund_left`` in the fund: the rest goes to the campaign
    from safepassage.ledger.actions import do_transfer_money

    do_transfer_money(
        source=fund,
        destination=_campaign_owner(campaign),
        amount=usd("1000.00") - usd(fund_left),
        idempotency_key=f"test-move:{uuid.uuid4()}",
        reference="test",
        actor_ref="system",
    )
    actions.do_record_booking(
        booking=booking,
        record=actions.BookingRecord(
            locator="QX7LMB", miles_charged=40_000, taxes=Decimal(taxes), currency="USD"
        ),
        actor_ref="anonymous",
    )
    booking.refresh_from_db()
    actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    booking.refresh_from_db()
    return network, booking, campaign


def _received(amount: str, currency: str = "USD") -> refund_actions.RefundEntry:
    return refund_actions.RefundEntry(
        outcome=RefundOutcome.RECEIVED, amount=Money(amount=Decimal(amount), currency=currency)
    )


def _record(network: Network, booking: BookingRequest, entry: refund_actions.RefundEntry) -> None:
    refund_actions.check_record_refund(booking=booking, entry=entry)
    refund_actions.do_record_refund(
        actor=network.coordinator.user, booking=booking, entry=entry, request_key=uuid.uuid4()
    )


def test_a_cancelled_booking_that_paid_cash_waits_for_its_refund() -> None:
    # given taxes of 98.40 paid 30 by the fund and 68.40 by a campaign, then cancelled
    network, booking, _campaign = _cancelled_with_cash()
    # then its refund is not recorded and it is on the organisation's list
    state = get_refund_state(booking=booking)
    assert state.status == RefundStatus.NOT_RECORDED
    assert state.paid == (usd("98.40"),)
    assert [p.money for p in state.payments] == [usd("30.00"), usd("68.40")]
    assert list(list_refunds_awaited(organisation=network.organisation)) == [booking]


def test_a_partial_refund_goes_back_to_the_last_payer_first() -> None:
    # given 30 from the fund, then 68.40 from the campaign
    network, booking, campaign = _cancelled_with_cash()
    # when the airline refunds 50 USD, then 40 USD
    _record(network, booking, _received("50.00"))
    _record(network, booking, _received("40.00"))
    # then the campaign got its 68.40 back first and the fund 21.60 of its 30
    assert get_cash_balance(owner=_campaign_owner(campaign), currency="USD") == usd("970.00")
    assert get_cash_balance(owner=_fund(network), currency="USD") == usd("21.60")
    state = get_refund_state(booking=booking)
    assert state.status == RefundStatus.PARTLY
    assert state.outstanding == (usd("8.40"),)
    assert LedgerTransaction.objects.filter(kind="refund").count() == 3
    assert verify_ledger().lines == []
    assert list(list_refunds_awaited(organisation=network.organisation)) == []


def test_a_full_refund_closes_the_booking_and_more_is_refused() -> None:
    network, booking, _campaign = _cancelled_with_cash()
    _record(network, booking, _received("98.40"))
    assert get_refund_state(booking=booking).status == RefundStatus.REFUNDED
    assert get_cash_balance(owner=_fund(network), currency="USD") == usd("30.00")
    with pytest.raises(NothingLeftToRefund):
        _record(network, booking, _received("0.01"))


def test_no_refund_with_a_reason_closes_it_and_nothing_is_credited() -> None:
    network, booking, _campaign = _cancelled_with_cash()
    before = LedgerTransaction.objects.count()
    _record(
        network,
        booking,
        refund_actions.RefundEntry(
            outcome=RefundOutcome.NONE, reason=NoRefundReason.NON_REFUNDABLE
        ),
    )
    assert get_refund_state(booking=booking).status == RefundStatus.CLOSED
    assert LedgerTransaction.objects.count() == before
    with pytest.raises(RefundClosed):
        _record(network, booking, _received("10.00"))


@pytest.mark.parametrize(
    ("entry", "error"),
    [
        (_received("98.41"), RefundTooLarge),
        (_received("10.00", "EUR"), RefundCurrencyNotPaid),
    ],
)
def test_an_over_refund_or_a_wrong_currency_is_refused_and_nothing_is_written(
    entry: refund_actions.RefundEntry, error: type[Exception]
) -> None:
    network, booking, _campaign = _cancelled_with_cash()
    before = (LedgerTransaction.objects.count(), AuditEvent.objects.count())
    with pytest.raises(error) as caught:
        refund_actions.do_record_refund(
            actor=network.coordinator.user, booking=booking, entry=entry, request_key=uuid.uuid4()
        )
    assert "nothing was written" in str(caught.value)
    assert not CashRefund.objects.exists()
    assert (LedgerTransaction.objects.count(), AuditEvent.objects.count()) == before


def test_the_over_refund_message_names_what_can_still_come_back() -> None:
    network, booking, _campaign = _cancelled_with_cash()
    _record(network, booking, _received("90.00"))
    with pytest.raises(RefundTooLarge) as caught:
        _record(network, booking, _received("9.00"))
    assert "8.40 USD" in str(caught.value)


def test_a_booking_not_cancelled_or_without_cash_has_no_refund() -> None:
    # given a booked (not cancelled) booking with taxes paid
    network = make_network()
    pledge_of(network)
    _trip, booking = booked_trip(network)
    with pytest.raises(RefundNotCancelled):
        _record(network, booking, _received("1.00"))
    actions.do_record_booking(
        booking=booking,
        record=actions.BookingRecord(
            locator="QX7LMB", miles_charged=40_000, taxes=Decimal("10.00"), currency="USD"
        ),
        actor_ref="anonymous",
    )
    booking.refresh_from_db()
    with pytest.raises(RefundNotCancelled):
        _record(network, booking, _received("1.00"))
    # and a cancelled request that never paid anything
    other = make_network()
    pledge_of(other)
    _trip, unpaid = booked_trip(other)
    actions.do_cancel_booking(booking=unpaid, actor=other.coordinator.user)
    unpaid.refresh_from_db()
    with pytest.raises(NoCashPaid):
        _record(other, unpaid, _received("1.00"))
    assert not CashRefund.objects.exists()


def test_the_same_form_submitted_twice_records_once() -> None:
    network, booking, _campaign = _cancelled_with_cash()
    key = uuid.uuid4()
    for _ in range(2):
        refund_actions.do_record_refund(
            actor=network.coordinator.user,
            booking=booking,
            entry=_received("20.00"),
            request_key=key,
        )
    assert CashRefund.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind="refund").count() == 1


def test_the_refund_is_audited_by_reference_only() -> None:
    network, booking, campaign = _cancelled_with_cash()
    _record(network, booking, _received("20.00"))
    refund = CashRefund.objects.get()
    event = AuditEvent.objects.get(action="booking.refund_received")
    assert event.object_ref == str(refund.public_id)
    assert event.actor == str(network.coordinator.user.public_id)
    text = " ".join(str(value) for value in vars(event).values())
    assert "20.00" not in text
    assert campaign.title not in text
    assert network.coordinator.user.email not in text


# --- the pages ------------------------------------------------------------------------


def _url(booking: BookingRequest) -> str:
    return reverse("bookings:booking_refund", kwargs={"booking_id": booking.public_id})


def test_the_trip_page_says_refund_not_recorded_and_the_refund_page_records_one() -> None:
    network, booking, _campaign = _cancelled_with_cash()
    client = sign_in_with_keys(Client(), network.coordinator)
    trip_page = client.get(reverse("bookings:trip", kwargs={"trip_id": booking.trip.public_id}))
    assert "Refund not recorded" in trip_page.content.decode()
    page = client.get(_url(booking))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Winter appeal" in body
    assert "68.40" in body
    key = page.context["form"].initial["request_key"]
    response = client.post(
        _url(booking),
        {"request_key": key, "outcome": "received", "amount": "50.00", "currency": "USD"},
    )
    assert response.status_code == 302
    assert CashRefund.objects.get().amount == Decimal("50.00")
    assert "Partly refunded" in client.get(_url(booking)).content.decode()


def test_the_page_shows_an_over_refund_and_keeps_the_input() -> None:
    network, booking, _campaign = _cancelled_with_cash()
    client = sign_in_with_keys(Client(), network.coordinator)
    response = client.post(
        _url(booking),
        {"request_key": uuid.uuid4(), "outcome": "received", "amount": "500", "currency": "USD"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "more than was paid" in body
    assert 'value="500"' in body
    assert not CashRefund.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"outcome": "received", "amount": "", "currency": "USD"},
        {"outcome": "received", "amount": "-5", "currency": "USD"},
        {"outcome": "received", "amount": "1.005", "currency": "USD"},
        {"outcome": "none", "reason": ""},
        {"outcome": "sideways", "amount": "5", "currency": "USD"},
    ],
)
def test_bad_input_is_refused_with_nothing_written(data: dict[str, str]) -> None:
    network, booking, _campaign = _cancelled_with_cash()
    client = sign_in_with_keys(Client(), network.coordinator)
    before = LedgerTransaction.objects.count()
    response = client.post(_url(booking), {"request_key": uuid.uuid4(), **data})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not CashRefund.objects.exists()
    assert LedgerTransaction.objects.count() == before


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.FUNDRAISER, Role.VIEWER])
def test_other_roles_cannot_record_a_refund_and_nothing_is_written(role: str) -> None:
    network, booking, _campaign = _cancelled_with_cash()
    staff = make_staff(role, network.organisation)
    before = (LedgerTransaction.objects.count(), AuditEvent.objects.count())
    response = sign_in(Client(), staff).post(
        _url(booking),
        {"request_key": uuid.uuid4(), "outcome": "received", "amount": "5", "currency": "USD"},
    )
    assert response.status_code == 403
    assert not CashRefund.objects.exists()
    assert LedgerTransaction.objects.count() == before[0]


def test_a_coordinator_not_on_the_case_gets_404_and_nothing_is_written() -> None:
    network, booking, _campaign = _cancelled_with_cash()
    from tests.cases.factories import make_keyed_staff

    stranger = make_keyed_staff(Role.TRAVEL_COORDINATOR, network.organisation)
    response = sign_in_with_keys(Client(), stranger).post(
        _url(booking),
        {"request_key": uuid.uuid4(), "outcome": "received", "amount": "5", "currency": "USD"},
    )
    assert response.status_code == 404
    assert not CashRefund.objects.exists()


def test_a_gift_is_not_a_refund() -> None:
    # a refund never shows as cash received: the world's "received" is untouched
    network, booking, _campaign = _cancelled_with_cash()
    do_record_gift(
        owner=_fund(network),
        amount=usd("1.00"),
        idempotency_key="g-extra",
        reference="x",
        actor_ref="system",
    )
    gifts = LedgerTransaction.objects.filter(kind="gift").count()
    _record(network, booking, _received("10.00"))
    assert LedgerTransaction.objects.filter(kind="gift").count() == gifts


def test_the_runs_page_lists_cancelled_bookings_waiting_for_their_refund() -> None:
    network, booking, _campaign = _cancelled_with_cash()
    client = sign_in_with_keys(Client(), network.coordinator)
    url = reverse("bookings:runs", kwargs={"organisation_id": network.organisation.public_id})
    page = client.get(url).content.decode()
    assert "1 cancelled booking paid cash and has no refund recorded yet" in page
    assert _url(booking) in page
    _record(network, booking, _received("1.00"))
    assert 'id="refunds-awaited"' not in client.get(url).content.decode()


def test_shredding_the_case_removes_its_refund_records_and_keeps_the_money() -> None:
    # given a cancelled booking of a closed case, partly refunded
    import datetime

    from django.utils import timezone

    from safepassage.cases.models import Case, RetentionRule
    from safepassage.cases.retention_actions import do_shred_cases_past_retention

    network, booking, campaign = _cancelled_with_cash()
    _record(network, booking, _received("50.00"))
    case = booking.trip.case
    Case.objects.filter(pk=case.pk).update(
        state="closed", state_changed_on=timezone.localdate() - datetime.timedelta(days=40)
    )
    RetentionRule.objects.get_or_create(
        organisation=network.organisation, state="closed", defaults={"days": 30}
    )
    # when the retention run shreds it
    assert do_shred_cases_past_retention().shredded == 1
    # then the refund rows went with the booking; the money credited stays, the ledger verifies
    assert not CashRefund.objects.exists()
    assert not BookingRequest.objects.exists()
    assert get_cash_balance(owner=_campaign_owner(campaign), currency="USD") == usd("951.60")
    assert verify_ledger().lines == []
