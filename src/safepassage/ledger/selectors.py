"""Reads of the ledger: balances from the cache, transactions for verification."""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Q

from safepassage.core.ledger import (
    Account,
    Bucket,
    InvalidAccountError,
    InvalidPostingError,
    MoneyOwner,
    OwnerKind,
    PledgeBalance,
    PledgeRef,
    Posting,
    Problem,
    Transaction,
    TransactionKind,
    verify,
)
from safepassage.core.ledger import (
    get_pledge_balance as core_pledge_balance,
)
from safepassage.core.ledger.accounts import BUCKETS_BY_OWNER
from safepassage.core.money import Money
from safepassage.ledger.models import Balance, LedgerTransaction
from safepassage.ledger.models import Posting as PostingRow

type OwnerKey = tuple[OwnerKind, str]


OWNERS_PER_QUERY = 500
"""Owner ids asked about in one query: one ``IN`` list of at most this many per owner kind,
so a snapshot of 20,000 pledges stays within SQLite's expression depth and parameter
limits (one OR'ed condition per owner failed from about 1,000 pledges)."""


def _owner_conditions(owners: Iterable[OwnerKey]) -> Iterator[Q]:
    by_kind: dict[OwnerKind, list[str]] = {}
    for kind, owner_id in owners:
        by_kind.setdefault(kind, []).append(owner_id)
    for kind, owner_ids in by_kind.items():
        unique = sorted(set(owner_ids))
        for start in range(0, len(unique), OWNERS_PER_QUERY):
            chunk = unique[start : start + OWNERS_PER_QUERY]
            yield Q(owner_kind=kind.value, owner_id__in=chunk)


def get_owner_balances(*, owners: Iterable[OwnerKey]) -> dict[Account, int]:
    """Stored balances of every account of ``owners`` (accounts without a row are absent);
    one query per 500 owners of a kind."""
    return {
        Account.from_stored(
            owner_kind=row.owner_kind, owner_id=row.owner_id, bucket=row.bucket, unit=row.unit
        ): row.balance
        for condition in _owner_conditions(owners)
        for row in Balance.objects.filter(condition)
    }


def get_pledge_balance(*, pledge: PledgeRef) -> PledgeBalance:
    """A pledge's buckets (available, reserved, redeemed, expired, withdrawn, pledged)."""
    balances = get_owner_balances(owners=[(OwnerKind.PLEDGE, pledge.pledge_id)])
    return core_pledge_balance(balances=balances, pledge=pledge)


def get_pledge_balances(*, pledges: Iterable[PledgeRef]) -> dict[str, PledgeBalance]:
    """Balances of many pledges in one query, by pledge id."""
    pledge_list = list(pledges)
    balances = get_owner_balances(owners=[(OwnerKind.PLEDGE, p.pledge_id) for p in pledge_list])
    return {
        pledge.pledge_id: core_pledge_balance(balances=balances, pledge=pledge)
        for pledge in pledge_list
    }


def sum_pledge_buckets[K: Hashable](
    *, pledges: Iterable[tuple[K, PledgeRef]]
) -> dict[tuple[K, str], dict[Bucket, int]]:
    """Each bucket of ``pledges`` summed per group ``K`` and program, as the sum of what
    ``get_pledge_balances`` reads for each pledge (normal balances), without building a
    balance per pledge: for totals over a network's thousands of pledges. One query per
    500 pledges; every group and program given gets all six buckets (zero when empty)."""
    key_of = {pledge.pledge_id: (group, pledge.program) for group, pledge in pledges}
    accounts = {
        program: {
            bucket: PledgeRef(pledge_id="sum", program=program).account(bucket=bucket)
            for bucket in BUCKETS_BY_OWNER[OwnerKind.PLEDGE]
        }
        for program in {program for _group, program in key_of.values()}
    }
    raw: dict[tuple[K, str], dict[str, int]] = {key: defaultdict(int) for key in key_of.values()}
    pledge_ids = sorted(key_of)
    for start in range(0, len(pledge_ids), OWNERS_PER_QUERY):
        rows = Balance.objects.filter(
            owner_kind=OwnerKind.PLEDGE.value,
            owner_id__in=pledge_ids[start : start + OWNERS_PER_QUERY],
        ).values_list("owner_id", "bucket", "unit", "balance")
        for owner_id, bucket, unit, balance in rows:
            key = key_of[owner_id]
            raw[key][f"{bucket} {unit}"] += balance
    return {
        (group, program): {
            bucket: account.normal_balance(
                balance=raw[group, program][f"{account.bucket.value} {account.unit}"]
            )
            for bucket, account in accounts[program].items()
        }
        for group, program in raw
    }


def list_cash_balances(*, owner: MoneyOwner) -> list[Money]:
    """A fund's or campaign's cash, one ``Money`` per currency it ever held, by currency."""
    return list_cash_balances_of(owners=[owner])[owner]


