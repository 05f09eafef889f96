"""The chart of accounts: units, owners, buckets and account keys.

An account is identified by ``(owner kind, owner id, bucket, unit)``. Its balance is
never stored as truth: it is the sum of the signed amounts of its postings.

============  ==========================  ======================  ========================
owner kind    buckets                     unit                    normal balance
============  ==========================  ======================  ========================
``pledge``    ``pledged``                 ``miles:<PROGRAM>``     <= 0 (source: the promise)
``pledge``    ``available``, ``reserved``,  ``miles:<PROGRAM>``     >= 0
              ``redeemed``, ``expired``,
              ``withdrawn``
``fund``      ``cash``                    ``money:<CURRENCY>``    >= 0
``campaign``  ``cash``                    ``money:<CURRENCY>``    >= 0
``external``  ``received``                ``money:<CURRENCY>``    <= 0 (source: cash in)
``external``  ``disbursed``               ``money:<CURRENCY>``    >= 0 (sink: cash out)
============  ==========================  ======================  ========================

Each pledge carries its own ``pledged`` counter-account, so the accounts of one pledge
always sum to zero: ``-pledged == available + reserved + redeemed + expired +
withdrawn``. Miles never move from one pledge to another. The single ``external``
owner (id ``world``) stands for everything outside the funds: donors' cash comes in
from ``external/received``, payments for tickets, taxes and fees go out to
``external/disbursed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Self

from safepassage.core.ledger.errors import InvalidAccountError
from safepassage.core.money import Miles, Money, MoneyError

__all__ = [
    "EXTERNAL_OWNER_ID",
    "Account",
    "Bucket",
    "MoneyOwner",
    "OwnerKind",
    "PledgeRef",
    "Unit",
    "UnitKind",
]

#: The one owner id of the ``external`` owner kind.
EXTERNAL_OWNER_ID = "world"


class UnitKind(StrEnum):
    """What an account counts: whole miles of a program or minor units of a currency."""

    MILES = "miles"
    MONEY = "money"


class OwnerKind(StrEnum):
    """Who an account belongs to."""

    PLEDGE = "pledge"
    FUND = "fund"
    CAMPAIGN = "campaign"
    EXTERNAL = "external"


class Bucket(StrEnum):
    """The part of an owner's holdings an account tracks."""

    PLEDGED = "pledged"
    AVAILABLE = "available"
    RESERVED = "reserved"
    REDEEMED = "redeemed"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    CASH = "cash"
    RECEIVED = "received"
    DISBURSED = "disbursed"


#: Buckets whose balance is never positive: they are where value enters the ledger.
SOURCE_BUCKETS = frozenset({Bucket.PLEDGED, Bucket.RECEIVED})

#: The buckets each owner kind may have.
BUCKETS_BY_OWNER: dict[OwnerKind, frozenset[Bucket]] = {
    OwnerKind.PLEDGE: frozenset(
        {
            Bucket.PLEDGED,
            Bucket.AVAILABLE,
            Bucket.RESERVED,
            Bucket.REDEEMED,
            Bucket.EXPIRED,
            Bucket.WITHDRAWN,
        }
    ),
    OwnerKind.FUND: frozenset({Bucket.CASH}),
    OwnerKind.CAMPAIGN: frozenset({Bucket.CASH}),
    OwnerKind.EXTERNAL: frozenset({Bucket.RECEIVED, Bucket.DISBURSED}),
}

#: The unit kind each owner kind counts in.
UNIT_KIND_BY_OWNER: dict[OwnerKind, UnitKind] = {
    OwnerKind.PLEDGE: UnitKind.MILES,
    OwnerKind.FUND: UnitKind.MONEY,
    OwnerKind.CAMPAIGN: UnitKind.MONEY,
    OwnerKind.EXTERNAL: UnitKind.MONEY,
}


@dataclass(frozen=True, slots=True, order=True)
class Unit:
    """A ledger unit: ``miles:AC`` (whole miles of Aeroplan) or ``money:EUR`` (euro cents).

    ``str(unit)`` is the form to store; :meth:`parse` reads it back.
    """

    kind: UnitKind
    code: str

    def __post_init__(self) -> None:
        if not isinstance(self.kind, UnitKind):
            raise InvalidAccountError(f"unit kind must be a UnitKind, got {self.kind!r}")
        # Validate through the value types so the rules live in one place.
        try:
            if self.kind is UnitKind.MILES:
                Miles.zero(program=self.code)
            else:
                Money.zero(currency=self.code)
        except MoneyError as error:
            raise InvalidAccountError(f"bad unit {self.kind}:{self.code!r}: {error}") from error

    @classmethod
    def miles(cls, *, program: str) -> Self:
        """Return the unit of ``program``'s miles."""
        return cls(kind=UnitKind.MILES, code=program)

    @classmethod
    def money(cls, *, currency: str) -> Self:
        """Return the unit of ``currency``'s minor units."""
        return cls(kind=UnitKind.MONEY, code=currency)

    @classmethod
    def parse(cls, *, text: str) -> Self:
        """Read back ``str(unit)``, e.g. ``"miles:AC"``; raise ``InvalidAccountError``."""
        kind, separator, code = text.partition(":")
        if not separator or kind not in {k.value for k in UnitKind}:
            raise InvalidAccountError(f"unit must look like 'miles:AC' or 'money:EUR': {text!r}")
        return cls(kind=UnitKind(kind), code=code)

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"


