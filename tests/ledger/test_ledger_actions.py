"""The Django ledger: postings stored once per key, balances cached, overdrafts refused."""

import uuid
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from safepassage.audit.models import AuditEvent
from safepassage.core.ledger import (
    InsufficientBalanceError,
    MoneyOwner,
    NothingToMoveError,
    OwnerKind,
    PledgeRef,
)
from safepassage.core.money import Miles, Money
from safepassage.ledger import actions
from safepassage.ledger.errors import IdempotencyKeyReused
from safepassage.ledger.models import Balance, LedgerTransaction, Posting
from safepassage.ledger.selectors import (
    get_cash_balance,
    get_pledge_balance,
    list_cash_balances,
    verify_ledger,
)

pytestmark = pytest.mark.django_db

ACTOR = "system"


def _eur(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="EUR")


def _pledge(program: str = "UA") -> PledgeRef:
    return PledgeRef(pledge_id=str(uuid.uuid4()), program=program)


def _pledged(pledge: PledgeRef, miles: int) -> None:
    actions.do_pledge_miles(
        pledge=pledge,
        amount=Miles(amount=miles, program=pledge.program),
        idempotency_key=f"pledge:{pledge.pledge_id}",
        reference=f"pledge:{pledge.pledge_id}",
        actor_ref=ACTOR,
    )


def test_a_pledge_then_reserve_and_redeem_moves_miles_between_buckets() -> None:
    # given
    pledge = _pledge()
    _pledged(pledge, 50_000)

    # when
    actions.do_reserve_miles(
        pledge=pledge,
        amount=Miles(amount=35_000, program="UA"),
        idempotency_key="reserve:1",
        reference="ticket:T-1",
        actor_ref=ACTOR,
    )
    actions.do_redeem_miles(
        pledge=pledge,
        amount=Miles(amount=35_000, program="UA"),
        idempotency_key="redeem:1",
        reference="booking:B-1",
        actor_ref=ACTOR,
    )

    # then
    balance = get_pledge_balance(pledge=pledge)
    assert balance.pledged.amount == 50_000
    assert balance.available.amount == 15_000
    assert balance.reserved.amount == 0
    assert balance.redeemed.amount == 35_000
    assert verify_ledger().lines == []


def test_the_same_idempotency_key_stores_one_transaction() -> None:
    # given
    pledge = _pledge()
    _pledged(pledge, 20_000)

    def reserve() -> actions.Posted:
        return actions.do_reserve_miles(
            pledge=pledge,
            amount=Miles(amount=5_000, program="UA"),
            idempotency_key="reserve:retry",
            reference="ticket:T-2",
            actor_ref=ACTOR,
        )

    # when
    first = reserve()
    second = reserve()

    # then
    assert first.created
    assert not second.created
    assert second.transaction.transaction_id == first.transaction.transaction_id
    assert LedgerTransaction.objects.filter(idempotency_key="reserve:retry").count() == 1
    assert get_pledge_balance(pledge=pledge).reserved.amount == 5_000


def test_a_key_reused_for_another_kind_is_refused() -> None:
    pledge = _pledge()
    _pledged(pledge, 20_000)

    with pytest.raises(IdempotencyKeyReused):
        actions.do_withdraw_miles(
            pledge=pledge,
            idempotency_key=f"pledge:{pledge.pledge_id}",
            reference="withdraw",
            actor_ref=ACTOR,
        )


def test_a_key_reused_for_another_pledge_is_refused() -> None:
    first, second = _pledge(), _pledge()
    _pledged(first, 20_000)

    with pytest.raises(IdempotencyKeyReused):
        actions.do_pledge_miles(
            pledge=second,
            amount=Miles(amount=20_000, program="UA"),
            idempotency_key=f"pledge:{first.pledge_id}",
            reference="pledge",
            actor_ref=ACTOR,
        )
    assert get_pledge_balance(pledge=second).pledged.amount == 0


