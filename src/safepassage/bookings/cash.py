"""Cash in several currencies: the allocator's budget and paying a booking's charge.

The run's currency is the *fund currency* of everything a run plans and books: the
allocator's cash budget is counted in it, fares are priced in it, and a booking's charge
(taxes, fees or a cash ticket, in whatever currency the airline charged) is valued in it.
A recorded rate ``1 X = rate F`` (``donations.ExchangeRate``, the latest on or before the
day; see :class:`Rate`) converts X into F; nothing is ever converted without one, and no
currency is ever added to another unconverted (:class:`~safepassage.core.money.Money`
refuses it).

Rounding, always to the minor unit of the currency converted into:

- what the organisation *holds* rounds down (``ROUND_FLOOR``): a budget never counts a
  cent that is not there;
- what it *owes* rounds up (``ROUND_CEILING``): a charge is never paid with less than it
  is worth.

Each conversion is therefore off the exact product by less than one minor unit, always
in the fund's disfavour. Products and quotients are computed exactly (a 60-digit context)
before the one rounding, so no digit is lost on the way. This module imports no Django
model: it plans, ``bookings.actions`` posts.
"""

import decimal
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from safepassage.bookings.errors import (
    NoExchangeRate,
    NotEnoughCash,
    NothingLeftToRefund,
    RefundCurrencyNotPaid,
    RefundTooLarge,
)
from safepassage.core.ledger import MoneyOwner
from safepassage.core.money import CURRENCY_MINOR_UNITS, Money

_EXACT = decimal.Context(prec=60, traps=[decimal.InvalidOperation, decimal.DivisionByZero])


@dataclass(frozen=True, slots=True)
class Rate:
    """A recorded rate: ``1 currency = rate into``, as of a day."""

    currency: str
    into: str
    rate: Decimal
    as_of: date

    def as_document(self) -> dict[str, str]:
        return {
            "from": self.currency,
            "to": self.into,
            "rate": str(self.rate.normalize()),
            "as_of": self.as_of.isoformat(),
        }


def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-CURRENCY_MINOR_UNITS[currency])


def convert(*, money: Money, rate: Rate, rounding: str) -> Money:
    """``money`` (in ``rate.currency``) in ``rate.into``, rounded once with ``rounding``."""
    if money.currency != rate.currency:
        raise ValueError(f"a {rate.currency} rate cannot convert {money.currency}")
    exact = _EXACT.multiply(money.amount, rate.rate)
    return Money(amount=exact.quantize(_quantum(rate.into), rounding=rounding), currency=rate.into)


def convert_back(*, money: Money, rate: Rate, rounding: str) -> Money:
    """``money`` (in ``rate.into``) in ``rate.currency``: the inverse of :func:`convert`."""
    if money.currency != rate.into:
        raise ValueError(f"a rate into {rate.into} cannot convert {money.currency} back")
    context = _EXACT.copy()
    context.rounding = rounding  # a quotient cut at 60 digits still rounds the right way
    quotient = context.divide(money.amount, rate.rate)
    return Money(
        amount=quotient.quantize(_quantum(rate.currency), rounding=rounding),
        currency=rate.currency,
    )


# --- the budget ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CashLine:
    """What the organisation holds in one currency and what it counts for in the fund
    currency (``value`` is None when no rate is recorded: not counted)."""

    held: Money
    value: Money | None
    rate: Rate | None


@dataclass(frozen=True, slots=True)
class CashPosition:
    """Everything the organisation holds, counted in ``total.currency``."""

    lines: tuple[CashLine, ...]
    total: Money

    @property
    def missing_rates(self) -> tuple[str, ...]:
        """Currencies held but not counted, for want of a recorded rate."""
        return tuple(line.held.currency for line in self.lines if line.value is None)


def cash_position(
    *, held: Iterable[Money], currency: str, rates: Mapping[str, Rate]
) -> CashPosition:
    """Sum ``held`` per currency and count it in ``currency``: the fund currency as it is,
    every other currency at its recorded rate rounded down, none without a rate."""
    totals: dict[str, Money] = {}
    for money in held:
        totals[money.currency] = (
            totals.get(money.currency, Money.zero(currency=money.currency)) + money
        )
    lines = []
    total = Money.zero(currency=currency)
    for code in sorted(totals, key=lambda c: (c != currency, c)):
        money = totals[code]
        if money.amount <= 0:
            continue
        if code == currency:
            lines.append(CashLine(held=money, value=money, rate=None))
            total += money
            continue
        rate = rates.get(code)
        value = None if rate is None else convert(money=money, rate=rate, rounding=ROUND_FLOOR)
        lines.append(CashLine(held=money, value=value, rate=rate))
        if value is not None:
            total += value
    return CashPosition(lines=tuple(lines), total=total)


# --- paying a charge -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Holding:
    """What one fund or campaign holds in one currency."""

    owner: MoneyOwner
    money: Money


@dataclass(frozen=True, slots=True)
class CashPayment:
    """One disbursement of a charge: ``paid`` out of ``owner``, with the rates used to
    value it against the charge (none when paid in the charged currency itself)."""

    owner: MoneyOwner
    paid: Money
    rates: tuple[Rate, ...] = ()

    def as_document(self) -> dict[str, object]:
        return {
            "owner_kind": self.owner.kind.value,
            "owner_id": self.owner.owner_id,
            "amount": str(self.paid.amount),
            "currency": self.paid.currency,
            "rates": [rate.as_document() for rate in self.rates],
        }


