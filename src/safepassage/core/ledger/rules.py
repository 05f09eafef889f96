"""Posting rules: pure functions that build each kind of transaction.

Each ``build_*`` function takes the current balances of the accounts it touches and
returns a balanced :class:`~safepassage.core.ledger.transactions.Transaction`, or
raises a typed error and returns nothing. None of them stores anything.

**Locking precondition (for the persistence layer).** ``balances`` must be read
*after* taking the row locks below, in the same database transaction that then
inserts the returned postings and adds :func:`balance_deltas` to the stored balances;
otherwise two concurrent requests can both see the same available miles and
overdraw the pledge.

- pledge builders (``build_reserve`` ... ``build_withdraw``): lock the pledge row;
- ``build_disbursement`` and ``build_refund``: lock the fund's or campaign's row;
- ``build_transfer``: lock both owners' rows, in primary-key order;
- ``build_correction`` / ``build_reversal``: lock every owner the postings touch, in
  primary-key order;
- ``build_pledge`` and ``build_gift`` only add, so they read no balances; take the
  same owner lock anyway, so that the idempotency-key lookup and the balance-row update
  are serialised with everything else on that pledge or fund.

In short: lock every pledge, fund and campaign the transaction touches, in primary-key
order, then read balances, build, insert, update the balance cache, commit. The
``external`` owner is never locked: only ``F()`` updates touch its balance rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from safepassage.core.ledger.accounts import (
    Account,
    Bucket,
    MoneyOwner,
    PledgeRef,
    external_account,
)
from safepassage.core.ledger.errors import InvalidPostingError, NothingToMoveError
from safepassage.core.ledger.transactions import (
    Posting,
    Transaction,
    TransactionKind,
    check_balanced,
    check_no_overdraft,
)
from safepassage.core.money import Miles, Money, ProgramMismatchError

__all__ = [
    "PledgeBalance",
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
    "get_cash_balance",
    "get_pledge_balance",
]


@dataclass(frozen=True, slots=True)
class PledgeBalance:
    """A pledge's buckets as ``Miles``; ``pledged`` is the total ever pledged (positive)."""

    pledge: PledgeRef
    pledged: Miles
    available: Miles
    reserved: Miles
    redeemed: Miles
    expired: Miles
    withdrawn: Miles


def get_pledge_balance(*, balances: Mapping[Account, int], pledge: PledgeRef) -> PledgeBalance:
    """Read a pledge's buckets out of ``balances`` (missing accounts count as zero)."""

    def miles(bucket: Bucket) -> Miles:
        account = pledge.account(bucket=bucket)
        return Miles(
            amount=account.normal_balance(balance=balances.get(account, 0)),
            program=pledge.program,
        )

    return PledgeBalance(
        pledge=pledge,
        pledged=miles(Bucket.PLEDGED),
        available=miles(Bucket.AVAILABLE),
        reserved=miles(Bucket.RESERVED),
        redeemed=miles(Bucket.REDEEMED),
        expired=miles(Bucket.EXPIRED),
        withdrawn=miles(Bucket.WITHDRAWN),
    )


def get_cash_balance(*, balances: Mapping[Account, int], owner: MoneyOwner, currency: str) -> Money:
    """Read a fund's or campaign's cash in ``currency`` out of ``balances``."""
    account = owner.cash_account(currency=currency)
    return Money.from_minor_units(amount=balances.get(account, 0), currency=currency)


def _positive_miles(*, pledge: PledgeRef, amount: Miles) -> int:
    if not isinstance(amount, Miles):
        raise InvalidPostingError(f"amount must be Miles, got {type(amount).__name__}")
    if amount.program != pledge.program:
        raise ProgramMismatchError(left=pledge.program, right=amount.program)
    if amount.amount <= 0:
        raise InvalidPostingError(f"amount must be positive, got {amount}")
    return amount.amount


def _positive_minor_units(*, amount: Money) -> int:
    if not isinstance(amount, Money):
        raise InvalidPostingError(f"amount must be Money, got {type(amount).__name__}")
    minor = amount.to_minor_units()
    if minor <= 0:
        raise InvalidPostingError(f"amount must be positive, got {amount}")
    return minor