def test_an_overdraft_is_refused_and_nothing_is_written() -> None:
    # given
    pledge = _pledge()
    _pledged(pledge, 10_000)
    transactions, postings, events = (
        LedgerTransaction.objects.count(),
        Posting.objects.count(),
        AuditEvent.objects.count(),
    )

    # when / then
    with pytest.raises(InsufficientBalanceError):
        actions.do_reserve_miles(
            pledge=pledge,
            amount=Miles(amount=10_001, program="UA"),
            idempotency_key="reserve:too-much",
            reference="ticket:T-3",
            actor_ref=ACTOR,
        )
    assert LedgerTransaction.objects.count() == transactions
    assert Posting.objects.count() == postings
    assert AuditEvent.objects.count() == events
    assert get_pledge_balance(pledge=pledge).available.amount == 10_000


def test_withdraw_takes_only_the_available_part() -> None:
    # given
    pledge = _pledge()
    _pledged(pledge, 30_000)
    actions.do_reserve_miles(
        pledge=pledge,
        amount=Miles(amount=12_000, program="UA"),
        idempotency_key="reserve:w",
        reference="ticket:T-4",
        actor_ref=ACTOR,
    )

    # when
    posted = actions.do_withdraw_miles(
        pledge=pledge, idempotency_key="withdraw:w", reference="withdraw", actor_ref=ACTOR
    )

    # then
    assert posted.created
    balance = get_pledge_balance(pledge=pledge)
    assert (balance.available.amount, balance.reserved.amount, balance.withdrawn.amount) == (
        0,
        12_000,
        18_000,
    )
    with pytest.raises(NothingToMoveError):
        actions.do_expire_miles(
            pledge=pledge, idempotency_key="expire:w", reference="expiry", actor_ref=ACTOR
        )


def test_gifts_disbursements_transfers_and_a_reversal_keep_the_books_straight() -> None:
    # given
    fund = MoneyOwner(kind=OwnerKind.FUND, owner_id=str(uuid.uuid4()))
    campaign = MoneyOwner(kind=OwnerKind.CAMPAIGN, owner_id=str(uuid.uuid4()))
    gift = actions.do_record_gift(
        owner=campaign,
        amount=_eur("250.00"),
        idempotency_key="webhook:evt_1",
        reference="gift:1",
        actor_ref=ACTOR,
    )
    actions.do_record_gift(
        owner=campaign,
        amount=_eur("250.00"),
        idempotency_key="webhook:evt_1",
        reference="gift:1",
        actor_ref=ACTOR,
    )

    # when
    actions.do_transfer_money(
        source=campaign,
        destination=fund,
        amount=_eur("100.00"),
        idempotency_key="transfer:1",
        reference="transfer:1",
        actor_ref=ACTOR,
    )
    actions.do_disburse_money(
        owner=fund,
        amount=_eur("40.50"),
        idempotency_key="disburse:1",
        reference="ticket-taxes:T-1",
        actor_ref=ACTOR,
    )
    with pytest.raises(InsufficientBalanceError):
        actions.do_disburse_money(
            owner=fund,
            amount=_eur("60.00"),
            idempotency_key="disburse:2",
            reference="ticket-taxes:T-2",
            actor_ref=ACTOR,
        )
    with pytest.raises(InsufficientBalanceError):
        actions.do_reverse_transaction(
            original_id=gift.transaction.transaction_id, reference="refund", actor_ref=ACTOR
        )

    # then
    assert get_cash_balance(owner=campaign, currency="EUR") == _eur("150.00")
    assert list_cash_balances(owner=fund) == [_eur("59.50")]
    assert verify_ledger().lines == []


def test_a_reversal_is_posted_once() -> None:
    pledge = _pledge()
    _pledged(pledge, 8_000)
    reserve = actions.do_reserve_miles(
        pledge=pledge,
        amount=Miles(amount=8_000, program="UA"),
        idempotency_key="reserve:r",
        reference="ticket:T-5",
        actor_ref=ACTOR,
    )

    first = actions.do_reverse_transaction(
        original_id=reserve.transaction.transaction_id, reference="mistake", actor_ref=ACTOR
    )
    second = actions.do_reverse_transaction(
        original_id=reserve.transaction.transaction_id, reference="mistake", actor_ref=ACTOR
    )

    assert first.created
    assert not second.created
    assert first.transaction.corrects == reserve.transaction.transaction_id
    assert get_pledge_balance(pledge=pledge).available.amount == 8_000
    assert verify_ledger().lines == []


