"""Tests for the framework-free ledger: posting rules, derivation, verify, and a state machine."""

import ast
import dataclasses
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TypedDict

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

import safepassage.core.ledger
from safepassage.core.ledger import (
    Account,
    BalanceMismatch,
    Bucket,
    DuplicateIdempotencyKey,
    DuplicateTransactionId,
    EmptyTransaction,
    InsufficientBalanceError,
    InvalidAccountError,
    InvalidPostingError,
    MilesAcrossPledges,
    MoneyOwner,
    NegativeBalance,
    NothingToMoveError,
    OwnerKind,
    PledgeRef,
    Posting,
    Transaction,
    TransactionKind,
    UnbalancedTransaction,
    UnbalancedTransactionError,
    Unit,
    UnknownCorrectedTransaction,
    ZeroPosting,
    apply_transaction,
    balance_deltas,
    build_correction,
    build_disbursement,
    build_expire,
    build_gift,
    build_pledge,
    build_redeem,
    build_refund,
    build_release,
    build_reserve,
    build_return,
    build_reversal,
    build_transfer,
    build_withdraw,
    check_balanced,
    derive_balances,
    external_account,
    get_cash_balance,
    get_pledge_balance,
    unit_imbalances,
    verify,
)
from safepassage.core.money import Miles, Money, MoneyError, ProgramMismatchError

PLEDGE = PledgeRef(pledge_id="P-1", program="AC")
OTHER_PLEDGE = PledgeRef(pledge_id="P-2", program="AC")
FUND = MoneyOwner(kind=OwnerKind.FUND, owner_id="F-1")
CAMPAIGN = MoneyOwner(kind=OwnerKind.CAMPAIGN, owner_id="C-1")


def miles(amount: int, program: str = "AC") -> Miles:
    return Miles(amount=amount, program=program)


def usd(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="USD")


class Ids(TypedDict):
    transaction_id: str
    idempotency_key: str
    reference: str


class Ledger:
    """A tiny in-memory stand-in for the persistence layer: transactions plus a balance cache."""

    def __init__(self) -> None:
        self.transactions: list[Transaction] = []
        self.balances: dict[Account, int] = {}
        self._next = 0

    def ids(self) -> Ids:
        self._next += 1
        return {
            "transaction_id": f"T-{self._next}",
            "idempotency_key": f"K-{self._next}",
            "reference": f"ref:{self._next}",
        }

    def record(self, transaction: Transaction) -> Transaction:
        self.balances = apply_transaction(balances=self.balances, transaction=transaction)
        self.transactions.append(transaction)
        return transaction


@pytest.fixture
def ledger() -> Ledger:
    return Ledger()


def pledged(ledger: Ledger, pledge: PledgeRef = PLEDGE, amount: int = 50_000) -> Transaction:
    return ledger.record(
        build_pledge(pledge=pledge, amount=miles(amount, pledge.program), **ledger.ids())
    )


# --- chart of accounts ---------------------------------------------------------------


def test_pledge_has_six_accounts_in_miles_of_its_program() -> None:
    accounts = PLEDGE.accounts()

    assert {account.bucket for account in accounts} == {
        Bucket.PLEDGED,
        Bucket.AVAILABLE,
        Bucket.RESERVED,
        Bucket.REDEEMED,
        Bucket.EXPIRED,
        Bucket.WITHDRAWN,
    }
    assert {str(account.unit) for account in accounts} == {"miles:AC"}
    assert list(accounts) == sorted(accounts)


@pytest.mark.parametrize(
    ("owner_kind", "owner_id", "bucket", "unit"),
    [
        (OwnerKind.PLEDGE, "P-1", Bucket.CASH, Unit.miles(program="AC")),
        (OwnerKind.PLEDGE, "P-1", Bucket.AVAILABLE, Unit.money(currency="USD")),
        (OwnerKind.FUND, "F-1", Bucket.CASH, Unit.miles(program="AC")),
        (OwnerKind.FUND, "F-1", Bucket.AVAILABLE, Unit.money(currency="USD")),
        (OwnerKind.EXTERNAL, "someone", Bucket.RECEIVED, Unit.money(currency="USD")),
        (OwnerKind.FUND, "", Bucket.CASH, Unit.money(currency="USD")),
    ],
)
def test_accounts_outside_the_chart_are_refused(
    owner_kind: OwnerKind, owner_id: str, bucket: Bucket, unit: Unit
) -> None:
    with pytest.raises(InvalidAccountError):
        Account(owner_kind=owner_kind, owner_id=owner_id, bucket=bucket, unit=unit)


def test_only_funds_and_campaigns_hold_cash() -> None:
    with pytest.raises(InvalidAccountError):
        MoneyOwner(kind=OwnerKind.PLEDGE, owner_id="P-1")


@pytest.mark.parametrize("text", ["miles:AC", "money:EUR", "miles:AMEX-MR", "money:JPY"])
def test_unit_text_round_trips(text: str) -> None:
    assert str(Unit.parse(text=text)) == text


@pytest.mark.parametrize("text", ["AC", "points:AC", "miles", ""])
def test_unit_parse_refuses_malformed_text(text: str) -> None:
    with pytest.raises(InvalidAccountError):
        Unit.parse(text=text)


@pytest.mark.parametrize("text", ["miles:ac", "money:usd", "money:XYZ", "miles:A"])
def test_unit_validates_program_and_currency_codes(text: str) -> None:
    with pytest.raises(InvalidAccountError) as caught:
        Unit.parse(text=text)

    assert isinstance(caught.value.__cause__, MoneyError)


def test_account_round_trips_through_its_stored_columns() -> None:
    account = PLEDGE.account(bucket=Bucket.RESERVED)

    stored = Account.from_stored(
        owner_kind=str(account.owner_kind),
        owner_id=account.owner_id,
        bucket=str(account.bucket),
        unit=str(account.unit),
    )

    assert stored == account


