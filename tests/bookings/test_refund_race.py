"""On PostgreSQL: two people recording the full refund of one booking at the same moment
(two forms, two tokens) credit it once: the second, under the booking row lock, sees the
first and is refused; the ledger verifies and no owner got back more than it paid."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connections

from safepassage.bookings import refund_actions
from safepassage.bookings.errors import BookingsError
from safepassage.bookings.models import CashRefund, RefundOutcome
from safepassage.core.money import Money
from safepassage.ledger.models import LedgerTransaction
from safepassage.ledger.selectors import verify_ledger
from tests.bookings.test_refunds import _cancelled_with_cash

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_full_refunds_at_once_credit_the_booking_once() -> None:
    # given taxes of 98.40 USD paid by the fund and a campaign, then cancelled
    network, booking, _campaign = _cancelled_with_cash()
    entry = refund_actions.RefundEntry(
        outcome=RefundOutcome.RECEIVED, amount=Money(amount=Decimal("98.40"), currency="USD")
    )
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def record(_: int) -> None:
        try:
            barrier.wait(timeout=60)
            refund_actions.do_record_refund(
                actor=network.coordinator.user,
                booking=booking,
                entry=entry,
                request_key=uuid.uuid4(),
            )
            outcomes.append("recorded")
        except BookingsError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    # when four coordinators record the whole refund at the same moment
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(record, range(4)))
    # then exactly one is recorded, the others are told nothing is left
    assert sorted(outcomes) == ["nothing_left_to_refund"] * 3 + ["recorded"]
    assert CashRefund.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind="refund").count() == 2  # campaign, fund
    assert verify_ledger().lines == []
