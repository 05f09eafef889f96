"""The framework-free double-entry ledger of miles and money.

Every change is a balanced :class:`Transaction` of :class:`Posting` s; every balance
is derived from postings; postings are never edited or deleted (corrections are new
transactions); no pledge, fund or campaign can be overdrawn. The persistence layer
(``safepassage.ledger``) stores transactions, postings and a balance cache, takes the
row locks the ``build_*`` functions document, and runs :func:`verify` for
``safepassage ledger verify``. See ``docs/dev/ledger.md``.

Modules: ``accounts`` (chart of accounts), ``transactions`` (postings and derived
balances), ``rules`` (one builder per transaction kind), ``verification`` (``verify``
and its problems), ``errors``.
"""

from safepassage.core.ledger.accounts import (
    EXTERNAL_OWNER_ID,
    Account,
    Bucket,
    MoneyOwner,
    OwnerKind,
    PledgeRef,
    Unit,
    UnitKind,
    external_account,
)
from safepassage.core.ledger.errors import (
    InsufficientBalanceError,
    InvalidAccountError,
    InvalidPostingError,
    LedgerError,
    NothingToMoveError,
    UnbalancedTransactionError,
)
from safepassage.core.ledger.rules import (
    PledgeBalance,
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
    get_cash_balance,
    get_pledge_balance,
)
from safepassage.core.ledger.transactions import (
    Posting,
    Transaction,
    TransactionKind,
    apply_transaction,
    balance_deltas,
    check_balanced,
    check_no_overdraft,
    derive_balances,
    pledge_imbalances,
    unit_imbalances,
)
from safepassage.core.ledger.verification import (
    BalanceMismatch,
    DuplicateIdempotencyKey,
    DuplicateTransactionId,
    EmptyTransaction,
    MilesAcrossPledges,
    NegativeBalance,
    Problem,
    UnbalancedTransaction,
    UnknownCorrectedTransaction,
    ZeroPosting,
    verify,
)

__all__ = [
    "EXTERNAL_OWNER_ID",
    "Account",
    "BalanceMismatch",
    "Bucket",
    "DuplicateIdempotencyKey",
    "DuplicateTransactionId",
    "EmptyTransaction",
    "InsufficientBalanceError",
    "InvalidAccountError",
    "InvalidPostingError",
    "LedgerError",
    "MilesAcrossPledges",
    "MoneyOwner",
    "NegativeBalance",
    "NothingToMoveError",
    "OwnerKind",
    "PledgeBalance",
    "PledgeRef",
    "Posting",
    "Problem",
    "Transaction",
    "TransactionKind",
    "UnbalancedTransaction",
    "UnbalancedTransactionError",
    "Unit",
    "UnitKind",
    "UnknownCorrectedTransaction",
    "ZeroPosting",
    "apply_transaction",
    "balance_deltas",
    "build_correction",
    "build_disbursement",
    "build_expire",
    "build_gift",
    "build_pledge",
    "build_redeem",
    "build_refund",
    "build_release",
    "build_reserve",
    "build_return",
    "build_reversal",
    "build_transfer",
    "build_withdraw",
    "check_balanced",
    "check_no_overdraft",
    "derive_balances",
    "external_account",
    "get_cash_balance",
    "get_pledge_balance",
    "pledge_imbalances",
    "unit_imbalances",
    "verify",
]