def _pay_from(
    holdings: Iterable[Holding], owed: Money, rates: tuple[Rate, ...], payments: list[CashPayment]
) -> Money:
    """Pay ``owed`` from ``holdings`` (all in its currency) in their order; what is left."""
    for holding in holdings:
        if owed.amount <= 0:
            break
        part = min(holding.money, owed)
        if part.amount > 0:
            payments.append(CashPayment(owner=holding.owner, paid=part, rates=rates))
            owed -= part
    return owed


def plan_payment(
    *, charge: Money, currency: str, holdings: Sequence[Holding], rates: Mapping[str, Rate]
) -> tuple[CashPayment, ...]:
    """How the organisation pays ``charge``, fund currency ``currency``, from ``holdings``
    (in the order given: the general fund first, then campaigns).

    1. What it holds in the charged currency itself, as it is (no rate needed).
    2. The rest is valued in the fund currency at the charged currency's rate, rounded up
       (``NoExchangeRate`` naming the currency when none is recorded), and paid from
       what it holds in the fund currency.
    3. Then from other currencies, each at its own rate into the fund currency: what a
       payment covers is rounded down, what it takes rounded up. A currency without a
       rate is not touched.

    ``NotEnoughCash`` when that does not cover the charge. Nothing here writes anything.
    """
    if charge.amount <= 0:
        return ()
    payments: list[CashPayment] = []
    same = [h for h in holdings if h.money.currency == charge.currency]
    owed = _pay_from(same, charge, (), payments)
    if owed.amount <= 0:
        return tuple(payments)
    valued: tuple[Rate, ...] = ()
    if charge.currency != currency:
        rate = rates.get(charge.currency)
        if rate is None or rate.into != currency:
            raise NoExchangeRate(currency=charge.currency, into=currency)
        valued = (rate,)
        owed = convert(money=owed, rate=rate, rounding=ROUND_CEILING)
        fund = [h for h in holdings if h.money.currency == currency]
        owed = _pay_from(fund, owed, valued, payments)
    others = sorted(
        (h for h in holdings if h.money.currency not in (charge.currency, currency)),
        key=lambda h: h.money.currency,
    )
    for holding in others:
        if owed.amount <= 0:
            break
        rate = rates.get(holding.money.currency)
        if rate is None or rate.into != currency or holding.money.amount <= 0:
            continue
        needed = convert_back(money=owed, rate=rate, rounding=ROUND_CEILING)
        part = min(holding.money, needed)
        payments.append(CashPayment(owner=holding.owner, paid=part, rates=(*valued, rate)))
        if part == needed:
            owed = Money.zero(currency=currency)
        else:  # all of it, worth less than what is owed (see the docstring)
            owed -= convert(money=part, rate=rate, rounding=ROUND_FLOOR)
    if owed.amount > 0:
        raise NotEnoughCash
    return tuple(payments)


# --- refunds of a cancelled booking ----------------------------------------------------


def still_refundable(*, paid: Sequence[Holding], refunded: Iterable[Holding]) -> list[Holding]:
    """What each fund or campaign may still get back, per currency, in payment order:
    what it paid for the booking in that currency less what already came back to it."""
    back: dict[tuple[MoneyOwner, str], Money] = {}
    for credit in refunded:
        key = (credit.owner, credit.money.currency)
        back[key] = back.get(key, Money.zero(currency=credit.money.currency)) + credit.money
    order: list[tuple[MoneyOwner, str]] = []
    totals: dict[tuple[MoneyOwner, str], Money] = {}
    for payment in paid:
        key = (payment.owner, payment.money.currency)
        if key not in totals:
            order.append(key)
            totals[key] = Money.zero(currency=payment.money.currency)
        totals[key] += payment.money
    left = []
    for key in order:
        remaining = totals[key] - back.get(key, Money.zero(currency=key[1]))
        if remaining.amount > 0:
            left.append(Holding(owner=key[0], money=remaining))
    return left


def plan_refund(
    *, amount: Money, paid: Sequence[Holding], refunded: Iterable[Holding]
) -> tuple[Holding, ...]:
    """Who gets ``amount`` (what the airline refunded, in the currency it arrived in) back:
    the funds and campaigns that paid in that currency, in the *reverse* order of payment
    (the campaign paid last is refunded first, so a partial refund leaves the booking paid
    as if its smaller net cost had been charged in the first place: general fund first),
    each at most what it paid in that currency and has not had back. Nothing is converted.

    ``RefundCurrencyNotPaid`` when nothing was paid in that currency,
    ``NothingLeftToRefund`` when everything paid has come back, ``RefundTooLarge`` naming
    the most that can still come back in that currency. Nothing here writes anything."""
    if amount.amount <= 0:
        raise ValueError("a refund is a positive amount")
    currencies = tuple(dict.fromkeys(p.money.currency for p in paid if p.money.amount > 0))
    if amount.currency not in currencies:
        raise RefundCurrencyNotPaid(currency=amount.currency, paid=currencies)
    left = still_refundable(paid=paid, refunded=refunded)
    if not left:
        raise NothingLeftToRefund
    room = [h for h in left if h.money.currency == amount.currency]
    most = sum((h.money for h in room), Money.zero(currency=amount.currency))
    if amount > most:
        raise RefundTooLarge(
            most=str(most.amount.quantize(_quantum(most.currency))), currency=amount.currency
        )
    credits = []
    owed = amount
    for holding in reversed(room):
        if owed.amount <= 0:
            break
        part = min(holding.money, owed)
        credits.append(Holding(owner=holding.owner, money=part))
        owed -= part
    return tuple(credits)
