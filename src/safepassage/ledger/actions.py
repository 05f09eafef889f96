"""Every write of the ledger. Other apps post through these functions only.

``do_post_transaction`` is the one place that stores a transaction: it locks the
owners, returns the earlier transaction if the idempotency key was seen, reads the
balances, lets a ``core.ledger`` builder check and build the transaction, inserts it,
updates the balance cache and records an audit event, all in one database
transaction. The ``do_*_miles`` / ``do_*_money`` helpers wrap one builder each.

Lock order across the project: domain rows (a pledge, a campaign) first, then ledger
owners (here), then the audit head. Never record an audit event before posting in
the same transaction.
"""

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F

from safepassage.audit.actions import record_audit_event
from safepassage.core.ledger import (
    EXTERNAL_OWNER_ID,
    Account,
    MoneyOwner,
    OwnerKind,
    PledgeRef,
    Transaction,
    balance_deltas,
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
)
from safepassage.core.money import Miles, Money
from safepassage.ledger.errors import IdempotencyKeyReused, TransactionNotFound
from safepassage.ledger.lock_objects import OwnerKey, lock_ledger_owners
from safepassage.ledger.models import Balance, LedgerTransaction
from safepassage.ledger.models import Posting as PostingRow
from safepassage.ledger.selectors import get_owner_balances, get_transaction

#: Builds the transaction from the locked balances and a fresh transaction id.
type Builder = Callable[[Mapping[Account, int], str], Transaction]


@dataclass(frozen=True, slots=True)
class Posted:
    """A stored transaction; ``created`` is False when the idempotency key was seen before."""

    transaction: Transaction
    created: bool


def _existing(*, idempotency_key: str, kind: str | None, owners: list[OwnerKey]) -> Posted | None:
    found = get_transaction(idempotency_key=idempotency_key)
    if found is None:
        return None
    if kind is not None and found.kind != kind:
        raise IdempotencyKeyReused
    touched = {
        (account.owner_kind, account.owner_id)
        for account in found.accounts
        if account.owner_kind is not OwnerKind.EXTERNAL
    }
    if not touched <= {(owner_kind, owner_id) for owner_kind, owner_id in owners}:
        raise IdempotencyKeyReused
    return Posted(transaction=found, created=False)


def _update_balances(*, built: Transaction) -> None:
    deltas = balance_deltas(transaction=built)
    Balance.objects.bulk_create(
        [
            Balance(
                owner_kind=account.owner_kind.value,
                owner_id=account.owner_id,
                bucket=account.bucket.value,
                unit=str(account.unit),
                balance=0,
            )
            for account in deltas
        ],
        ignore_conflicts=True,
    )
    for account, delta in deltas.items():
        Balance.objects.filter(
            owner_kind=account.owner_kind.value,
            owner_id=account.owner_id,
            bucket=account.bucket.value,
            unit=str(account.unit),
        ).update(balance=F("balance") + delta)


def do_post_transaction(
    *,
    owners: Iterable[OwnerKey],
    idempotency_key: str,
    kind: str | None,
    build: Builder,
    actor_ref: str,
    organisation_ref: str = "",
) -> Posted:
    """Store the transaction ``build`` returns, once per ``idempotency_key``.

    ``owners`` are every pledge, fund and campaign the transaction touches; they are
    locked (primary-key order) before anything is read. If ``idempotency_key`` is
    already stored, that transaction is returned with ``created=False`` (a retried
    request); if it was stored for another ``kind`` or other owners,
    ``IdempotencyKeyReused``. A
    refusing builder's ``LedgerError`` propagates and nothing is written. Audit events
    name the transaction's public id only.
    """
    owner_list = list(owners)
    with transaction.atomic():
        lock_ledger_owners(owners=owner_list)
        existing = _existing(idempotency_key=idempotency_key, kind=kind, owners=owner_list)
        if existing is not None:
            return existing
        balances = get_owner_balances(owners=owner_list)
        built = build(balances, str(uuid.uuid4()))
        if built.idempotency_key != idempotency_key:
            msg = "the builder must use the idempotency key it was called with"
            raise ValueError(msg)
        corrects = (
            LedgerTransaction.objects.get(public_id=built.corrects)
            if built.corrects is not None
            else None
        )
        try:
            with transaction.atomic():
                record = LedgerTransaction.objects.create(
                    public_id=uuid.UUID(built.transaction_id),
                    kind=built.kind.value,
                    idempotency_key=built.idempotency_key,
                    reference=built.reference,
                    corrects=corrects,
                )
        except IntegrityError:
            # The same key arrived for an owner we did not lock (e.g. a webhook event
            # recorded for another fund) and won the race: return what it stored.
            existing = _existing(idempotency_key=idempotency_key, kind=kind, owners=owner_list)
            if existing is None:
                raise
            return existing
        PostingRow.objects.bulk_create(
            [
                PostingRow(
                    transaction=record,
                    owner_kind=posting.account.owner_kind.value,
                    owner_id=posting.account.owner_id,
                    bucket=posting.account.bucket.value,
                    unit=str(posting.account.unit),
                    amount=posting.amount,
                )
                for posting in built.postings
            ]
        )
        _update_balances(built=built)
        record_audit_event(
            actor_ref=actor_ref,
            action=f"ledger.{built.kind.value}",
            object_type="ledger_transaction",
            object_ref=built.transaction_id,
            organisation_ref=organisation_ref,
        )
    return Posted(transaction=built, created=True)