@pytest.mark.parametrize(
    ("owner_kind", "bucket", "unit"),
    [
        ("donor", "available", "miles:AC"),
        ("pledge", "spent", "miles:AC"),
        ("pledge", "cash", "miles:AC"),
        ("pledge", "available", "miles-AC"),
    ],
)
def test_corrupt_stored_accounts_raise_a_ledger_error(
    owner_kind: str, bucket: str, unit: str
) -> None:
    with pytest.raises(InvalidAccountError):
        Account.from_stored(owner_kind=owner_kind, owner_id="P-1", bucket=bucket, unit=unit)


# --- miles posting rules -------------------------------------------------------------


def test_pledge_moves_miles_from_pledged_to_available(ledger: Ledger) -> None:
    transaction = pledged(ledger, amount=30_000)

    assert transaction.kind is TransactionKind.PLEDGE
    assert set(transaction.postings) == {
        Posting(account=PLEDGE.account(bucket=Bucket.PLEDGED), amount=-30_000),
        Posting(account=PLEDGE.account(bucket=Bucket.AVAILABLE), amount=30_000),
    }
    balance = get_pledge_balance(balances=ledger.balances, pledge=PLEDGE)
    assert balance.pledged == miles(30_000)
    assert balance.available == miles(30_000)


def test_full_lifecycle_keeps_every_mile_accounted_for(ledger: Ledger) -> None:
    pledged(ledger, amount=50_000)
    ledger.record(
        build_reserve(balances=ledger.balances, pledge=PLEDGE, amount=miles(30_000), **ledger.ids())
    )
    ledger.record(
        build_release(balances=ledger.balances, pledge=PLEDGE, amount=miles(5_000), **ledger.ids())
    )
    ledger.record(
        build_redeem(balances=ledger.balances, pledge=PLEDGE, amount=miles(20_000), **ledger.ids())
    )
    ledger.record(
        build_return(balances=ledger.balances, pledge=PLEDGE, amount=miles(2_000), **ledger.ids())
    )
    ledger.record(
        build_expire(balances=ledger.balances, pledge=PLEDGE, amount=miles(1_000), **ledger.ids())
    )
    ledger.record(build_withdraw(balances=ledger.balances, pledge=PLEDGE, **ledger.ids()))

    balance = get_pledge_balance(balances=ledger.balances, pledge=PLEDGE)
    assert balance.available == miles(0)
    assert balance.reserved == miles(5_000)
    assert balance.redeemed == miles(18_000)
    assert balance.expired == miles(1_000)
    assert balance.withdrawn == miles(26_000)
    assert balance.pledged == miles(50_000)
    assert verify(transactions=ledger.transactions, stored_balances=ledger.balances) == []


@pytest.mark.parametrize(
    ("builder", "bucket"),
    [
        (build_reserve, Bucket.AVAILABLE),
        (build_release, Bucket.RESERVED),
        (build_redeem, Bucket.RESERVED),
        (build_return, Bucket.REDEEMED),
        (build_expire, Bucket.AVAILABLE),
        (build_withdraw, Bucket.AVAILABLE),
    ],
)
def test_moving_more_than_the_bucket_holds_is_refused_naming_the_pledge(
    ledger: Ledger, builder: object, bucket: Bucket
) -> None:
    pledged(ledger, amount=10_000)
    ledger.record(
        build_reserve(balances=ledger.balances, pledge=PLEDGE, amount=miles(4_000), **ledger.ids())
    )
    ledger.record(
        build_redeem(balances=ledger.balances, pledge=PLEDGE, amount=miles(1_000), **ledger.ids())
    )
    before = dict(ledger.balances)

    with pytest.raises(InsufficientBalanceError) as caught:
        builder(balances=ledger.balances, pledge=PLEDGE, amount=miles(7_000), **ledger.ids())  # type: ignore[operator]  # parametrised builder

    assert caught.value.account == PLEDGE.account(bucket=bucket)
    assert caught.value.requested == 7_000
    assert "pledge P-1" in str(caught.value)
    assert caught.value.code == "insufficient-balance"
    assert ledger.balances == before


def test_redeem_needs_a_reservation_first(ledger: Ledger) -> None:
    pledged(ledger, amount=10_000)

    with pytest.raises(InsufficientBalanceError) as caught:
        build_redeem(balances=ledger.balances, pledge=PLEDGE, amount=miles(1), **ledger.ids())

    assert caught.value.account == PLEDGE.account(bucket=Bucket.RESERVED)
    assert caught.value.balance == 0


@pytest.mark.parametrize("builder", [build_expire, build_withdraw])
def test_expire_and_withdraw_take_only_the_available_part(ledger: Ledger, builder: object) -> None:
    pledged(ledger, amount=10_000)
    ledger.record(
        build_reserve(balances=ledger.balances, pledge=PLEDGE, amount=miles(6_000), **ledger.ids())
    )

    transaction = builder(balances=ledger.balances, pledge=PLEDGE, **ledger.ids())  # type: ignore[operator]  # parametrised builder
    ledger.record(transaction)

    balance = get_pledge_balance(balances=ledger.balances, pledge=PLEDGE)
    assert balance.available == miles(0)
    assert balance.reserved == miles(6_000)
    assert (
        balance_deltas(transaction=transaction)[PLEDGE.account(bucket=Bucket.AVAILABLE)] == -4_000
    )


@pytest.mark.parametrize("builder", [build_expire, build_withdraw])
def test_expire_and_withdraw_all_with_nothing_available_is_refused(
    ledger: Ledger, builder: object
) -> None:
    pledged(ledger, amount=10_000)
    ledger.record(
        build_reserve(balances=ledger.balances, pledge=PLEDGE, amount=miles(10_000), **ledger.ids())
    )

    with pytest.raises(NothingToMoveError) as caught:
        builder(balances=ledger.balances, pledge=PLEDGE, **ledger.ids())  # type: ignore[operator]  # parametrised builder

    assert caught.value.account == PLEDGE.account(bucket=Bucket.AVAILABLE)


