"""Postings, transactions, and balances derived from them.

A :class:`Transaction` is a set of :class:`Posting` s, each a signed integer amount on
one account (whole miles, or minor units of a currency). A well-formed transaction
sums to zero per unit and, for miles, per pledge. Balances are never stored as
truth: :func:`derive_balances` sums postings, and a stored balance table is only a
cache that :func:`safepassage.core.ledger.verification.verify` re-checks.

Constructing a ``Transaction`` checks types only, so that a tampered row can still be
loaded and reported by ``verify``; new transactions come from the builders in
:mod:`safepassage.core.ledger.rules`, which check balance and overdraft.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from safepassage.core.ledger.accounts import Account, OwnerKind, Unit
from safepassage.core.ledger.errors import (
    InsufficientBalanceError,
    InvalidPostingError,
    UnbalancedTransactionError,
)

__all__ = [
    "Posting",
    "Transaction",
    "TransactionKind",
    "apply_transaction",
    "balance_deltas",
    "check_balanced",
    "check_no_overdraft",
    "derive_balances",
    "pledge_imbalances",
    "unit_imbalances",
]


class TransactionKind(StrEnum):
    """What a transaction does; see ``docs/dev/ledger.md`` for each kind's postings."""

    PLEDGE = "pledge"
    RESERVE = "reserve"
    RELEASE = "release"
    REDEEM = "redeem"
    RETURN = "return"
    EXPIRE = "expire"
    WITHDRAW = "withdraw"
    GIFT = "gift"
    DISBURSE = "disburse"
    REFUND = "refund"
    TRANSFER = "transfer"
    CORRECTION = "correction"


@dataclass(frozen=True, slots=True)
class Posting:
    """A signed integer amount on one account: positive adds to the balance."""

    account: Account
    amount: int

    def __post_init__(self) -> None:
        amount: object = self.amount
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise InvalidPostingError(f"posting amount must be an int, got {type(amount).__name__}")
        if not isinstance(self.account, Account):
            raise InvalidPostingError("posting account must be an Account")

    def negated(self) -> Posting:
        """Return the posting that undoes this one."""
        return Posting(account=self.account, amount=-self.amount)


@dataclass(frozen=True, slots=True)
class Transaction:
    """One atomic change of the ledger.

    ``transaction_id`` is unique; ``idempotency_key`` is unique too and lets a retried
    request (a webhook delivered twice, a double-clicked button) find the transaction it
    already made instead of making another; ``reference`` says what the transaction is
    about (``"booking:B-123"``, ``"gift:981"``) and must hold ids only, never personal
    data. ``corrects`` is set on corrections to the id of the transaction they correct.
    """

    transaction_id: str
    kind: TransactionKind
    idempotency_key: str
    reference: str
    postings: tuple[Posting, ...]
    corrects: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.kind, TransactionKind):
            raise InvalidPostingError(f"kind must be a TransactionKind, got {self.kind!r}")
        for name in ("transaction_id", "idempotency_key"):
            value: object = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise InvalidPostingError(f"{name} must be a non-empty string")
        if not isinstance(self.postings, tuple):
            raise InvalidPostingError("postings must be a tuple")

    @property
    def accounts(self) -> tuple[Account, ...]:
        """The distinct accounts this transaction touches, sorted by key."""
        return tuple(sorted({posting.account for posting in self.postings}))


def unit_imbalances(*, transaction: Transaction) -> dict[Unit, int]:
    """Return, for each unit whose postings do not sum to zero, the non-zero sum."""
    sums: defaultdict[Unit, int] = defaultdict(int)
    for posting in transaction.postings:
        sums[posting.account.unit] += posting.amount
    return {unit: total for unit, total in sorted(sums.items()) if total != 0}


def pledge_imbalances(*, transaction: Transaction) -> dict[str, int]:
    """Return, for each pledge whose accounts do not net to zero here, the non-zero sum.

    Miles belong to one pledge for life: a transaction may move them between a pledge's
    buckets but never from one pledge to another.
    """
    sums: defaultdict[str, int] = defaultdict(int)
    for posting in transaction.postings:
        if posting.account.owner_kind is OwnerKind.PLEDGE:
            sums[posting.account.owner_id] += posting.amount
    return {pledge_id: total for pledge_id, total in sorted(sums.items()) if total != 0}


def check_balanced(*, transaction: Transaction) -> None:
    """Raise ``UnbalancedTransactionError`` unless ``transaction`` is well formed.

    Well formed: at least one posting, no zero posting, sums to zero per unit and per
    pledge.
    """
    tid = transaction.transaction_id
    if not transaction.postings:
        raise UnbalancedTransactionError(f"transaction {tid} has no postings")
    if any(posting.amount == 0 for posting in transaction.postings):
        raise UnbalancedTransactionError(f"transaction {tid} has a zero posting")
    for unit, total in unit_imbalances(transaction=transaction).items():
        raise UnbalancedTransactionError(f"transaction {tid} is off by {total} {unit}")
    for pledge_id, total in pledge_imbalances(transaction=transaction).items():
        raise UnbalancedTransactionError(
            f"transaction {tid} moves {total} miles into or out of pledge {pledge_id}"
        )


def balance_deltas(*, transaction: Transaction) -> dict[Account, int]:
    """Return the net change ``transaction`` makes to each account it touches (non-zero only).

    This is what the persistence layer adds to its stored balance rows (e.g. with an
    ``F("balance") + delta`` update) in the same database transaction as the postings.
    """
    deltas: defaultdict[Account, int] = defaultdict(int)
    for posting in transaction.postings:
        deltas[posting.account] += posting.amount
    return {account: delta for account, delta in sorted(deltas.items()) if delta != 0}


def derive_balances(*, transactions: Iterable[Transaction]) -> dict[Account, int]:
    """Return every account's balance as the sum of its postings.

    Every account that appears in a posting is in the result, even if its balance is
    zero. Transactions are not checked here; see ``verify`` for that.
    """
    balances: defaultdict[Account, int] = defaultdict(int)
    for transaction in transactions:
        for posting in transaction.postings:
            balances[posting.account] += posting.amount
    return dict(balances)


def check_no_overdraft(*, balances: Mapping[Account, int], transaction: Transaction) -> None:
    """Raise ``InsufficientBalanceError`` if ``transaction`` would overdraw any account.

    ``balances`` are the current balances of (at least) the accounts the transaction
    touches; a missing account counts as zero. Overdrawn means a balance would go below
    zero, or above zero for a source account (``pledged``, ``received``).
    """
    for account, delta in balance_deltas(transaction=transaction).items():
        before = account.normal_balance(balance=balances.get(account, 0))
        change = account.normal_balance(balance=delta)
        if before + change < 0:
            raise InsufficientBalanceError(account=account, requested=-change, balance=before)


def apply_transaction(
    *, balances: Mapping[Account, int], transaction: Transaction
) -> dict[Account, int]:
    """Check ``transaction`` and return ``balances`` with it applied (a new dict).

    Raises ``UnbalancedTransactionError`` or ``InsufficientBalanceError`` and changes
    nothing if the transaction is malformed or would overdraw an account.
    """
    check_balanced(transaction=transaction)
    check_no_overdraft(balances=balances, transaction=transaction)
    updated = dict(balances)
    for account, delta in balance_deltas(transaction=transaction).items():
        updated[account] = updated.get(account, 0) + delta
    return updated