def list_cash_balances_of(*, owners: Iterable[MoneyOwner]) -> dict[MoneyOwner, list[Money]]:
    """``list_cash_balances`` of many funds and campaigns, read together (one query per 500
    owners, not one per owner)."""
    owner_list = list(owners)
    balances = get_owner_balances(owners=[(owner.kind, owner.owner_id) for owner in owner_list])
    held: dict[tuple[str, str], list[Money]] = {}
    for account, amount in balances.items():
        held.setdefault((account.owner_kind.value, account.owner_id), []).append(
            Money.from_minor_units(amount=amount, currency=account.unit.code)
        )
    return {
        owner: sorted(held.get((owner.kind.value, owner.owner_id), []), key=lambda m: m.currency)
        for owner in owner_list
    }


def get_cash_balance(*, owner: MoneyOwner, currency: str) -> Money:
    """A fund's or campaign's cash in ``currency`` (zero if it never held any)."""
    account = owner.cash_account(currency=currency)
    row = Balance.objects.filter(
        owner_kind=account.owner_kind.value,
        owner_id=account.owner_id,
        bucket=account.bucket.value,
        unit=str(account.unit),
    ).first()
    return Money.from_minor_units(amount=row.balance if row else 0, currency=currency)


def to_core_transaction(
    *, record: LedgerTransaction, postings: Iterable[PostingRow], corrects: str | None
) -> Transaction:
    """Rebuild the core transaction of a stored one (raises ``InvalidAccountError``)."""
    return Transaction(
        transaction_id=str(record.public_id),
        kind=TransactionKind(record.kind),
        idempotency_key=record.idempotency_key,
        reference=record.reference,
        postings=tuple(
            Posting(
                account=Account.from_stored(
                    owner_kind=row.owner_kind,
                    owner_id=row.owner_id,
                    bucket=row.bucket,
                    unit=row.unit,
                ),
                amount=row.amount,
            )
            for row in postings
        ),
        corrects=corrects,
    )


def get_transaction(*, idempotency_key: str) -> Transaction | None:
    """The stored transaction with this idempotency key, as a core transaction."""
    record = (
        LedgerTransaction.objects.select_related("corrects")
        .filter(idempotency_key=idempotency_key)
        .first()
    )
    if record is None:
        return None
    return to_core_transaction(
        record=record,
        postings=record.postings.order_by("pk"),
        corrects=str(record.corrects.public_id) if record.corrects else None,
    )


@dataclass
class VerificationReport:
    """What ``ledger verify`` found: the core's problems plus rows it could not read."""

    transaction_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        """One line per problem, naming ids only."""
        return [f"{problem.code}: {problem.describe()}" for problem in self.problems] + [
            f"invalid-row: {line}" for line in self.unreadable
        ]


def _iter_transactions(report: VerificationReport) -> Iterator[Transaction]:
    """Every transaction in insertion order with its postings, merged from two streams."""
    postings = PostingRow.objects.order_by("transaction_id", "pk").iterator(chunk_size=5000)
    pending = next(postings, None)
    records = (
        LedgerTransaction.objects.order_by("pk")
        .values_list("pk", "public_id", "kind", "idempotency_key", "reference", "corrects_id")
        .iterator(chunk_size=2000)
    )
    public_ids: dict[int, str] = {}
    for pk, public_id, kind, key, reference, corrects_id in records:
        public_ids[pk] = str(public_id)
        rows: list[PostingRow] = []
        while pending is not None and pending.transaction_id <= pk:
            if pending.transaction_id == pk:
                rows.append(pending)
            pending = next(postings, None)
        built: list[Posting] = []
        for row in rows:
            try:
                account = Account.from_stored(
                    owner_kind=row.owner_kind,
                    owner_id=row.owner_id,
                    bucket=row.bucket,
                    unit=row.unit,
                )
                built.append(Posting(account=account, amount=row.amount))
            except (InvalidAccountError, InvalidPostingError) as error:
                report.unreadable.append(f"transaction {public_id} posting {row.pk}: {error}")
        try:
            kind_value = TransactionKind(kind)
        except ValueError:
            report.unreadable.append(f"transaction {public_id}: unknown kind {kind!r}")
            continue
        report.transaction_count += 1
        yield Transaction(
            transaction_id=str(public_id),
            kind=kind_value,
            idempotency_key=key,
            reference=reference,
            postings=tuple(built),
            corrects=public_ids.get(corrects_id, str(corrects_id)) if corrects_id else None,
        )


def _stored_balances(report: VerificationReport) -> dict[Account, int]:
    balances: dict[Account, int] = {}
    for row in Balance.objects.order_by("pk").iterator(chunk_size=5000):
        try:
            account = Account.from_stored(
                owner_kind=row.owner_kind, owner_id=row.owner_id, bucket=row.bucket, unit=row.unit
            )
        except InvalidAccountError as error:
            report.unreadable.append(f"balance row {row.pk}: {error}")
            continue
        balances[account] = row.balance
    return balances


def verify_ledger() -> VerificationReport:
    """Re-derive every balance from the postings and check every transaction balances."""
    report = VerificationReport()
    stored = _stored_balances(report)
    report.problems = verify(transactions=_iter_transactions(report), stored_balances=stored)
    return report
