"""The same webhook event delivered many times at once on PostgreSQL is recorded once.

Real threads, each with its own connection and committed transaction, so the unique
index on the idempotency key (not a test transaction) is what keeps one gift.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connections
from django.test import Client

from safepassage.core.ledger import MoneyOwner, OwnerKind
from safepassage.core.money import Money
from safepassage.donations.models import Gift
from safepassage.ledger.models import LedgerTransaction
from safepassage.ledger.selectors import get_cash_balance, verify_ledger
from tests.donations.gift_factories import deliver, gift_event, make_campaign

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

DELIVERIES = 12


def test_concurrent_duplicate_deliveries_record_one_gift_and_one_posting() -> None:
    # given: one event, delivered by 12 threads at the same moment
    campaign = make_campaign()
    event = gift_event(campaign=str(campaign.public_id), amount="40.00")
    barrier = threading.Barrier(DELIVERIES)

    def send(_index: int) -> tuple[int, str]:
        try:
            barrier.wait(timeout=60)
            response = deliver(Client(), event)
            return response.status_code, response.json().get("status", "")
        finally:
            connections.close_all()

    # when
    with ThreadPoolExecutor(max_workers=DELIVERIES) as pool:
        results = list(pool.map(send, range(DELIVERIES)))

    # then: every delivery answered 200, exactly one recorded it
    assert all(status == 200 for status, _ in results), results
    assert sorted(outcome for _, outcome in results) == ["duplicate"] * (DELIVERIES - 1) + [
        "recorded"
    ]
    assert Gift.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind="gift").count() == 1
    owner = MoneyOwner(kind=OwnerKind.CAMPAIGN, owner_id=str(campaign.public_id))
    assert get_cash_balance(owner=owner, currency="EUR") == Money(
        amount=Decimal("40.00"), currency="EUR"
    )
    assert verify_ledger().lines == []
