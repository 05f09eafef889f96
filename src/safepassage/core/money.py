"""Money and miles as value types.

``Money`` is a :class:`~decimal.Decimal` amount plus an ISO 4217 currency code;
``Miles`` is an ``int`` amount plus a loyalty-program code. Both are frozen, both
refuse floats at construction, and both raise a typed error when two values of
different currencies (or programs) are added, subtracted or ordered. Equality
(``==``) never raises: values in different currencies are simply unequal, so they
can live in sets and dictionary keys.

The ledger (:mod:`safepassage.core.ledger`) stores amounts as signed integers in
minor units (cents for USD, yen for JPY, fils for BHD) and in whole miles; use
:meth:`Money.to_minor_units` and :meth:`Money.from_minor_units` to cross that line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, Inexact, InvalidOperation
from typing import ClassVar, Self

__all__ = [
    "CURRENCY_MINOR_UNITS",
    "CurrencyMismatchError",
    "FloatNotAllowedError",
    "InvalidAmountError",
    "InvalidCurrencyError",
    "InvalidProgramError",
    "Miles",
    "Money",
    "MoneyError",
    "ProgramMismatchError",
    "UnknownCurrencyError",
]

#: ISO 4217 minor units (digits after the decimal point) of every active currency (not the
#: funds codes such as CLF or UYI, which no donor pays in): a payment provider may settle a
#: gift in any of them. A well-formed code that is missing here raises
#: ``UnknownCurrencyError`` rather than guessing an exponent; add a new currency here
#: (with its ISO exponent) when ISO publishes it.
CURRENCY_MINOR_UNITS: dict[str, int] = {
    # zero-decimal currencies
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "ISK": 0,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "PYG": 0,
    "RWF": 0,
    "UGX": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
    # three-decimal currencies
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
    # two-decimal currencies (every other active ISO 4217 currency)
    "AED": 2,
    "AFN": 2,
    "ALL": 2,
    "AMD": 2,
    "ANG": 2,
    "AOA": 2,
    "ARS": 2,
    "AUD": 2,
    "AWG": 2,
    "AZN": 2,
    "BAM": 2,
    "BBD": 2,
    "BDT": 2,
    "BGN": 2,
    "BMD": 2,
    "BND": 2,
    "BOB": 2,
    "BRL": 2,
    "BSD": 2,
    "BTN": 2,
    "BWP": 2,
    "BYN": 2,
    "BZD": 2,
    "CAD": 2,
    "CDF": 2,
    "CHF": 2,
    "CNY": 2,
    "COP": 2,
    "CRC": 2,
    "CUP": 2,
    "CVE": 2,
    "CZK": 2,
    "DKK": 2,
    "DOP": 2,
    "DZD": 2,
    "EGP": 2,
    "ERN": 2,
    "ETB": 2,
    "EUR": 2,
    "FJD": 2,
    "FKP": 2,
    "GBP": 2,
    "GEL": 2,
    "GHS": 2,
    "GIP": 2,
    "GMD": 2,
    "GTQ": 2,
    "GYD": 2,
    "HKD": 2,
    "HNL": 2,
    "HTG": 2,
    "HUF": 2,
    "IDR": 2,
    "ILS": 2,
    "INR": 2,
    "IRR": 2,
    "JMD": 2,
    "KES": 2,
    "KGS": 2,
    "KHR": 2,
    "KPW": 2,
    "KYD": 2,
    "KZT": 2,
    "LAK": 2,
    "LBP": 2,
    "LKR": 2,
    "LRD": 2,
    "LSL": 2,
    "MAD": 2,
    "MDL": 2,
    "MGA": 2,
    "MKD": 2,
    "MMK": 2,
    "MNT": 2,
    "MOP": 2,
    "MRU": 2,
    "MUR": 2,
    "MVR": 2,
    "MWK": 2,
    "MXN": 2,
    "MYR": 2,
    "MZN": 2,
    "NAD": 2,
    "NGN": 2,
    "NIO": 2,
    "NOK": 2,
    "NPR": 2,
    "NZD": 2,
    "PAB": 2,
    "PEN": 2,
    "PGK": 2,
    "PHP": 2,
    "PKR": 2,
    "PLN": 2,
    "QAR": 2,
    "RON": 2,
    "RSD": 2,
    "RUB": 2,
    "SAR": 2,
    "SBD": 2,
    "SCR": 2,
    "SDG": 2,
    "SEK": 2,
    "SGD": 2,
    "SHP": 2,
    "SLE": 2,
    "SOS": 2,
    "SRD": 2,
    "SSP": 2,
    "STN": 2,
    "SVC": 2,
    "SYP": 2,
    "SZL": 2,
    "THB": 2,
    "TJS": 2,
    "TMT": 2,
    "TOP": 2,
    "TRY": 2,
    "TTD": 2,
    "TWD": 2,
    "TZS": 2,
    "UAH": 2,
    "USD": 2,
    "UYU": 2,
    "UZS": 2,
    "VES": 2,
    "WST": 2,
    "XCD": 2,
    "YER": 2,
    "ZAR": 2,
    "ZMW": 2,
    "ZWG": 2,
}

#: Arithmetic on amounts never rounds: the default decimal context keeps 28 digits and
#: would silently round a large amount; this one keeps every digit and traps rounding.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[InvalidOperation, Inexact])

_CURRENCY_CODE = re.compile(r"[A-Z]{3}")
_PROGRAM_CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{1,19}")


class MoneyError(Exception):
    """Base of every error raised by this module; ``code`` is stable and machine-readable."""

    code: ClassVar[str] = "money-error"


class FloatNotAllowedError(MoneyError, TypeError):
    """A float (or another non-exact type) was given where an exact amount is required."""

    code: ClassVar[str] = "float-not-allowed"


class InvalidAmountError(MoneyError, ValueError):
    """The amount is not finite or has more decimal places than the currency allows."""

    code: ClassVar[str] = "invalid-amount"


class InvalidCurrencyError(MoneyError, ValueError):
    """The currency code is not three upper-case ASCII letters."""

    code: ClassVar[str] = "invalid-currency"


class UnknownCurrencyError(MoneyError, ValueError):
    """The currency code is well formed but not in :data:`CURRENCY_MINOR_UNITS`."""

    code: ClassVar[str] = "unknown-currency"


class InvalidProgramError(MoneyError, ValueError):
    """The program code is not 2-20 upper-case letters, digits, ``-`` or ``_``."""

    code: ClassVar[str] = "invalid-program"


class CurrencyMismatchError(MoneyError, ValueError):
    """Two ``Money`` values in different currencies were combined or ordered."""

    code: ClassVar[str] = "currency-mismatch"

    def __init__(self, *, left: str, right: str) -> None:
        super().__init__(f"cannot combine {left} with {right}")
        self.left = left
        self.right = right


class ProgramMismatchError(MoneyError, ValueError):
    """Two ``Miles`` values of different programs were combined or ordered."""

    code: ClassVar[str] = "program-mismatch"

    def __init__(self, *, left: str, right: str) -> None:
        super().__init__(f"cannot combine miles of program {left} with program {right}")
        self.left = left
        self.right = right


def _validate_currency(currency: object) -> int:
    """Return the minor units of ``currency`` or raise a typed error."""
    if not isinstance(currency, str) or _CURRENCY_CODE.fullmatch(currency) is None:
        raise InvalidCurrencyError(
            f"currency must be an ISO 4217 code like 'USD', got {currency!r}"
        )
    try:
        return CURRENCY_MINOR_UNITS[currency]
    except KeyError:
        raise UnknownCurrencyError(
            f"currency {currency} is not supported (minor units unknown)"
        ) from None


@dataclass(frozen=True, slots=True, eq=True)
class Money:
    """An exact amount of one currency.

    ``amount`` must be a finite :class:`~decimal.Decimal` (an ``int`` is accepted and
    converted) with no more decimal places than the currency's minor units: ``USD``
    allows ``12.34``, ``JPY`` allows only whole yen, ``BHD`` allows three places.
    Floats raise :class:`FloatNotAllowedError`. Negative amounts are allowed (a refund, a
    difference); the ledger refuses non-positive amounts where they make no sense.
    """

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        minor_units = _validate_currency(self.currency)
        amount: object = self.amount
        if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
            raise FloatNotAllowedError(
                f"Money amount must be a Decimal or int, got {type(amount).__name__}"
            )
        value = Decimal(amount)
        if not value.is_finite():
            raise InvalidAmountError(f"Money amount must be finite, got {value}")
        exponent = value.as_tuple().exponent
        if not isinstance(exponent, int):  # pragma: no cover - finite values have int exponents
            raise InvalidAmountError(f"Money amount must be finite, got {value}")
        if exponent < -minor_units:
            try:  # quantizing to the minor unit is exact unless non-zero digits would be lost
                _EXACT.quantize(value, _EXACT.scaleb(Decimal(1), -minor_units))
            except Inexact:
                raise InvalidAmountError(
                    f"{self.currency} has {minor_units} decimal places; {value} has more"
                ) from None
        object.__setattr__(self, "amount", value)

    @classmethod
    def zero(cls, *, currency: str) -> Self:
        """Return zero in ``currency``."""
        return cls(amount=Decimal(0), currency=currency)

    @classmethod
    def from_minor_units(cls, *, amount: int, currency: str) -> Self:
        """Build from an integer count of minor units (``1234`` USD cents is ``12.34``)."""
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise FloatNotAllowedError(f"minor units must be an int, got {type(amount).__name__}")
        minor_units = _validate_currency(currency)
        return cls(amount=_EXACT.scaleb(Decimal(amount), -minor_units), currency=currency)

    @property
    def minor_units(self) -> int:
        """Digits after the decimal point in this currency (2 for USD, 0 for JPY)."""
        return CURRENCY_MINOR_UNITS[self.currency]

    def to_minor_units(self) -> int:
        """Return the amount as an exact integer count of minor units."""
        return int(_EXACT.scaleb(self.amount, self.minor_units))

    def _check(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatchError(left=self.currency, right=other.currency)

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(amount=_EXACT.add(self.amount, other.amount), currency=self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(amount=_EXACT.subtract(self.amount, other.amount), currency=self.currency)

    def __neg__(self) -> Money:
        return Money(amount=_EXACT.minus(self.amount), currency=self.currency)

    def __lt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._check(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._check(other)
        return self.amount >= other.amount

    def __str__(self) -> str:
        return f"{self.amount:.{self.minor_units}f} {self.currency}"


def _validate_program(program: object) -> None:
    if not isinstance(program, str) or _PROGRAM_CODE.fullmatch(program) is None:
        raise InvalidProgramError(
            f"program must be 2-20 upper-case letters, digits, '-' or '_', got {program!r}"
        )


@dataclass(frozen=True, slots=True, eq=True)
class Miles:
    """A whole number of miles (or points) of one loyalty program, e.g. ``Miles(amount=25000,
    program="AC")``.

    ``amount`` must be an ``int`` (not ``bool``, not ``float``, not ``Decimal``).
    Negative amounts are allowed for differences; the ledger refuses non-positive
    amounts where they make no sense.
    """

    amount: int
    program: str

    def __post_init__(self) -> None:
        _validate_program(self.program)
        amount: object = self.amount
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise FloatNotAllowedError(f"Miles amount must be an int, got {type(amount).__name__}")

    @classmethod
    def zero(cls, *, program: str) -> Self:
        """Return zero miles of ``program``."""
        return cls(amount=0, program=program)

    def _check(self, other: Miles) -> None:
        if not isinstance(other, Miles):
            raise TypeError(f"cannot combine Miles with {type(other).__name__}")
        if other.program != self.program:
            raise ProgramMismatchError(left=self.program, right=other.program)

    def __add__(self, other: Miles) -> Miles:
        self._check(other)
        return Miles(amount=self.amount + other.amount, program=self.program)

    def __sub__(self, other: Miles) -> Miles:
        self._check(other)
        return Miles(amount=self.amount - other.amount, program=self.program)

    def __neg__(self) -> Miles:
        return Miles(amount=-self.amount, program=self.program)

    def __lt__(self, other: Miles) -> bool:
        self._check(other)
        return self.amount < other.amount

    def __le__(self, other: Miles) -> bool:
        self._check(other)
        return self.amount <= other.amount

    def __gt__(self, other: Miles) -> bool:
        self._check(other)
        return self.amount > other.amount

    def __ge__(self, other: Miles) -> bool:
        self._check(other)
        return self.amount >= other.amount

    def __str__(self) -> str:
        return f"{self.amount} {self.program}"