def _pledge_owner(pledge: PledgeRef) -> list[OwnerKey]:
    return [(OwnerKind.PLEDGE, pledge.pledge_id)]


def do_pledge_miles(
    *,
    pledge: PledgeRef,
    amount: Miles,
    idempotency_key: str,
    reference: str,
    actor_ref: str,
    organisation_ref: str = "",
) -> Posted:
    """Record miles a donor pledged (a confirmed pledge or a top-up)."""
    return do_post_transaction(
        owners=_pledge_owner(pledge),
        idempotency_key=idempotency_key,
        kind="pledge",
        build=lambda _balances, transaction_id: build_pledge(
            pledge=pledge,
            amount=amount,
            transaction_id=transaction_id,
            idempotency_key=idempotency_key,
            reference=reference,
        ),
        actor_ref=actor_ref,
        organisation_ref=organisation_ref,
    )


type PledgeMoveBuilder = Callable[..., Transaction]

_PLEDGE_MOVES: dict[str, PledgeMoveBuilder] = {
    "reserve": build_reserve,
    "release": build_release,
    "redeem": build_redeem,
    "return": build_return,
    "expire": build_expire,
    "withdraw": build_withdraw,
}


def _do_pledge_move(
    *,
    kind: str,
    pledge: PledgeRef,
    amount: Miles | None,
    idempotency_key: str,
    reference: str,
    actor_ref: str,
    organisation_ref: str,
) -> Posted:
    builder = _PLEDGE_MOVES[kind]
    extra: dict[str, Miles] = {} if amount is None else {"amount": amount}
    return do_post_transaction(
        owners=_pledge_owner(pledge),
        idempotency_key=idempotency_key,
        kind=kind,
        build=lambda balances, transaction_id: builder(
            balances=balances,
            pledge=pledge,
            transaction_id=transaction_id,
            idempotency_key=idempotency_key,
            reference=reference,
            **extra,
        ),
        actor_ref=actor_ref,
        organisation_ref=organisation_ref,
    )


def do_reserve_miles(
    *,
    pledge: PledgeRef,
    amount: Miles,
    idempotency_key: str,
    reference: str,
    actor_ref: str,
    organisation_ref: str = "",
) -> Posted:
    """Set aside available miles for a ticket; ``InsufficientBalanceError`` if too few."""
    return _do_pledge_move(
        kind="reserve",
        pledge=pledge,
        amount=amount,
        idempotency_key=idempotency_key,
        reference=reference,
        actor_ref=actor_ref,
        organisation_ref=organisation_ref,
    )


def do_release_miles(
    *,
    pledge: PledgeRef,
    amount: Miles,
    idempotency_key: str,
    reference: str,
    actor_ref: str,
    organisation_ref: str = "",
) -> Posted:
    """Give reserved miles back to the pledge's available miles."""
    return _do_pledge_move(
        kind="release",
        pledge=pledge,
        amount=amount,
        idempotency_key=idempotency_key,
        reference=reference,
        actor_ref=actor_ref,
        organisation_ref=organisation_ref,
    )


def do_redeem_miles(
    *,
    pledge: PledgeRef,
    amount: Miles,
    idempotency_key: str,
    reference: str,
    actor_ref: str,
    organisation_ref: str = "",
) -> Posted:
    """Record reserved miles spent on a booking (reserve first)."""
    return _do_pledge_move(
        kind="redeem",
        pledge=pledge,
        amount=amount,
        idempotency_key=idempotency_key,
        reference=reference,
        actor_ref=actor_ref,
        organisation_ref=organisation_ref,
    )


def do_return_miles(
    *,
    pledge: PledgeRef,
    amount: Miles,
    idempotency_key: str,
    reference: str,
    actor_ref: str,
    organisation_ref: str = "",
) -> Posted:
    """Record redeemed miles given back by a cancelled booking."""
    return _do_pledge_move(
        kind="return",
        pledge=pledge,
        amount=amount,
        idempotency_key=idempotency_key,
        reference=reference,
        actor_ref=actor_ref,
        organisation_ref=organisation_ref,
    )


def do_expire_miles(
    *,
    pledge: PledgeRef,
    idempotency_key: str,
    reference: str,
    actor_ref: str,
    organisation_ref: str = "",
    amount: Miles | None = None,
) -> Posted:
    """Record available miles lost to the program's expiry (``None``: all available)."""
    return _do_pledge_move(
        kind="expire",
        pledge=pledge,
        amount=amount,
        idempotency_key=idempotency_key,
        reference=reference,
        actor_ref=actor_ref,
        organisation_ref=organisation_ref,
    )


