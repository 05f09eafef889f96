"""``safepassage ledger verify`` re-derives balances and names every problem."""

import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from safepassage.core.ledger import PledgeRef
from safepassage.core.money import Miles
from safepassage.ledger import actions
from safepassage.ledger.models import Balance, LedgerTransaction, Posting

pytestmark = pytest.mark.django_db


def _verify() -> tuple[bool, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("ledger", "verify", stdout=out, stderr=err)
    except CommandError as error:
        return False, err.getvalue() + str(error)
    return True, out.getvalue()


def _pledge_and_reserve() -> PledgeRef:
    pledge = PledgeRef(pledge_id=str(uuid.uuid4()), program="AC")
    actions.do_pledge_miles(
        pledge=pledge,
        amount=Miles(amount=40_000, program="AC"),
        idempotency_key=f"pledge:{pledge.pledge_id}",
        reference="pledge",
        actor_ref="system",
    )
    actions.do_reserve_miles(
        pledge=pledge,
        amount=Miles(amount=25_000, program="AC"),
        idempotency_key=f"reserve:{pledge.pledge_id}",
        reference="ticket:T-1",
        actor_ref="system",
    )
    return pledge


def _drop_append_only_triggers() -> None:
    """Tampering needs the triggers gone, as an attacker with table rights would do."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in ("ledger_posting", "ledger_ledgertransaction"):
                cursor.execute(f"DROP TRIGGER {table}_no_update")
        else:
            for table in ("ledger_posting", "ledger_ledgertransaction"):
                cursor.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            cursor.execute("DROP TRIGGER ledger_posting_balanced ON ledger_posting")


def test_an_honest_ledger_verifies() -> None:
    _pledge_and_reserve()

    intact, output = _verify()

    assert intact
    assert "2 transactions" in output


def test_an_empty_ledger_verifies() -> None:
    intact, output = _verify()

    assert intact
    assert "0 transactions" in output


def test_an_edited_posting_is_named() -> None:
    # given
    pledge = _pledge_and_reserve()
    reserve = LedgerTransaction.objects.get(kind="reserve")
    _drop_append_only_triggers()

    # when: someone moves 1,000 more miles into "reserved" behind the ledger's back
    Posting.objects.filter(transaction=reserve, bucket="reserved").update(amount=26_000)

    # then
    intact, output = _verify()
    assert not intact
    assert f"unbalanced-transaction: transaction {reserve.public_id} is off by 1000" in output
    assert f"balance-mismatch: account pledge:{pledge.pledge_id}:reserved:miles:AC" in output


def test_an_edited_balance_cache_is_named() -> None:
    pledge = _pledge_and_reserve()

    Balance.objects.filter(owner_id=pledge.pledge_id, bucket="available").update(balance=20_000)

    intact, output = _verify()
    assert not intact
    assert (
        f"account pledge:{pledge.pledge_id}:available:miles:AC: stored balance 20000, "
        "postings sum to 15000"
    ) in output


def test_a_corrupt_account_row_is_reported_not_crashed_on() -> None:
    _pledge_and_reserve()
    reserve = LedgerTransaction.objects.get(kind="reserve")
    _drop_append_only_triggers()

    Posting.objects.filter(transaction=reserve, bucket="reserved").update(bucket="stolen")

    intact, output = _verify()
    assert not intact
    assert f"invalid-row: transaction {reserve.public_id} posting" in output