@pytest.mark.parametrize("amount", [0, -5])
def test_non_positive_miles_are_refused(ledger: Ledger, amount: int) -> None:
    with pytest.raises(InvalidPostingError):
        build_pledge(pledge=PLEDGE, amount=miles(amount), **ledger.ids())


def test_miles_of_another_program_are_refused(ledger: Ledger) -> None:
    pledged(ledger)

    with pytest.raises(ProgramMismatchError):
        build_reserve(
            balances=ledger.balances, pledge=PLEDGE, amount=miles(10, "BA"), **ledger.ids()
        )


def test_pledges_are_independent(ledger: Ledger) -> None:
    pledged(ledger, PLEDGE, 10_000)
    pledged(ledger, OTHER_PLEDGE, 10_000)
    ledger.record(
        build_reserve(balances=ledger.balances, pledge=PLEDGE, amount=miles(10_000), **ledger.ids())
    )

    with pytest.raises(InsufficientBalanceError) as caught:
        build_reserve(balances=ledger.balances, pledge=PLEDGE, amount=miles(1), **ledger.ids())

    assert caught.value.account.owner_id == "P-1"
    assert get_pledge_balance(balances=ledger.balances, pledge=OTHER_PLEDGE).available == miles(
        10_000
    )


# --- money posting rules -------------------------------------------------------------


def test_gift_disbursement_and_transfer(ledger: Ledger) -> None:
    ledger.record(build_gift(owner=CAMPAIGN, amount=usd("100.00"), **ledger.ids()))
    ledger.record(
        build_transfer(
            balances=ledger.balances,
            source=CAMPAIGN,
            destination=FUND,
            amount=usd("60.00"),
            **ledger.ids(),
        )
    )
    ledger.record(
        build_disbursement(
            balances=ledger.balances, owner=FUND, amount=usd("59.99"), **ledger.ids()
        )
    )

    assert get_cash_balance(balances=ledger.balances, owner=CAMPAIGN, currency="USD") == usd("40")
    assert get_cash_balance(balances=ledger.balances, owner=FUND, currency="USD") == usd("0.01")
    assert ledger.balances[external_account(bucket=Bucket.RECEIVED, currency="USD")] == -10_000
    assert ledger.balances[external_account(bucket=Bucket.DISBURSED, currency="USD")] == 5_999
    assert verify(transactions=ledger.transactions, stored_balances=ledger.balances) == []


def test_refund_brings_paid_out_cash_back_without_counting_as_received(ledger: Ledger) -> None:
    # given 50 USD paid out of the fund
    ledger.record(build_gift(owner=FUND, amount=usd("80.00"), **ledger.ids()))
    ledger.record(
        build_disbursement(
            balances=ledger.balances, owner=FUND, amount=usd("50.00"), **ledger.ids()
        )
    )

    # when 30 USD come back to a campaign
    refund = ledger.record(
        build_refund(balances=ledger.balances, owner=CAMPAIGN, amount=usd("30.00"), **ledger.ids())
    )

    # then it leaves the paid-out sink, and the world's "received" is untouched
    assert refund.kind is TransactionKind.REFUND
    assert get_cash_balance(balances=ledger.balances, owner=CAMPAIGN, currency="USD") == usd("30")
    assert ledger.balances[external_account(bucket=Bucket.DISBURSED, currency="USD")] == 2_000
    assert ledger.balances[external_account(bucket=Bucket.RECEIVED, currency="USD")] == -8_000
    assert verify(transactions=ledger.transactions, stored_balances=ledger.balances) == []


def test_refund_of_more_than_was_ever_paid_out_is_refused(ledger: Ledger) -> None:
    ledger.record(build_gift(owner=FUND, amount=usd("10.00"), **ledger.ids()))
    ledger.record(
        build_disbursement(
            balances=ledger.balances, owner=FUND, amount=usd("10.00"), **ledger.ids()
        )
    )
    before = dict(ledger.balances)

    with pytest.raises(InsufficientBalanceError) as caught:
        build_refund(balances=ledger.balances, owner=FUND, amount=usd("10.01"), **ledger.ids())
    with pytest.raises(InsufficientBalanceError):
        build_refund(
            balances=ledger.balances,
            owner=FUND,
            amount=Money(amount=Decimal(1), currency="EUR"),
            **ledger.ids(),
        )

    assert caught.value.account == external_account(bucket=Bucket.DISBURSED, currency="USD")
    assert ledger.balances == before


@pytest.mark.parametrize("amount", ["0", "-1.00"])
def test_refund_of_nothing_is_refused(ledger: Ledger, amount: str) -> None:
    with pytest.raises(InvalidPostingError):
        build_refund(balances=ledger.balances, owner=FUND, amount=usd(amount), **ledger.ids())


def test_cash_is_kept_per_currency_in_minor_units(ledger: Ledger) -> None:
    ledger.record(
        build_gift(owner=FUND, amount=Money(amount=Decimal(5000), currency="JPY"), **ledger.ids())
    )
    ledger.record(
        build_gift(
            owner=FUND, amount=Money(amount=Decimal("1.234"), currency="BHD"), **ledger.ids()
        )
    )

    assert ledger.balances[FUND.cash_account(currency="JPY")] == 5_000
    assert ledger.balances[FUND.cash_account(currency="BHD")] == 1_234
    with pytest.raises(InsufficientBalanceError) as caught:
        build_disbursement(balances=ledger.balances, owner=FUND, amount=usd("0.01"), **ledger.ids())
    assert caught.value.account == FUND.cash_account(currency="USD")


