"""Nothing lost: a Hypothesis state machine that drives the real actions (never the
ledger directly) and checks after every step that miles and money add up.

Donors pledge (confirmed or not), change and withdraw pledges; the nightly upkeep expires
pledges past their date; travel requests are opened, real allocation runs solved and
accepted (which reserves miles); donors' bookings are recorded (sometimes twice, as a
double click would), declined and cancelled; cash gifts arrive and airlines refund
cancelled bookings' taxes. Invariants after every step:

- the ledger re-derives cleanly (``verify_ledger``: every account's balance equals the
  sum of its postings, every transaction sums to zero, nothing overdrawn);
- every pledge's reserved miles are exactly those of its open booking requests and its
  redeemed miles those of its recorded bookings (nothing reserved twice), and reserved
  plus redeemed never exceeds what was pledged;
- what the pages show agrees with the ledger: the donor's pledge page (``get_balance``
  and the pledge's total), the campaign's totals (miles and gifts) and the inputs of the
  transparency page (redeemed miles, gifts).
"""

import contextlib
import datetime
import os
import uuid
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from safepassage.bookings import actions as booking_actions
from safepassage.bookings import refund_actions
from safepassage.bookings.errors import BookingsError
from safepassage.bookings.models import BookingRequest, BookingStatus, RefundOutcome, Trip
from safepassage.bookings.refund_selectors import get_refund_state
from safepassage.core.ledger import Bucket, LedgerError, OwnerKind
from safepassage.core.money import Money
from safepassage.donations.gifts import actions as gift_actions
from safepassage.donations.models import Campaign, Gift, Pledge, PledgeStatus
from safepassage.donations.pledges import actions as pledge_actions
from safepassage.donations.pledges.errors import PledgeError
from safepassage.donations.pledges.selectors import committed_miles, get_balance
from safepassage.donations.selectors import get_campaign_totals
from safepassage.ledger.models import Posting
from safepassage.ledger.selectors import verify_ledger
from safepassage.transparency import sources
from tests.bookings.factories import (
    Network,
    accept_all,
    committed,
    fund_cash,
    make_network,
    planned_case,
    sent_trip,
    solved_run,
    travel_request,
)
from tests.donations.pledges.factories import submit_pledge

pytestmark = pytest.mark.django_db

thousands = st.integers(min_value=5, max_value=60)


def _campaign(network: Network) -> Campaign:
    slug = f"robust-{uuid.uuid4().hex[:12]}"
    return Campaign.objects.create(
        slug=slug,
        title=slug,
        organisation=network.organisation,
        goal_currency="USD",
        starts_on=timezone.localdate(),
        is_published=True,
    )