def do_withdraw_miles(
    *,
    pledge: PledgeRef,
    idempotency_key: str,
    reference: str,
    actor_ref: str,
    organisation_ref: str = "",
    amount: Miles | None = None,
) -> Posted:
    """Record available miles the donor took back (``None``: all available)."""
    return _do_pledge_move(
        kind="withdraw",
        pledge=pledge,
        amount=amount,
        idempotency_key=idempotency_key,
        reference=reference,
        actor_ref=actor_ref,
        organisation_ref=organisation_ref,
    )


def do_record_gift(
    *,
    owner: MoneyOwner,
    amount: Money,
    idempotency_key: str,
    reference: str,
    actor_ref: str,
    organisation_ref: str = "",
) -> Posted:
    """Record cash given to a fund or campaign. Use the provider's event id in the key:
    a webhook delivered twice is recorded once."""
    return do_post_transaction(
        owners=[(owner.kind, owner.owner_id)],
        idempotency_key=idempotency_key,
        kind="gift",
        build=lambda _balances, transaction_id: build_gift(
            owner=owner,
            amount=amount,
            transaction_id=transaction_id,
            idempotency_key=idempotency_key,
            reference=reference,
        ),
        actor_ref=actor_ref,
        organisation_ref=organisation_ref,
    )


def do_disburse_money(
    *,
    owner: MoneyOwner,
    amount: Money,
    idempotency_key: str,
    reference: str,
    actor_ref: str,
    organisation_ref: str = "",
) -> Posted:
    """Record cash paid out of a fund or campaign; refused if it holds less."""
    return do_post_transaction(
        owners=[(owner.kind, owner.owner_id)],
        idempotency_key=idempotency_key,
        kind="disburse",
        build=lambda balances, transaction_id: build_disbursement(
            balances=balances,
            owner=owner,
            amount=amount,
            transaction_id=transaction_id,
            idempotency_key=idempotency_key,
            reference=reference,
        ),
        actor_ref=actor_ref,
        organisation_ref=organisation_ref,
    )


def do_refund_money(
    *,
    owner: MoneyOwner,
    amount: Money,
    idempotency_key: str,
    reference: str,
    actor_ref: str,
    organisation_ref: str = "",
) -> Posted:
    """Record cash that came back to a fund or campaign from what it paid out (a refund of
    a disbursement); refused if more would come back than was ever paid out in that
    currency. The caller keeps it to what this owner paid for the thing refunded.

    The shared ``external/disbursed`` balance is read, never locked (as for every other
    kind): the owner's lock serialises this owner, and the database's never-overdrawn
    check is the last line against two refunds of different owners at once."""

    def build(balances: Mapping[Account, int], transaction_id: str) -> Transaction:
        paid_out = get_owner_balances(owners=[(OwnerKind.EXTERNAL, EXTERNAL_OWNER_ID)])
        return build_refund(
            balances={**balances, **paid_out},
            owner=owner,
            amount=amount,
            transaction_id=transaction_id,
            idempotency_key=idempotency_key,
            reference=reference,
        )

    return do_post_transaction(
        owners=[(owner.kind, owner.owner_id)],
        idempotency_key=idempotency_key,
        kind="refund",
        build=build,
        actor_ref=actor_ref,
        organisation_ref=organisation_ref,
    )


def do_transfer_money(
    *,
    source: MoneyOwner,
    destination: MoneyOwner,
    amount: Money,
    idempotency_key: str,
    reference: str,
    actor_ref: str,
    organisation_ref: str = "",
) -> Posted:
    """Move cash between funds and campaigns; refused if the source holds less."""
    return do_post_transaction(
        owners=[(source.kind, source.owner_id), (destination.kind, destination.owner_id)],
        idempotency_key=idempotency_key,
        kind="transfer",
        build=lambda balances, transaction_id: build_transfer(
            balances=balances,
            source=source,
            destination=destination,
            amount=amount,
            transaction_id=transaction_id,
            idempotency_key=idempotency_key,
            reference=reference,
        ),
        actor_ref=actor_ref,
        organisation_ref=organisation_ref,
    )


def do_reverse_transaction(
    *,
    original_id: str,
    reference: str,
    actor_ref: str,
    organisation_ref: str = "",
) -> Posted:
    """Post the correction that undoes transaction ``original_id`` (at most once).

    Refused with ``InsufficientBalanceError`` when the value has moved on.
    """
    record = LedgerTransaction.objects.filter(public_id=original_id).first()
    if record is None:
        raise TransactionNotFound
    original = get_transaction(idempotency_key=record.idempotency_key)
    if original is None:
        raise TransactionNotFound
    idempotency_key = f"reversal:{original.transaction_id}"
    return do_post_transaction(
        owners=[(a.owner_kind, a.owner_id) for a in original.accounts],
        idempotency_key=idempotency_key,
        kind="correction",
        build=lambda balances, transaction_id: build_reversal(
            balances=balances,
            original=original,
            transaction_id=transaction_id,
            idempotency_key=idempotency_key,
            reference=reference,
        ),
        actor_ref=actor_ref,
        organisation_ref=organisation_ref,
    )