def test_overdrawing_a_fund_is_refused(ledger: Ledger) -> None:
    ledger.record(build_gift(owner=FUND, amount=usd("10.00"), **ledger.ids()))

    with pytest.raises(InsufficientBalanceError) as caught:
        build_disbursement(
            balances=ledger.balances, owner=FUND, amount=usd("10.01"), **ledger.ids()
        )

    assert caught.value.account == FUND.cash_account(currency="USD")
    assert caught.value.requested == 1_001
    assert caught.value.balance == 1_000


def test_transfer_to_the_same_owner_is_refused(ledger: Ledger) -> None:
    ledger.record(build_gift(owner=FUND, amount=usd("10.00"), **ledger.ids()))

    with pytest.raises(InvalidPostingError):
        build_transfer(
            balances=ledger.balances, source=FUND, destination=FUND, amount=usd("1"), **ledger.ids()
        )


@pytest.mark.parametrize("amount", ["0", "-1.00"])
def test_non_positive_money_is_refused(ledger: Ledger, amount: str) -> None:
    with pytest.raises(InvalidPostingError):
        build_gift(owner=FUND, amount=usd(amount), **ledger.ids())


# --- corrections ---------------------------------------------------------------------


def test_reversal_undoes_a_transaction_with_a_new_one(ledger: Ledger) -> None:
    pledged(ledger, amount=10_000)
    reserve = ledger.record(
        build_reserve(balances=ledger.balances, pledge=PLEDGE, amount=miles(3_000), **ledger.ids())
    )

    reversal = ledger.record(
        build_reversal(balances=ledger.balances, original=reserve, **ledger.ids())
    )

    assert reversal.kind is TransactionKind.CORRECTION
    assert reversal.corrects == reserve.transaction_id
    assert reserve in ledger.transactions
    assert get_pledge_balance(balances=ledger.balances, pledge=PLEDGE).available == miles(10_000)
    assert verify(transactions=ledger.transactions, stored_balances=ledger.balances) == []


def test_reversal_is_refused_when_the_value_has_moved_on(ledger: Ledger) -> None:
    pledged(ledger, amount=10_000)
    reserve = ledger.record(
        build_reserve(balances=ledger.balances, pledge=PLEDGE, amount=miles(3_000), **ledger.ids())
    )
    ledger.record(
        build_redeem(balances=ledger.balances, pledge=PLEDGE, amount=miles(3_000), **ledger.ids())
    )

    with pytest.raises(InsufficientBalanceError) as caught:
        build_reversal(balances=ledger.balances, original=reserve, **ledger.ids())

    assert caught.value.account == PLEDGE.account(bucket=Bucket.RESERVED)


def test_correction_must_balance(ledger: Ledger) -> None:
    pledged(ledger)

    with pytest.raises(UnbalancedTransactionError):
        build_correction(
            balances=ledger.balances,
            corrects="T-1",
            postings=[Posting(account=PLEDGE.account(bucket=Bucket.AVAILABLE), amount=-1)],
            **ledger.ids(),
        )


def test_correction_cannot_move_miles_between_pledges(ledger: Ledger) -> None:
    pledged(ledger, PLEDGE)
    pledged(ledger, OTHER_PLEDGE)

    with pytest.raises(UnbalancedTransactionError, match="pledge"):
        build_correction(
            balances=ledger.balances,
            corrects="T-1",
            postings=[
                Posting(account=PLEDGE.account(bucket=Bucket.AVAILABLE), amount=-1),
                Posting(account=OTHER_PLEDGE.account(bucket=Bucket.AVAILABLE), amount=1),
            ],
            **ledger.ids(),
        )


@pytest.mark.parametrize(
    "postings",
    [
        [],
        [
            Posting(account=PLEDGE.account(bucket=Bucket.AVAILABLE), amount=0),
            Posting(account=PLEDGE.account(bucket=Bucket.EXPIRED), amount=0),
        ],
    ],
)
def test_correction_needs_non_zero_postings(ledger: Ledger, postings: list[Posting]) -> None:
    with pytest.raises(UnbalancedTransactionError):
        build_correction(
            balances=ledger.balances, corrects="T-1", postings=postings, **ledger.ids()
        )


def test_correction_must_name_what_it_corrects(ledger: Ledger) -> None:
    with pytest.raises(InvalidPostingError):
        build_correction(balances=ledger.balances, corrects="", postings=[], **ledger.ids())


# --- derivation and verify -----------------------------------------------------------


def honest_ledger() -> Ledger:
    ledger = Ledger()
    pledged(ledger, amount=20_000)
    ledger.record(
        build_reserve(balances=ledger.balances, pledge=PLEDGE, amount=miles(8_000), **ledger.ids())
    )
    ledger.record(build_gift(owner=FUND, amount=usd("25.00"), **ledger.ids()))
    return ledger


def test_derive_balances_sums_postings_and_keeps_zero_accounts() -> None:
    ledger = honest_ledger()
    ledger.record(
        build_release(balances=ledger.balances, pledge=PLEDGE, amount=miles(8_000), **ledger.ids())
    )

    derived = derive_balances(transactions=ledger.transactions)

    assert derived == ledger.balances
    assert derived[PLEDGE.account(bucket=Bucket.RESERVED)] == 0


def test_apply_transaction_leaves_the_input_alone_when_refusing() -> None:
    ledger = honest_ledger()
    before = dict(ledger.balances)
    overdraft = Transaction(
        transaction_id="X",
        kind=TransactionKind.CORRECTION,
        idempotency_key="X",
        reference="",
        postings=(
            Posting(account=PLEDGE.account(bucket=Bucket.AVAILABLE), amount=-12_001),
            Posting(account=PLEDGE.account(bucket=Bucket.EXPIRED), amount=12_001),
        ),
        corrects="T-1",
    )

    with pytest.raises(InsufficientBalanceError):
        apply_transaction(balances=ledger.balances, transaction=overdraft)

    assert ledger.balances == before