def _move(*, source: Account, destination: Account, amount: int) -> tuple[Posting, ...]:
    return (
        Posting(account=source, amount=-amount),
        Posting(account=destination, amount=amount),
    )


def _checked(
    *,
    balances: Mapping[Account, int],
    transaction_id: str,
    kind: TransactionKind,
    idempotency_key: str,
    reference: str,
    postings: tuple[Posting, ...],
    corrects: str | None = None,
) -> Transaction:
    transaction = Transaction(
        transaction_id=transaction_id,
        kind=kind,
        idempotency_key=idempotency_key,
        reference=reference,
        postings=postings,
        corrects=corrects,
    )
    check_balanced(transaction=transaction)
    check_no_overdraft(balances=balances, transaction=transaction)
    return transaction


def _pledge_move(
    *,
    balances: Mapping[Account, int],
    pledge: PledgeRef,
    amount: Miles,
    source: Bucket,
    destination: Bucket,
    kind: TransactionKind,
    transaction_id: str,
    idempotency_key: str,
    reference: str,
) -> Transaction:
    miles = _positive_miles(pledge=pledge, amount=amount)
    return _checked(
        balances=balances,
        transaction_id=transaction_id,
        kind=kind,
        idempotency_key=idempotency_key,
        reference=reference,
        postings=_move(
            source=pledge.account(bucket=source),
            destination=pledge.account(bucket=destination),
            amount=miles,
        ),
    )


def build_pledge(
    *,
    pledge: PledgeRef,
    amount: Miles,
    transaction_id: str,
    idempotency_key: str,
    reference: str,
) -> Transaction:
    """Record that a donor pledged ``amount`` miles (a first pledge or a top-up).

    Postings: ``pledged -amount``, ``available +amount``.
    """
    return _pledge_move(
        balances={},
        pledge=pledge,
        amount=amount,
        source=Bucket.PLEDGED,
        destination=Bucket.AVAILABLE,
        kind=TransactionKind.PLEDGE,
        transaction_id=transaction_id,
        idempotency_key=idempotency_key,
        reference=reference,
    )


def build_reserve(
    *,
    balances: Mapping[Account, int],
    pledge: PledgeRef,
    amount: Miles,
    transaction_id: str,
    idempotency_key: str,
    reference: str,
) -> Transaction:
    """Set aside ``amount`` of a pledge's available miles for a ticket.

    Postings: ``available -amount``, ``reserved +amount``. Raises
    ``InsufficientBalanceError`` naming the pledge's ``available`` account if it holds less.
    Lock the pledge first.
    """
    return _pledge_move(
        balances=balances,
        pledge=pledge,
        amount=amount,
        source=Bucket.AVAILABLE,
        destination=Bucket.RESERVED,
        kind=TransactionKind.RESERVE,
        transaction_id=transaction_id,
        idempotency_key=idempotency_key,
        reference=reference,
    )


def build_release(
    *,
    balances: Mapping[Account, int],
    pledge: PledgeRef,
    amount: Miles,
    transaction_id: str,
    idempotency_key: str,
    reference: str,
) -> Transaction:
    """Give reserved miles back to the pledge's available miles (a reservation dropped).

    Postings: ``reserved -amount``, ``available +amount``. Lock the pledge first.
    """
    return _pledge_move(
        balances=balances,
        pledge=pledge,
        amount=amount,
        source=Bucket.RESERVED,
        destination=Bucket.AVAILABLE,
        kind=TransactionKind.RELEASE,
        transaction_id=transaction_id,
        idempotency_key=idempotency_key,
        reference=reference,
    )


def build_redeem(
    *,
    balances: Mapping[Account, int],
    pledge: PledgeRef,
    amount: Miles,
    transaction_id: str,
    idempotency_key: str,
    reference: str,
) -> Transaction:
    """Record that reserved miles were spent on a booking.

    Postings: ``reserved -amount``, ``redeemed +amount``. Only reserved miles can be
    redeemed: reserve first. Lock the pledge first.
    """
    return _pledge_move(
        balances=balances,
        pledge=pledge,
        amount=amount,
        source=Bucket.RESERVED,
        destination=Bucket.REDEEMED,
        kind=TransactionKind.REDEEM,
        transaction_id=transaction_id,
        idempotency_key=idempotency_key,
        reference=reference,
    )