class NothingLostMachine(RuleBasedStateMachine):
    pledges = Bundle("pledges")

    def __init__(self) -> None:
        super().__init__()
        self.network = make_network()
        self.campaign = _campaign(self.network)
        self.refund_keys: dict[int, uuid.UUID] = {}

    @initialize(
        target=pledges,
        miles=st.integers(min_value=20, max_value=80),
        days=st.integers(min_value=2, max_value=60),
    )
    def a_pledge_and_a_request(self, miles: int, days: int) -> uuid.UUID:
        fund_cash(self.network, amount="5000.00")
        self.open_request(travellers=1, miles=20)
        return self._pledge(miles=miles, days=days, twice=False)

    # --- donors -------------------------------------------------------------------------

    @rule(target=pledges, miles=thousands, days=st.integers(min_value=2, max_value=60))
    def pledge_without_confirming(self, miles: int, days: int) -> uuid.UUID:
        pledge = submit_pledge(
            program=self.network.program,
            miles=miles * 1000,
            expires_in_days=days,
            campaign=self.campaign,
        )
        return pledge.public_id

    @rule(
        target=pledges,
        miles=thousands,
        days=st.integers(min_value=2, max_value=60),
        twice=st.booleans(),
    )
    def pledge_and_confirm(self, miles: int, days: int, twice: bool) -> uuid.UUID:
        return self._pledge(miles=miles, days=days, twice=twice)

    def _pledge(self, *, miles: int, days: int, twice: bool) -> uuid.UUID:
        pledge = submit_pledge(
            program=self.network.program,
            miles=miles * 1000,
            expires_in_days=days,
            campaign=self.campaign,
        )
        for _ in range(2 if twice else 1):  # the confirmation link opened twice
            pledge_actions.do_confirm_pledge(pledge_id=pledge.public_id, language="en")
        return pledge.public_id

    @rule(pledge_id=pledges)
    def confirm(self, pledge_id: uuid.UUID) -> None:
        pledge_actions.do_confirm_pledge(pledge_id=pledge_id, language="en")

    @rule(pledge_id=pledges, miles=st.integers(min_value=1, max_value=80), twice=st.booleans())
    def change(self, pledge_id: uuid.UUID, miles: int, twice: bool) -> None:
        pledge = Pledge.objects.get(public_id=pledge_id)
        token = uuid.uuid4().hex
        for _ in range(2 if twice else 1):  # the same form sent twice
            with contextlib.suppress(PledgeError):
                pledge_actions.do_change_pledge(
                    pledge_id=pledge_id,
                    miles=miles * 1000,
                    expires_on=pledge.expires_on,
                    change_token=token,
                )

    @rule(pledge_id=pledges)
    def withdraw(self, pledge_id: uuid.UUID) -> None:
        pledge_actions.do_withdraw_pledge(pledge_id=pledge_id)

    @rule(days=st.integers(min_value=1, max_value=61))
    def nightly_expiry(self, days: int) -> None:
        today = timezone.localdate() + datetime.timedelta(days=days)
        event(f"expiries posted: {min(pledge_actions.do_post_expiries(today=today), 2)}")
        assert pledge_actions.do_post_expiries(today=today) == 0  # the job run twice

    @rule(amount=st.integers(min_value=1, max_value=500), key=st.sampled_from(["a", "b", "c"]))
    def cash_gift(self, amount: int, key: str) -> None:
        gift_actions.do_record_staff_gift(
            user=self.network.coordinator.user,
            submission_key=f"{self.campaign.public_id}:{key}:{amount}",
            destination=gift_actions.GiftDestination(
                organisation=self.network.organisation, campaign=self.campaign
            ),
            amount=Money(amount=Decimal(amount), currency="USD"),
            source="bank_transfer",
            received_on=timezone.localdate(),
            donor_name="",
            donor_email="",
        )

    # --- travel -------------------------------------------------------------------------

    @rule(travellers=st.integers(min_value=1, max_value=2), miles=st.integers(5, 30))
    def open_request(self, travellers: int, miles: int) -> None:
        travel_request(
            planned_case(self.network),
            program=self.network.program,
            travellers=travellers,
            miles=miles * 1000,
        )

    @precondition(
        lambda self: Trip.objects.filter(run__organisation=self.network.organisation).count() < 4
    )
    @rule(send=st.booleans())
    def run_and_accept(self, send: bool) -> None:
        try:
            run = solved_run(self.network)
        except BookingsError:  # nothing open to allocate
            return
        accepted = accept_all(self.network, run).accepted
        event(f"run accepted {min(len(accepted), 2)} requests")
        again = accept_all(self.network, run)  # accepted again (a second click)
        assert again.accepted == ()
        if send:
            for trip in Trip.objects.filter(run=run):
                sent_trip(self.network, trip)

    def _bookings(self) -> list[BookingRequest]:
        return list(
            BookingRequest.objects.filter(trip__organisation=self.network.organisation)
            .select_related("pledge", "trip")
            .order_by("pk")
        )

    @rule(index=st.integers(min_value=0, max_value=20), less=st.booleans(), twice=st.booleans())
    def record_booking(self, index: int, less: bool, twice: bool) -> None:
        bookings = self._bookings()
        if not bookings:
            return
        booking = bookings[index % len(bookings)]
        record = booking_actions.BookingRecord(
            locator="ABC123",
            miles_charged=booking.miles // 2 if less else booking.miles,
            taxes=Decimal("40.00"),
            currency="USD",
        )
        for _ in range(2 if twice else 1):
            try:
                booking_actions.check_record_booking(booking=booking, record=record)
                with committed():
                    booking_actions.do_record_booking(
                        booking=booking, record=record, actor_ref="anonymous"
                    )
            except BookingsError:
                pass

    @rule(index=st.integers(min_value=0, max_value=20))
    def decline(self, index: int) -> None:
        bookings = self._bookings()
        if not bookings:
            return
        try:
            with committed():
                booking_actions.do_decline_booking(
                    booking=bookings[index % len(bookings)], actor_ref="anonymous"
                )
        except BookingsError:
            pass

    @rule(index=st.integers(min_value=0, max_value=20), twice=st.booleans())
    def cancel(self, index: int, twice: bool) -> None:
        bookings = self._bookings()
        if not bookings:
            return
        booking = bookings[index % len(bookings)]
        for _ in range(2 if twice else 1):
            try:
                with committed():
                    booking_actions.do_cancel_booking(
                        booking=booking, actor=self.network.coordinator.user
                    )
            except BookingsError:
                pass

    @rule(index=st.integers(min_value=0, max_value=20), cents=st.integers(1, 5000))
    def refund(self, index: int, cents: int) -> None:
        cancelled = [
            b for b in self._bookings() if b.status == BookingStatus.CANCELLED and b.cash_paid
        ]
        if not cancelled:
            return
        booking = cancelled[index % len(cancelled)]
        key = self.refund_keys.setdefault(booking.pk, uuid.uuid4())  # resent form: same key
        entry = refund_actions.RefundEntry(
            outcome=RefundOutcome.RECEIVED,
            amount=Money(amount=Decimal(cents) / 100, currency="USD"),
        )
        try:
            refund_actions.do_record_refund(
                actor=self.network.coordinator.user, booking=booking, entry=entry, request_key=key
            )
        except (BookingsError, LedgerError):
            pass
        else:
            self.refund_keys[booking.pk] = uuid.uuid4()

    # --- invariants ---------------------------------------------------------------------

    @invariant()
    def the_ledger_re_derives_cleanly(self) -> None:
        assert verify_ledger().lines == []

    @invariant()
    def every_pledge_holds_exactly_what_its_bookings_use(self) -> None:
        for pledge in Pledge.objects.filter(campaign=self.campaign).select_related("program"):
            balance = get_balance(pledge=pledge)
            rows = list(BookingRequest.objects.filter(pledge=pledge))
            open_points = sum(r.ledger_points for r in rows if r.is_open)
            redeemed = sum(r.points_redeemed for r in rows if r.status == BookingStatus.BOOKED)
            assert balance.reserved.amount == open_points
            assert balance.redeemed.amount == redeemed
            assert open_points + redeemed <= balance.pledged.amount
            assert (
                min(
                    balance.available.amount,
                    balance.reserved.amount,
                    balance.redeemed.amount,
                    balance.expired.amount,
                    balance.withdrawn.amount,
                )
                >= 0
            )
            if pledge.status == PledgeStatus.UNCONFIRMED:
                assert balance.pledged.amount == 0
            elif pledge.status == PledgeStatus.CONFIRMED:
                # the donor's page: the total shown is what the ledger still holds
                assert pledge.miles == committed_miles(balance=balance)
            else:
                # withdrawn or expired: nothing left to spend
                assert balance.available.amount == 0

    @invariant()
    def campaign_totals_agree_with_the_ledger(self) -> None:
        totals = get_campaign_totals(campaign=self.campaign)
        held = 0
        count = 0
        for pledge in Pledge.objects.filter(campaign=self.campaign).exclude(
            status=PledgeStatus.UNCONFIRMED
        ):
            balance = get_balance(pledge=pledge)
            miles = committed_miles(balance=balance)
            if pledge.status == PledgeStatus.CONFIRMED or miles:
                held += miles
                count += 1
        assert totals.miles_pledged == held
        assert totals.pledge_count == count
        gifts = Gift.objects.filter(campaign=self.campaign).aggregate(total=Sum("amount"))
        received = Posting.objects.filter(
            owner_kind=str(OwnerKind.CAMPAIGN),
            owner_id=str(self.campaign.public_id),
            transaction__kind="gift",
        ).aggregate(total=Sum("amount"))
        assert totals.given.amount == (gifts["total"] or 0)
        assert totals.given.to_minor_units() == (received["total"] or 0)

    @invariant()
    def transparency_inputs_agree_with_the_ledger(self) -> None:
        by_month, _campaigns = sources.miles(period_end=timezone.localdate())
        redeemed = Posting.objects.filter(
            owner_kind=str(OwnerKind.PLEDGE), bucket=str(Bucket.REDEEMED)
        ).aggregate(total=Sum("amount"))
        assert sum(sum(values) for values in by_month.values()) == (redeemed["total"] or 0)
        money, _ = sources.money(period_end=timezone.localdate(), reporting_currency="USD")
        gifts = Gift.objects.filter(currency="USD").aggregate(total=Sum("amount"))
        assert sum(sum(values) for values in money.values()) == (gifts["total"] or 0)

    @invariant()
    def refunds_never_exceed_what_was_paid(self) -> None:
        for booking in self._bookings():
            if booking.cash_paid:
                state = get_refund_state(booking=booking)
                for outstanding in state.outstanding:
                    assert outstanding.amount >= 0


def test_miles_and_money_add_up_whatever_donors_and_coordinators_do() -> None:
    run_state_machine_as_test(
        NothingLostMachine,
        settings=settings(
            max_examples=int(os.environ.get("SAFEPASSAGE_ROBUST_EXAMPLES", "6")),
            stateful_step_count=int(os.environ.get("SAFEPASSAGE_ROBUST_STEPS", "15")),
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
