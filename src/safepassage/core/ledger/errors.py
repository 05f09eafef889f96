"""Typed errors of the ledger core.

Every error has a stable ``code`` for the one place that maps domain errors to
responses, and a message that names ids only (pledge id, account, transaction id),
never a person.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from safepassage.core.ledger.accounts import Account

__all__ = [
    "InsufficientBalanceError",
    "InvalidAccountError",
    "InvalidPostingError",
    "LedgerError",
    "NothingToMoveError",
    "UnbalancedTransactionError",
]


class LedgerError(Exception):
    """Base of every ledger error; ``code`` is stable and machine-readable."""

    code: ClassVar[str] = "ledger-error"


class InvalidAccountError(LedgerError, ValueError):
    """An account key does not fit the chart of accounts (wrong bucket or unit for its owner)."""

    code: ClassVar[str] = "invalid-account"


class InvalidPostingError(LedgerError, ValueError):
    """A posting or requested amount is malformed: zero, not positive, not an int, wrong unit."""

    code: ClassVar[str] = "invalid-posting"


class UnbalancedTransactionError(LedgerError, ValueError):
    """The postings of a transaction do not sum to zero per unit (or move miles across pledges)."""

    code: ClassVar[str] = "unbalanced-transaction"


class NothingToMoveError(LedgerError, ValueError):
    """Expire or withdraw "everything available" was asked of a pledge with nothing available."""

    code: ClassVar[str] = "nothing-to-move"

    def __init__(self, *, account: Account) -> None:
        super().__init__(f"{account.owner_label}: nothing in {account.bucket} ({account.unit})")
        self.account = account


class InsufficientBalanceError(LedgerError, ValueError):
    """The transaction would take an account below zero (an overdraft).

    ``account`` is the account that would be overdrawn, ``requested`` the amount the
    transaction takes from it and ``balance`` what it holds now (both in the account's
    unit: miles, or minor units of a currency).
    """

    code: ClassVar[str] = "insufficient-balance"

    def __init__(self, *, account: Account, requested: int, balance: int) -> None:
        super().__init__(
            f"{account.owner_label}: cannot take {requested} {account.unit} from "
            f"{account.bucket}, which holds {balance}"
        )
        self.account = account
        self.requested = requested
        self.balance = balance