def test_verify_finds_nothing_on_an_honest_ledger() -> None:
    ledger = honest_ledger()

    assert verify(transactions=ledger.transactions, stored_balances=ledger.balances) == []


def replace_postings(transaction: Transaction, postings: tuple[Posting, ...]) -> Transaction:
    return dataclasses.replace(transaction, postings=postings)


def test_verify_names_an_edited_posting() -> None:
    ledger = honest_ledger()
    reserve = ledger.transactions[1]
    first, second = reserve.postings
    edited = replace_postings(
        reserve, (first, dataclasses.replace(second, amount=second.amount + 1))
    )

    problems = verify(
        transactions=[ledger.transactions[0], edited, ledger.transactions[2]],
        stored_balances=ledger.balances,
    )

    assert UnbalancedTransaction(transaction_id="T-2", unit=PLEDGE.unit, imbalance=1) in problems
    assert MilesAcrossPledges(transaction_id="T-2", pledge_id="P-1", imbalance=1) in problems
    assert (
        BalanceMismatch(account=second.account, stored=second.amount, derived=second.amount + 1)
        in problems
    )


@pytest.mark.parametrize("mode", ["drop", "duplicate"])
def test_verify_names_a_dropped_or_duplicated_posting(mode: str) -> None:
    ledger = honest_ledger()
    gift = ledger.transactions[2]
    cash = next(p for p in gift.postings if p.account == FUND.cash_account(currency="USD"))
    others = tuple(p for p in gift.postings if p != cash)
    postings = others if mode == "drop" else (*gift.postings, cash)
    tampered = [*ledger.transactions[:2], replace_postings(gift, postings)]

    problems = verify(transactions=tampered, stored_balances=ledger.balances)

    imbalance = -2_500 if mode == "drop" else 2_500
    assert (
        UnbalancedTransaction(
            transaction_id="T-3", unit=Unit.money(currency="USD"), imbalance=imbalance
        )
        in problems
    )
    assert any(isinstance(p, BalanceMismatch) and p.account == cash.account for p in problems)


def test_verify_names_a_duplicated_transaction() -> None:
    ledger = honest_ledger()

    problems = verify(
        transactions=[*ledger.transactions, ledger.transactions[2]], stored_balances=ledger.balances
    )

    assert DuplicateTransactionId(transaction_id="T-3") in problems
    assert DuplicateIdempotencyKey(idempotency_key="K-3", transaction_id="T-3") in problems
    assert (
        BalanceMismatch(account=FUND.cash_account(currency="USD"), stored=2_500, derived=5_000)
        in problems
    )


def test_verify_names_a_dropped_transaction() -> None:
    ledger = honest_ledger()

    problems = verify(transactions=ledger.transactions[:2], stored_balances=ledger.balances)

    assert {p.account for p in problems if isinstance(p, BalanceMismatch)} == {
        FUND.cash_account(currency="USD"),
        external_account(bucket=Bucket.RECEIVED, currency="USD"),
    }


def test_verify_names_a_tampered_stored_balance() -> None:
    ledger = honest_ledger()
    account = PLEDGE.account(bucket=Bucket.AVAILABLE)
    stored = {**ledger.balances, account: 999_999}

    problems = verify(transactions=ledger.transactions, stored_balances=stored)

    assert problems == [BalanceMismatch(account=account, stored=999_999, derived=12_000)]
    assert "pledge:P-1:available:miles:AC" in problems[0].describe()


def test_verify_names_the_transaction_that_overdrew_an_account() -> None:
    ledger = honest_ledger()
    overdraft = Transaction(
        transaction_id="T-bad",
        kind=TransactionKind.RESERVE,
        idempotency_key="K-bad",
        reference="booking:1",
        postings=(
            Posting(account=PLEDGE.account(bucket=Bucket.AVAILABLE), amount=-15_000),
            Posting(account=PLEDGE.account(bucket=Bucket.RESERVED), amount=15_000),
        ),
    )
    transactions = [*ledger.transactions, overdraft]

    problems = verify(
        transactions=transactions, stored_balances=derive_balances(transactions=transactions)
    )

    assert problems == [
        NegativeBalance(
            account=PLEDGE.account(bucket=Bucket.AVAILABLE), balance=-3_000, transaction_id="T-bad"
        )
    ]


def test_verify_reports_malformed_transactions() -> None:
    available = PLEDGE.account(bucket=Bucket.AVAILABLE)
    empty = Transaction(
        transaction_id="T-1",
        kind=TransactionKind.GIFT,
        idempotency_key="K-1",
        reference="",
        postings=(),
    )
    zero = Transaction(
        transaction_id="T-2",
        kind=TransactionKind.CORRECTION,
        idempotency_key="K-2",
        reference="",
        postings=(Posting(account=available, amount=0),),
        corrects="T-99",
    )

    problems = verify(transactions=[empty, zero], stored_balances={})

    assert problems == [
        EmptyTransaction(transaction_id="T-1"),
        UnknownCorrectedTransaction(transaction_id="T-2", corrects="T-99"),
        ZeroPosting(transaction_id="T-2", account=available),
    ]
    assert all(p.code and p.describe() for p in problems)


def test_every_problem_describes_itself_with_ids_only() -> None:
    ledger = honest_ledger()
    tampered = [*ledger.transactions, ledger.transactions[0]]

    for problem in verify(transactions=tampered, stored_balances={}):
        text = problem.describe()
        assert text
        assert "\n" not in text


def test_check_balanced_accepts_what_the_builders_make() -> None:
    for transaction in honest_ledger().transactions:
        check_balanced(transaction=transaction)
        assert unit_imbalances(transaction=transaction) == {}


# --- the core stays framework-free ---------------------------------------------------


def test_ledger_and_money_import_only_the_standard_library_and_the_core() -> None:
    package = Path(safepassage.core.ledger.__file__).parent
    files = [*package.glob("*.py"), package.parent / "money.py"]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or name.startswith("safepassage.core"), (
                    f"{path.name} imports {name}"
                )