def test_every_posting_is_audited_by_id_only() -> None:
    pledge = _pledge()

    _pledged(pledge, 5_000)

    event = AuditEvent.objects.get(action="ledger.pledge")
    posted = LedgerTransaction.objects.get()
    assert event.object_ref == str(posted.public_id)


def test_the_database_refuses_an_overdrawn_balance_row() -> None:
    pledge = _pledge()
    _pledged(pledge, 5_000)

    with pytest.raises(IntegrityError), transaction.atomic():
        Balance.objects.filter(owner_id=pledge.pledge_id, bucket="available").update(balance=-1)


def test_the_database_refuses_a_zero_posting() -> None:
    pledge = _pledge()
    _pledged(pledge, 5_000)

    with pytest.raises(IntegrityError), transaction.atomic():
        Posting.objects.create(
            transaction=LedgerTransaction.objects.get(),
            owner_kind="pledge",
            owner_id=pledge.pledge_id,
            bucket="available",
            unit="miles:UA",
            amount=0,
        )


@pytest.mark.parametrize("table", ["ledger_posting", "ledger_ledgertransaction"])
def test_the_database_refuses_to_edit_ledger_rows(table: str) -> None:
    pledge = _pledge()
    _pledged(pledge, 5_000)
    column = "amount = amount + 1" if table == "ledger_posting" else "reference = 'edited'"

    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {table} SET {column}")  # noqa: S608  # fixed test SQL


@pytest.mark.postgres_only
@pytest.mark.parametrize("table", ["ledger_posting", "ledger_ledgertransaction"])
def test_postgres_refuses_to_delete_ledger_rows(table: str) -> None:
    pledge = _pledged_pledge()

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608  # fixed test SQL
    assert get_pledge_balance(pledge=pledge).available.amount == 5_000


def _pledged_pledge() -> PledgeRef:
    pledge = _pledge()
    _pledged(pledge, 5_000)
    return pledge


def test_a_refund_brings_paid_out_cash_back_once_per_key() -> None:
    # given 40 EUR paid out of a fund
    fund = MoneyOwner(kind=OwnerKind.FUND, owner_id=str(uuid.uuid4()))
    actions.do_record_gift(
        owner=fund, amount=_eur("40.00"), idempotency_key="g", reference="gift", actor_ref=ACTOR
    )
    actions.do_disburse_money(
        owner=fund, amount=_eur("40.00"), idempotency_key="d", reference="pay", actor_ref=ACTOR
    )

    # when 25 EUR come back, and the same request is retried
    first = actions.do_refund_money(
        owner=fund, amount=_eur("25.00"), idempotency_key="r", reference="back", actor_ref=ACTOR
    )
    again = actions.do_refund_money(
        owner=fund, amount=_eur("25.00"), idempotency_key="r", reference="back", actor_ref=ACTOR
    )

    # then it is stored once, as a refund, and the books verify
    assert first.created
    assert not again.created
    assert get_cash_balance(owner=fund, currency="EUR") == _eur("25.00")
    assert LedgerTransaction.objects.filter(kind="refund").count() == 1
    assert verify_ledger().problems == []


def test_a_refund_of_more_than_was_paid_out_is_refused_and_nothing_is_written() -> None:
    # given 10 EUR paid out in all
    fund = MoneyOwner(kind=OwnerKind.FUND, owner_id=str(uuid.uuid4()))
    actions.do_record_gift(
        owner=fund, amount=_eur("10.00"), idempotency_key="g", reference="gift", actor_ref=ACTOR
    )
    actions.do_disburse_money(
        owner=fund, amount=_eur("10.00"), idempotency_key="d", reference="pay", actor_ref=ACTOR
    )
    count = LedgerTransaction.objects.count()

    # when / then
    with pytest.raises(InsufficientBalanceError):
        actions.do_refund_money(
            owner=fund, amount=_eur("10.01"), idempotency_key="r", reference="x", actor_ref=ACTOR
        )
    assert LedgerTransaction.objects.count() == count
    assert get_cash_balance(owner=fund, currency="EUR") == _eur("0")