def build_return(
    *,
    balances: Mapping[Account, int],
    pledge: PledgeRef,
    amount: Miles,
    transaction_id: str,
    idempotency_key: str,
    reference: str,
) -> Transaction:
    """Record that a cancelled booking gave redeemed miles back to the donor's pledge.

    Postings: ``redeemed -amount``, ``available +amount``. Lock the pledge first.
    """
    return _pledge_move(
        balances=balances,
        pledge=pledge,
        amount=amount,
        source=Bucket.REDEEMED,
        destination=Bucket.AVAILABLE,
        kind=TransactionKind.RETURN,
        transaction_id=transaction_id,
        idempotency_key=idempotency_key,
        reference=reference,
    )


def _available_part(
    *, balances: Mapping[Account, int], pledge: PledgeRef, amount: Miles | None
) -> Miles:
    if amount is not None:
        return amount
    available = get_pledge_balance(balances=balances, pledge=pledge).available
    if available.amount <= 0:
        raise NothingToMoveError(account=pledge.account(bucket=Bucket.AVAILABLE))
    return available


def build_expire(
    *,
    balances: Mapping[Account, int],
    pledge: PledgeRef,
    transaction_id: str,
    idempotency_key: str,
    reference: str,
    amount: Miles | None = None,
) -> Transaction:
    """Record that a pledge's miles expired in the donor's program account.

    Only available miles expire here: reserved miles stay reserved until released
    (then expire them). ``amount=None`` expires everything available and raises
    ``NothingToMoveError`` if nothing is. Postings: ``available -amount``,
    ``expired +amount``. Lock the pledge first.
    """
    return _pledge_move(
        balances=balances,
        pledge=pledge,
        amount=_available_part(balances=balances, pledge=pledge, amount=amount),
        source=Bucket.AVAILABLE,
        destination=Bucket.EXPIRED,
        kind=TransactionKind.EXPIRE,
        transaction_id=transaction_id,
        idempotency_key=idempotency_key,
        reference=reference,
    )


def build_withdraw(
    *,
    balances: Mapping[Account, int],
    pledge: PledgeRef,
    transaction_id: str,
    idempotency_key: str,
    reference: str,
    amount: Miles | None = None,
) -> Transaction:
    """Record that the donor withdrew (part of) a pledge.

    Only available miles can be withdrawn: miles reserved for a traveller stay reserved
    until released. ``amount=None`` withdraws everything available and raises
    ``NothingToMoveError`` if nothing is. Postings: ``available -amount``,
    ``withdrawn +amount``. Lock the pledge first.
    """
    return _pledge_move(
        balances=balances,
        pledge=pledge,
        amount=_available_part(balances=balances, pledge=pledge, amount=amount),
        source=Bucket.AVAILABLE,
        destination=Bucket.WITHDRAWN,
        kind=TransactionKind.WITHDRAW,
        transaction_id=transaction_id,
        idempotency_key=idempotency_key,
        reference=reference,
    )


def build_gift(
    *,
    owner: MoneyOwner,
    amount: Money,
    transaction_id: str,
    idempotency_key: str,
    reference: str,
) -> Transaction:
    """Record cash given to a fund or campaign (a donation, a sponsor's match).

    Postings: ``external/received -amount``, ``<owner>/cash +amount`` in the gift's
    currency. Use the payment provider's event id in the idempotency key so a webhook
    delivered twice is recorded once.
    """
    minor = _positive_minor_units(amount=amount)
    return _checked(
        balances={},
        transaction_id=transaction_id,
        kind=TransactionKind.GIFT,
        idempotency_key=idempotency_key,
        reference=reference,
        postings=_move(
            source=external_account(bucket=Bucket.RECEIVED, currency=amount.currency),
            destination=owner.cash_account(currency=amount.currency),
            amount=minor,
        ),
    )