# --- state machine -------------------------------------------------------------------

PROGRAMS = ("AC", "BA", "AMEX-MR")
CURRENCIES = ("USD", "EUR", "JPY", "BHD")
MONEY_OWNERS = (FUND, MoneyOwner(kind=OwnerKind.FUND, owner_id="F-2"), CAMPAIGN)
PLEDGE_BUCKETS = ("available", "reserved", "redeemed", "expired", "withdrawn")
MILES_MOVES = {
    # rule name: (source bucket, destination bucket), in the model's own words
    "reserve": ("available", "reserved"),
    "release": ("reserved", "available"),
    "redeem": ("reserved", "redeemed"),
    "return": ("redeemed", "available"),
    "expire": ("available", "expired"),
    "withdraw": ("available", "withdrawn"),
}
MILES_BUILDERS: dict[str, Callable[..., Transaction]] = {
    "reserve": build_reserve,
    "release": build_release,
    "redeem": build_redeem,
    "return": build_return,
    "expire": build_expire,
    "withdraw": build_withdraw,
}
amounts = st.integers(min_value=1, max_value=60_000)
minor_amounts = st.integers(min_value=1, max_value=500_000)

type ModelKey = tuple[str, ...]


def prefer[T](data: st.DataObject, preferred: list[T], fallback: list[T]) -> list[T]:
    """Mostly the preferred candidates (if any), so that deep states are reached."""
    if preferred and data.draw(st.integers(min_value=0, max_value=3), label="prefer") > 0:
        return preferred
    return fallback


def draw_amount(data: st.DataObject, balance: int) -> int:
    """Mostly an amount the balance covers, sometimes one it does not."""
    if balance > 0 and data.draw(st.integers(min_value=0, max_value=3), label="covered") > 0:
        return data.draw(st.integers(min_value=1, max_value=balance), label="amount")
    return data.draw(st.integers(min_value=balance + 1, max_value=balance + 10_000), label="amount")


def model_key(account: Account) -> ModelKey:
    """Translate a ledger account to the model's plain tuple key."""
    return (account.owner_kind.value, account.owner_id, account.bucket.value, account.unit.code)


