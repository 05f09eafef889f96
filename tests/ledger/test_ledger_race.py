"""50 concurrent reservations race for the same pledges on PostgreSQL; none over-reserves.

Runs real threads, each with its own database connection and its own committed
transaction, so the row locks (not a test transaction) are what keep the books straight.
"""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from safepassage.core.ledger import InsufficientBalanceError, PledgeRef
from safepassage.core.money import Miles
from safepassage.ledger import actions
from safepassage.ledger.models import LedgerTransaction
from safepassage.ledger.selectors import get_pledge_balance, verify_ledger

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

WORKERS = 50
PLEDGED = 100_000
TICKET = 15_000


def test_fifty_concurrent_reservations_never_over_reserve_a_pledge() -> None:
    # given: three pledges of 100,000 miles; 25 distinct requests of 15,000 each,
    # every one sent twice (a retry racing its original), so 50 threads in all
    pledges = [PledgeRef(pledge_id=str(uuid.uuid4()), program="UA") for _ in range(3)]
    for pledge in pledges:
        actions.do_pledge_miles(
            pledge=pledge,
            amount=Miles(amount=PLEDGED, program="UA"),
            idempotency_key=f"pledge:{pledge.pledge_id}",
            reference="pledge",
            actor_ref="system",
        )
    barrier = threading.Barrier(WORKERS)

    def reserve(index: int) -> tuple[str, str]:
        request = index // 2
        pledge = pledges[request % len(pledges)]
        try:
            barrier.wait(timeout=60)
            posted = actions.do_reserve_miles(
                pledge=pledge,
                amount=Miles(amount=TICKET, program="UA"),
                idempotency_key=f"race:{request}",
                reference=f"ticket:{request}",
                actor_ref="system",
            )
        except InsufficientBalanceError:
            return pledge.pledge_id, "refused"
        finally:
            connections.close_all()
        return pledge.pledge_id, "created" if posted.created else "repeated"

    # when
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(reserve, range(WORKERS)))

    # then
    for pledge in pledges:
        outcomes = [outcome for pledge_id, outcome in results if pledge_id == pledge.pledge_id]
        balance = get_pledge_balance(pledge=pledge)
        assert balance.reserved.amount == TICKET * outcomes.count("created")
        assert balance.reserved.amount <= PLEDGED
        assert balance.available.amount == PLEDGED - balance.reserved.amount
        # as many reservations as fit were made: 6 x 15,000 of 100,000
        assert outcomes.count("created") == PLEDGED // TICKET
    assert LedgerTransaction.objects.filter(kind="reserve").count() == 3 * (PLEDGED // TICKET)
    report = verify_ledger()
    assert report.lines == []
