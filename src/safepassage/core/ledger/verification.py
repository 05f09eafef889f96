"""Re-derive every balance from the postings and report what does not add up.

:func:`verify` is what ``safepassage ledger verify`` runs: it takes every transaction
in the order they were committed and the stored balance table, and returns a list of
named problems (empty for an honest ledger). Each problem has a stable ``code`` and a
``describe()`` line that names only ids: transaction ids, accounts, idempotency keys.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from safepassage.core.ledger.accounts import Account, Unit
from safepassage.core.ledger.transactions import (
    Transaction,
    TransactionKind,
    pledge_imbalances,
    unit_imbalances,
)

__all__ = [
    "BalanceMismatch",
    "DuplicateIdempotencyKey",
    "DuplicateTransactionId",
    "EmptyTransaction",
    "MilesAcrossPledges",
    "NegativeBalance",
    "Problem",
    "UnbalancedTransaction",
    "UnknownCorrectedTransaction",
    "ZeroPosting",
    "verify",
]


@dataclass(frozen=True, slots=True)
class UnbalancedTransaction:
    """The postings of a transaction do not sum to zero in ``unit``."""

    code: ClassVar[str] = "unbalanced-transaction"
    transaction_id: str
    unit: Unit
    imbalance: int

    def describe(self) -> str:
        """One line for the operator."""
        return f"transaction {self.transaction_id} is off by {self.imbalance} {self.unit}"


@dataclass(frozen=True, slots=True)
class MilesAcrossPledges:
    """A transaction moved miles into or out of a pledge (miles never change pledge)."""

    code: ClassVar[str] = "miles-across-pledges"
    transaction_id: str
    pledge_id: str
    imbalance: int

    def describe(self) -> str:
        """One line for the operator."""
        return (
            f"transaction {self.transaction_id} changes the total of pledge "
            f"{self.pledge_id} by {self.imbalance}"
        )


@dataclass(frozen=True, slots=True)
class EmptyTransaction:
    """A transaction without postings."""

    code: ClassVar[str] = "empty-transaction"
    transaction_id: str

    def describe(self) -> str:
        """One line for the operator."""
        return f"transaction {self.transaction_id} has no postings"


@dataclass(frozen=True, slots=True)
class ZeroPosting:
    """A posting of zero: never written by the posting rules."""

    code: ClassVar[str] = "zero-posting"
    transaction_id: str
    account: Account

    def describe(self) -> str:
        """One line for the operator."""
        return f"transaction {self.transaction_id} posts zero to {self.account}"


@dataclass(frozen=True, slots=True)
class DuplicateTransactionId:
    """Two transactions share an id."""

    code: ClassVar[str] = "duplicate-transaction-id"
    transaction_id: str

    def describe(self) -> str:
        """One line for the operator."""
        return f"transaction id {self.transaction_id} occurs more than once"


@dataclass(frozen=True, slots=True)
class DuplicateIdempotencyKey:
    """Two transactions share an idempotency key: a request was recorded twice."""

    code: ClassVar[str] = "duplicate-idempotency-key"
    idempotency_key: str
    transaction_id: str

    def describe(self) -> str:
        """One line for the operator."""
        return f"transaction {self.transaction_id} reuses idempotency key {self.idempotency_key}"


@dataclass(frozen=True, slots=True)
class UnknownCorrectedTransaction:
    """A correction names a transaction that does not precede it."""

    code: ClassVar[str] = "unknown-corrected-transaction"
    transaction_id: str
    corrects: str

    def describe(self) -> str:
        """One line for the operator."""
        return (
            f"correction {self.transaction_id} corrects {self.corrects}, "
            "which is not an earlier transaction"
        )


@dataclass(frozen=True, slots=True)
class NegativeBalance:
    """An account was overdrawn: its balance went below zero (above, for a source account).

    ``balance`` is the overdrawn balance signed so that legal balances are non-negative;
    ``transaction_id`` is the first transaction after which it was out of range.
    """

    code: ClassVar[str] = "negative-balance"
    account: Account
    balance: int
    transaction_id: str

    def describe(self) -> str:
        """One line for the operator."""
        return (
            f"account {self.account} went to {self.balance} after transaction {self.transaction_id}"
        )


@dataclass(frozen=True, slots=True)
class BalanceMismatch:
    """The stored balance of an account differs from the sum of its postings."""

    code: ClassVar[str] = "balance-mismatch"
    account: Account
    stored: int
    derived: int

    def describe(self) -> str:
        """One line for the operator."""
        return (
            f"account {self.account}: stored balance {self.stored}, postings sum to {self.derived}"
        )


type Problem = (
    UnbalancedTransaction
    | MilesAcrossPledges
    | EmptyTransaction
    | ZeroPosting
    | DuplicateTransactionId
    | DuplicateIdempotencyKey
    | UnknownCorrectedTransaction
    | NegativeBalance
    | BalanceMismatch
)


def _transaction_problems(transaction: Transaction) -> list[Problem]:
    tid = transaction.transaction_id
    problems: list[Problem] = []
    if not transaction.postings:
        problems.append(EmptyTransaction(transaction_id=tid))
    problems.extend(
        ZeroPosting(transaction_id=tid, account=posting.account)
        for posting in transaction.postings
        if posting.amount == 0
    )
    problems.extend(
        UnbalancedTransaction(transaction_id=tid, unit=unit, imbalance=total)
        for unit, total in unit_imbalances(transaction=transaction).items()
    )
    problems.extend(
        MilesAcrossPledges(transaction_id=tid, pledge_id=pledge_id, imbalance=total)
        for pledge_id, total in pledge_imbalances(transaction=transaction).items()
    )
    return problems


def verify(
    *, transactions: Iterable[Transaction], stored_balances: Mapping[Account, int]
) -> list[Problem]:
    """Check the whole ledger and return every problem found, in a stable order.

    ``transactions`` must come in commit order (the order their rows were inserted,
    which the per-owner locks make consistent with the order they happened);
    ``stored_balances`` is the persistence layer's balance table, with missing
    accounts counting as zero. Checks, per transaction: it has postings, none of them
    zero, it sums to zero per unit and per pledge, its id and idempotency key are
    unique, a correction names an earlier transaction. Over the ledger: no account is
    ever overdrawn (checked after every transaction, reported once per account), and
    every stored balance equals the sum of its postings. Problems about transactions
    come first, in transaction order, then overdrafts, then mismatches by account.
    """
    problems: list[Problem] = []
    overdrafts: list[Problem] = []
    seen_ids: set[str] = set()
    seen_keys: set[str] = set()
    overdrawn: set[Account] = set()
    balances: defaultdict[Account, int] = defaultdict(int)

    for transaction in transactions:
        tid = transaction.transaction_id
        if tid in seen_ids:
            problems.append(DuplicateTransactionId(transaction_id=tid))
        if transaction.idempotency_key in seen_keys:
            problems.append(
                DuplicateIdempotencyKey(
                    idempotency_key=transaction.idempotency_key, transaction_id=tid
                )
            )
        if transaction.kind is TransactionKind.CORRECTION and (
            transaction.corrects is None or transaction.corrects not in seen_ids
        ):
            problems.append(
                UnknownCorrectedTransaction(transaction_id=tid, corrects=transaction.corrects or "")
            )
        seen_ids.add(tid)
        seen_keys.add(transaction.idempotency_key)
        problems.extend(_transaction_problems(transaction))

        for posting in transaction.postings:
            balances[posting.account] += posting.amount
        for account in transaction.accounts:
            normal = account.normal_balance(balance=balances[account])
            if normal < 0 and account not in overdrawn:
                overdrawn.add(account)
                overdrafts.append(
                    NegativeBalance(account=account, balance=normal, transaction_id=tid)
                )

    mismatches: list[Problem] = [
        BalanceMismatch(
            account=account,
            stored=stored_balances.get(account, 0),
            derived=balances.get(account, 0),
        )
        for account in sorted(set(balances) | set(stored_balances))
        if stored_balances.get(account, 0) != balances.get(account, 0)
    ]
    return problems + overdrafts + mismatches