def build_disbursement(
    *,
    balances: Mapping[Account, int],
    owner: MoneyOwner,
    amount: Money,
    transaction_id: str,
    idempotency_key: str,
    reference: str,
) -> Transaction:
    """Record cash paid out of a fund or campaign (ticket taxes, fees, a refund).

    Postings: ``<owner>/cash -amount``, ``external/disbursed +amount``. Raises
    ``InsufficientBalanceError`` if the owner holds less in that currency. Lock the
    owner first.
    """
    minor = _positive_minor_units(amount=amount)
    return _checked(
        balances=balances,
        transaction_id=transaction_id,
        kind=TransactionKind.DISBURSE,
        idempotency_key=idempotency_key,
        reference=reference,
        postings=_move(
            source=owner.cash_account(currency=amount.currency),
            destination=external_account(bucket=Bucket.DISBURSED, currency=amount.currency),
            amount=minor,
        ),
    )


def build_refund(
    *,
    balances: Mapping[Account, int],
    owner: MoneyOwner,
    amount: Money,
    transaction_id: str,
    idempotency_key: str,
    reference: str,
) -> Transaction:
    """Record cash that came back to a fund or campaign from what it paid out (an airline
    refunding a cancelled booking's taxes, fees or cash fare): a disbursement undone.

    Postings: ``external/disbursed -amount``, ``<owner>/cash +amount``. Not a gift: it
    never counts as cash received. Raises ``InsufficientBalanceError`` naming the
    ``external/disbursed`` account if more would come back than was ever paid out in that
    currency (``balances`` must then hold that account's balance). That the refund is no
    more than *this owner* paid for *this booking* is the caller's rule (bookings keeps
    what each payment was). Lock the owner first.
    """
    minor = _positive_minor_units(amount=amount)
    return _checked(
        balances=balances,
        transaction_id=transaction_id,
        kind=TransactionKind.REFUND,
        idempotency_key=idempotency_key,
        reference=reference,
        postings=_move(
            source=external_account(bucket=Bucket.DISBURSED, currency=amount.currency),
            destination=owner.cash_account(currency=amount.currency),
            amount=minor,
        ),
    )


def build_transfer(
    *,
    balances: Mapping[Account, int],
    source: MoneyOwner,
    destination: MoneyOwner,
    amount: Money,
    transaction_id: str,
    idempotency_key: str,
    reference: str,
) -> Transaction:
    """Move cash between funds and campaigns (e.g. a campaign's takings to its fund).

    Postings: ``<source>/cash -amount``, ``<destination>/cash +amount``. Lock both
    owners first, in primary-key order.
    """
    minor = _positive_minor_units(amount=amount)
    if source == destination:
        raise InvalidPostingError("a transfer needs two different owners")
    return _checked(
        balances=balances,
        transaction_id=transaction_id,
        kind=TransactionKind.TRANSFER,
        idempotency_key=idempotency_key,
        reference=reference,
        postings=_move(
            source=source.cash_account(currency=amount.currency),
            destination=destination.cash_account(currency=amount.currency),
            amount=minor,
        ),
    )


def build_correction(
    *,
    balances: Mapping[Account, int],
    corrects: str,
    postings: Sequence[Posting],
    transaction_id: str,
    idempotency_key: str,
    reference: str,
) -> Transaction:
    """Record a correction: arbitrary postings that fix an earlier mistake.

    Postings are never edited or deleted; a correction is a new transaction that names
    the transaction it corrects. It must balance per unit and per pledge and must not
    overdraw any account. Lock every owner it touches first, in primary-key order.
    """
    if not corrects:
        raise InvalidPostingError("a correction must name the transaction it corrects")
    return _checked(
        balances=balances,
        transaction_id=transaction_id,
        kind=TransactionKind.CORRECTION,
        idempotency_key=idempotency_key,
        reference=reference,
        postings=tuple(postings),
        corrects=corrects,
    )


def build_reversal(
    *,
    balances: Mapping[Account, int],
    original: Transaction,
    transaction_id: str,
    idempotency_key: str,
    reference: str,
) -> Transaction:
    """Build the correction that undoes ``original`` (every posting negated).

    Refused with ``InsufficientBalanceError`` when the value has moved on (e.g. reversing
    a reservation whose miles were since redeemed). Reversing the same transaction twice
    is the caller's to prevent: derive the idempotency key from ``original``'s id.
    """
    return build_correction(
        balances=balances,
        corrects=original.transaction_id,
        postings=[posting.negated() for posting in original.postings],
        transaction_id=transaction_id,
        idempotency_key=idempotency_key,
        reference=reference,
    )