@dataclass(frozen=True, slots=True, order=True)
class Account:
    """One account of the chart: ``(owner_kind, owner_id, bucket, unit)``.

    Construction checks the key against the chart of accounts and raises
    ``InvalidAccountError`` for a bucket or unit the owner kind cannot have. Accounts
    sort by their key (for stable output); row locks are taken on owners, by primary key.
    """

    owner_kind: OwnerKind
    owner_id: str
    bucket: Bucket
    unit: Unit

    def __post_init__(self) -> None:
        if not isinstance(self.owner_kind, OwnerKind) or not isinstance(self.bucket, Bucket):
            raise InvalidAccountError("owner kind and bucket must be OwnerKind and Bucket")
        if not isinstance(self.owner_id, str) or not self.owner_id:
            raise InvalidAccountError("owner id must be a non-empty string")
        if self.bucket not in BUCKETS_BY_OWNER[self.owner_kind]:
            raise InvalidAccountError(f"a {self.owner_kind} has no {self.bucket} bucket")
        if self.unit.kind is not UNIT_KIND_BY_OWNER[self.owner_kind]:
            raise InvalidAccountError(f"a {self.owner_kind} does not hold {self.unit}")
        if self.owner_kind is OwnerKind.EXTERNAL and self.owner_id != EXTERNAL_OWNER_ID:
            raise InvalidAccountError(f"the external owner id is {EXTERNAL_OWNER_ID!r}")

    @classmethod
    def from_stored(cls, *, owner_kind: str, owner_id: str, bucket: str, unit: str) -> Self:
        """Rebuild an account from its four stored text columns (``unit`` as ``"miles:AC"``).

        Raises ``InvalidAccountError`` for anything outside the chart of accounts, so a
        corrupt row can be reported rather than crash ``ledger verify``.
        """
        try:
            kind, bucket_value = OwnerKind(owner_kind), Bucket(bucket)
        except ValueError:
            raise InvalidAccountError(f"no such account: {owner_kind}/{bucket}") from None
        return cls(
            owner_kind=kind,
            owner_id=owner_id,
            bucket=bucket_value,
            unit=Unit.parse(text=unit),
        )

    @property
    def is_source(self) -> bool:
        """True for accounts whose balance is never positive (``pledged``, ``received``)."""
        return self.bucket in SOURCE_BUCKETS

    @property
    def owner_label(self) -> str:
        """``"pledge 42"``: the owner, for messages."""
        return f"{self.owner_kind} {self.owner_id}"

    def normal_balance(self, *, balance: int) -> int:
        """Return ``balance`` signed so that a legal balance is never negative."""
        return -balance if self.is_source else balance

    def __str__(self) -> str:
        return f"{self.owner_kind}:{self.owner_id}:{self.bucket}:{self.unit}"


@dataclass(frozen=True, slots=True)
class PledgeRef:
    """A pledge as the ledger knows it: its id and the one program its miles belong to."""

    pledge_id: str
    program: str

    def __post_init__(self) -> None:
        # Both checks raise typed errors; Unit validates the program code.
        Unit.miles(program=self.program)
        if not isinstance(self.pledge_id, str) or not self.pledge_id:
            raise InvalidAccountError("pledge id must be a non-empty string")

    @property
    def unit(self) -> Unit:
        """``miles:<program>``."""
        return Unit.miles(program=self.program)

    def account(self, *, bucket: Bucket) -> Account:
        """Return this pledge's account for ``bucket``."""
        return Account(
            owner_kind=OwnerKind.PLEDGE, owner_id=self.pledge_id, bucket=bucket, unit=self.unit
        )

    def accounts(self) -> tuple[Account, ...]:
        """Return all six accounts of the pledge, sorted by key."""
        return tuple(
            sorted(self.account(bucket=bucket) for bucket in BUCKETS_BY_OWNER[OwnerKind.PLEDGE])
        )


@dataclass(frozen=True, slots=True)
class MoneyOwner:
    """A fund or campaign that holds cash."""

    kind: OwnerKind
    owner_id: str

    def __post_init__(self) -> None:
        if self.kind not in {OwnerKind.FUND, OwnerKind.CAMPAIGN}:
            raise InvalidAccountError(f"only funds and campaigns hold cash, not {self.kind!r}")
        if not isinstance(self.owner_id, str) or not self.owner_id:
            raise InvalidAccountError("owner id must be a non-empty string")

    def cash_account(self, *, currency: str) -> Account:
        """Return this owner's cash account in ``currency``."""
        return Account(
            owner_kind=self.kind,
            owner_id=self.owner_id,
            bucket=Bucket.CASH,
            unit=Unit.money(currency=currency),
        )


def external_account(*, bucket: Bucket, currency: str) -> Account:
    """Return the ``external`` account ``received`` or ``disbursed`` in ``currency``."""
    return Account(
        owner_kind=OwnerKind.EXTERNAL,
        owner_id=EXTERNAL_OWNER_ID,
        bucket=bucket,
        unit=Unit.money(currency=currency),
    )