class LedgerMachine(RuleBasedStateMachine):
    """Random pledges, moves, gifts, disbursements, refunds, transfers and reversals
    against a model.

    The model is a dict of plain tuples to ints, updated by hand-written rules, never by
    the code under test; the ledger side keeps transactions and a balance cache the way
    the persistence layer will.
    """

    def __init__(self) -> None:
        super().__init__()
        self.ledger = Ledger()
        self.pledges: list[PledgeRef] = []
        self.model: dict[ModelKey, int] = {}

    def add(self, key: ModelKey, amount: int) -> None:
        self.model[key] = self.model.get(key, 0) + amount

    def get(self, key: ModelKey) -> int:
        return self.model.get(key, 0)

    @initialize(program=st.sampled_from(PROGRAMS), amount=amounts)
    def first_pledge(self, program: str, amount: int) -> None:
        self.pledge(program=program, amount=amount)

    @rule(program=st.sampled_from(PROGRAMS), amount=amounts)
    def pledge(self, program: str, amount: int) -> None:
        pledge = PledgeRef(pledge_id=f"P-{len(self.pledges) + 1}", program=program)
        self.pledges.append(pledge)
        self.top_up_pledge(pledge, amount)

    def top_up_pledge(self, pledge: PledgeRef, amount: int) -> None:
        self.ledger.record(
            build_pledge(pledge=pledge, amount=miles(amount, pledge.program), **self.ledger.ids())
        )
        self.add(("pledge", pledge.pledge_id, "pledged", pledge.program), -amount)
        self.add(("pledge", pledge.pledge_id, "available", pledge.program), amount)

    @rule(data=st.data(), amount=amounts)
    def top_up(self, data: st.DataObject, amount: int) -> None:
        self.top_up_pledge(data.draw(st.sampled_from(self.pledges)), amount)

    @rule(data=st.data())
    def reserve(self, data: st.DataObject) -> None:
        self.move_miles(data, "reserve", everything=False)

    @rule(data=st.data())
    def release(self, data: st.DataObject) -> None:
        self.move_miles(data, "release", everything=False)

    @rule(data=st.data())
    def redeem(self, data: st.DataObject) -> None:
        self.move_miles(data, "redeem", everything=False)

    @rule(data=st.data())
    def return_redeemed(self, data: st.DataObject) -> None:
        self.move_miles(data, "return", everything=False)

    @rule(data=st.data(), everything=st.booleans())
    def expire(self, data: st.DataObject, everything: bool) -> None:
        self.move_miles(data, "expire", everything=everything)

    @rule(data=st.data(), everything=st.booleans())
    def withdraw(self, data: st.DataObject, everything: bool) -> None:
        self.move_miles(data, "withdraw", everything=everything)

    def move_miles(self, data: st.DataObject, move: str, *, everything: bool) -> None:
        """Try one move on a random pledge; check refusals change nothing."""
        source, destination = MILES_MOVES[move]
        holding = [p for p in self.pledges if self.get(("pledge", p.pledge_id, source, p.program))]
        pledge = data.draw(st.sampled_from(prefer(data, holding, self.pledges)))
        source_key = ("pledge", pledge.pledge_id, source, pledge.program)
        destination_key = ("pledge", pledge.pledge_id, destination, pledge.program)
        amount = draw_amount(data, self.get(source_key))
        builder = MILES_BUILDERS[move]
        before = dict(self.ledger.balances)
        count = len(self.ledger.transactions)
        if everything:
            amount = self.get(source_key)
            if amount == 0:
                event(f"{move} everything: refused")
                with pytest.raises(NothingToMoveError):
                    builder(balances=self.ledger.balances, pledge=pledge, **self.ledger.ids())
                assert self.ledger.balances == before
                return
            transaction = builder(balances=self.ledger.balances, pledge=pledge, **self.ledger.ids())
        elif amount > self.get(source_key):
            event(f"{move}: refused")
            with pytest.raises(InsufficientBalanceError) as caught:
                builder(
                    balances=self.ledger.balances,
                    pledge=pledge,
                    amount=miles(amount, pledge.program),
                    **self.ledger.ids(),
                )
            assert caught.value.account == pledge.account(bucket=Bucket(source))
            assert f"pledge {pledge.pledge_id}" in str(caught.value)
            assert self.ledger.balances == before
            assert len(self.ledger.transactions) == count
            return
        else:
            transaction = builder(
                balances=self.ledger.balances,
                pledge=pledge,
                amount=miles(amount, pledge.program),
                **self.ledger.ids(),
            )
        self.ledger.record(transaction)
        event(f"{move}: applied")
        self.add(source_key, -amount)
        self.add(destination_key, amount)

    @rule(
        owner=st.sampled_from(MONEY_OWNERS),
        currency=st.sampled_from(CURRENCIES),
        minor=minor_amounts,
    )
    def gift(self, owner: MoneyOwner, currency: str, minor: int) -> None:
        amount = Money.from_minor_units(amount=minor, currency=currency)
        self.ledger.record(build_gift(owner=owner, amount=amount, **self.ledger.ids()))
        self.add(("external", "world", "received", currency), -minor)
        self.add((owner.kind.value, owner.owner_id, "cash", currency), minor)

    def draw_cash_holder(self, data: st.DataObject) -> tuple[MoneyOwner, str]:
        everyone = [(owner, currency) for owner in MONEY_OWNERS for currency in CURRENCIES]
        holding = [
            (owner, currency)
            for owner, currency in everyone
            if self.get((owner.kind.value, owner.owner_id, "cash", currency))
        ]
        return data.draw(st.sampled_from(prefer(data, holding, everyone)))

    @rule(data=st.data())
    def disburse(self, data: st.DataObject) -> None:
        owner, currency = self.draw_cash_holder(data)
        cash_key = (owner.kind.value, owner.owner_id, "cash", currency)
        minor = draw_amount(data, self.get(cash_key))
        amount = Money.from_minor_units(amount=minor, currency=currency)
        if minor > self.get(cash_key):
            event("disburse: refused")
            with pytest.raises(InsufficientBalanceError) as caught:
                build_disbursement(
                    balances=self.ledger.balances, owner=owner, amount=amount, **self.ledger.ids()
                )
            assert caught.value.account == owner.cash_account(currency=currency)
            return
        self.ledger.record(
            build_disbursement(
                balances=self.ledger.balances, owner=owner, amount=amount, **self.ledger.ids()
            )
        )
        event("disburse: applied")
        self.add(cash_key, -minor)
        self.add(("external", "world", "disbursed", currency), minor)

    @rule(data=st.data(), owner=st.sampled_from(MONEY_OWNERS))
    def refund(self, data: st.DataObject, owner: MoneyOwner) -> None:
        """Cash coming back from what was paid out: never more than the world was paid in
        that currency (the ledger's rule; bookings keeps it to each owner's payment)."""
        paid_out = [c for c in CURRENCIES if self.get(("external", "world", "disbursed", c))]
        currency = data.draw(st.sampled_from(prefer(data, paid_out, list(CURRENCIES))))
        disbursed_key = ("external", "world", "disbursed", currency)
        minor = draw_amount(data, self.get(disbursed_key))
        amount = Money.from_minor_units(amount=minor, currency=currency)
        before = dict(self.ledger.balances)
        if minor > self.get(disbursed_key):
            event("refund: refused")
            with pytest.raises(InsufficientBalanceError) as caught:
                build_refund(
                    balances=self.ledger.balances, owner=owner, amount=amount, **self.ledger.ids()
                )
            assert caught.value.account == external_account(
                bucket=Bucket.DISBURSED, currency=currency
            )
            assert self.ledger.balances == before
            return
        transaction = self.ledger.record(
            build_refund(
                balances=self.ledger.balances, owner=owner, amount=amount, **self.ledger.ids()
            )
        )
        assert transaction.kind is TransactionKind.REFUND
        event("refund: applied")
        self.add(disbursed_key, -minor)
        self.add((owner.kind.value, owner.owner_id, "cash", currency), minor)

    @rule(data=st.data(), destination=st.sampled_from(MONEY_OWNERS))
    def transfer(self, data: st.DataObject, destination: MoneyOwner) -> None:
        source, currency = self.draw_cash_holder(data)
        source_key = (source.kind.value, source.owner_id, "cash", currency)
        minor = draw_amount(data, self.get(source_key))
        amount = Money.from_minor_units(amount=minor, currency=currency)
        call = {
            "balances": self.ledger.balances,
            "source": source,
            "destination": destination,
            "amount": amount,
            **self.ledger.ids(),
        }
        if source == destination:
            event("transfer to itself: refused")
            with pytest.raises(InvalidPostingError):
                build_transfer(**call)  # type: ignore[arg-type]  # heterogeneous kwargs dict
            return
        if minor > self.get(source_key):
            event("transfer: refused")
            with pytest.raises(InsufficientBalanceError):
                build_transfer(**call)  # type: ignore[arg-type]  # heterogeneous kwargs dict
            return
        self.ledger.record(build_transfer(**call))  # type: ignore[arg-type]  # heterogeneous kwargs dict
        event("transfer: applied")
        self.add(source_key, -minor)
        self.add((destination.kind.value, destination.owner_id, "cash", currency), minor)

    @rule(data=st.data())
    def reverse(self, data: st.DataObject) -> None:
        original = data.draw(st.sampled_from(self.ledger.transactions))
        after = dict(self.model)
        for posting in original.postings:
            key = model_key(posting.account)
            after[key] = after.get(key, 0) - posting.amount
        if not self.legal(after):
            event("reverse: refused")
            with pytest.raises(InsufficientBalanceError):
                build_reversal(
                    balances=self.ledger.balances, original=original, **self.ledger.ids()
                )
            return
        reversal = self.ledger.record(
            build_reversal(balances=self.ledger.balances, original=original, **self.ledger.ids())
        )
        assert reversal.corrects == original.transaction_id
        event("reverse: applied")
        self.model = after

    @staticmethod
    def legal(model: dict[ModelKey, int]) -> bool:
        return all(
            value <= 0 if key[2] in {"pledged", "received"} else value >= 0
            for key, value in model.items()
        )

    @rule(
        data=st.data(),
        source=st.sampled_from(["pledged", *PLEDGE_BUCKETS]),
        destination=st.sampled_from(["pledged", *PLEDGE_BUCKETS]),
    )
    def correct_a_pledge(self, data: st.DataObject, source: str, destination: str) -> None:
        """A hand-made correction moving miles between two buckets of one pledge."""
        pledge = data.draw(st.sampled_from(self.pledges))
        corrected = data.draw(st.sampled_from(self.ledger.transactions))
        if source == destination:
            return
        source_key = ("pledge", pledge.pledge_id, source, pledge.program)
        destination_key = ("pledge", pledge.pledge_id, destination, pledge.program)
        held = self.get(source_key)
        amount = draw_amount(data, -held if source == "pledged" else held)
        after = dict(self.model)
        after[source_key] = after.get(source_key, 0) - amount
        after[destination_key] = after.get(destination_key, 0) + amount
        build = {
            "balances": self.ledger.balances,
            "corrects": corrected.transaction_id,
            "postings": [
                Posting(account=pledge.account(bucket=Bucket(source)), amount=-amount),
                Posting(account=pledge.account(bucket=Bucket(destination)), amount=amount),
            ],
            **self.ledger.ids(),
        }
        if not self.legal(after):
            event("correction: refused")
            with pytest.raises(InsufficientBalanceError):
                build_correction(**build)  # type: ignore[arg-type]  # heterogeneous kwargs dict
            return
        self.ledger.record(build_correction(**build))  # type: ignore[arg-type]  # heterogeneous kwargs dict
        event("correction: applied")
        self.model = after

    @rule(data=st.data(), mode=st.sampled_from(["edit", "drop", "duplicate"]))
    def tamper_with_a_posting(self, data: st.DataObject, mode: str) -> None:
        transactions = self.ledger.transactions
        index = data.draw(st.integers(min_value=0, max_value=len(transactions) - 1))
        victim = transactions[index]
        position = data.draw(st.integers(min_value=0, max_value=len(victim.postings) - 1))
        posting = victim.postings[position]
        postings = list(victim.postings)
        if mode == "edit":
            change = data.draw(st.integers(min_value=1, max_value=1_000)) * data.draw(
                st.sampled_from([1, -1])
            )
            postings[position] = dataclasses.replace(posting, amount=posting.amount + change)
        elif mode == "drop":
            change = -posting.amount
            del postings[position]
        else:
            change = posting.amount
            postings.append(posting)
        tampered = [
            *transactions[:index],
            dataclasses.replace(victim, postings=tuple(postings)),
            *transactions[index + 1 :],
        ]

        problems = verify(transactions=tampered, stored_balances=self.ledger.balances)

        assert (
            UnbalancedTransaction(
                transaction_id=victim.transaction_id, unit=posting.account.unit, imbalance=change
            )
            in problems
        )
        stored = self.ledger.balances[posting.account]
        assert (
            BalanceMismatch(account=posting.account, stored=stored, derived=stored + change)
            in problems
        )

    @rule(data=st.data())
    def tamper_with_a_transaction(self, data: st.DataObject) -> None:
        transactions = self.ledger.transactions
        index = data.draw(st.integers(min_value=0, max_value=len(transactions) - 1))
        victim = transactions[index]

        duplicated = verify(
            transactions=[*transactions, victim], stored_balances=self.ledger.balances
        )
        dropped = verify(
            transactions=[*transactions[:index], *transactions[index + 1 :]],
            stored_balances=self.ledger.balances,
        )

        assert DuplicateTransactionId(transaction_id=victim.transaction_id) in duplicated
        touched = set(balance_deltas(transaction=victim))
        assert touched
        assert touched <= {p.account for p in dropped if isinstance(p, BalanceMismatch)}

    @invariant()
    def no_balance_is_negative(self) -> None:
        for account, balance in derive_balances(transactions=self.ledger.transactions).items():
            assert account.normal_balance(balance=balance) >= 0, account

    @invariant()
    def every_transaction_balances(self) -> None:
        for transaction in self.ledger.transactions:
            check_balanced(transaction=transaction)

    @invariant()
    def derived_balances_equal_the_model(self) -> None:
        derived = derive_balances(transactions=self.ledger.transactions)
        assert {model_key(a): b for a, b in derived.items() if b} == {
            k: v for k, v in self.model.items() if v
        }

    @invariant()
    def every_pledge_conserves_its_miles(self) -> None:
        for pledge in self.pledges:
            balance = get_pledge_balance(balances=self.ledger.balances, pledge=pledge)
            parts = [
                balance.available,
                balance.reserved,
                balance.redeemed,
                balance.expired,
                balance.withdrawn,
            ]
            assert sum(part.amount for part in parts) == balance.pledged.amount

    @invariant()
    def verify_finds_nothing_on_the_honest_ledger(self) -> None:
        assert self.ledger.balances == derive_balances(transactions=self.ledger.transactions)
        assert (
            verify(transactions=self.ledger.transactions, stored_balances=self.ledger.balances)
            == []
        )


LedgerMachine.TestCase.settings = settings(
    max_examples=100,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_ledger_state_machine = LedgerMachine.TestCase
