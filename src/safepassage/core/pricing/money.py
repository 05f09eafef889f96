"""Cash amounts for taxes and surcharges: ``Decimal`` plus ISO 4217 currency.

A small local value type so the pricing core has no dependency; it follows the project rule
for money (never floats, mixing currencies raises). Replace with ``safepassage.core.money``
when that module lands.
"""

from dataclasses import dataclass
from decimal import Decimal

from safepassage.core.pricing.errors import CurrencyMismatchError


@dataclass(frozen=True, slots=True)
class Cash:
    """An amount of money in one currency (``currency`` is an ISO 4217 code such as "GBP")."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError("Cash.amount must be a Decimal, never a float")
        if len(self.currency) != 3 or not self.currency.isupper():
            raise ValueError(f"not an ISO 4217 currency code: {self.currency!r}")

    def __add__(self, other: "Cash") -> "Cash":
        if other.currency != self.currency:
            raise CurrencyMismatchError(left=self.currency, right=other.currency)
        return Cash(self.amount + other.amount, self.currency)

    @classmethod
    def zero(cls, currency: str) -> "Cash":
        """Nothing, in ``currency``."""
        return cls(Decimal(0), currency)
