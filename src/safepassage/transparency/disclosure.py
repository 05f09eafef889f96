"""Which aggregate figures may be published (SR-33), as plain functions: no Django here.

A *cell* is one figure of one snapshot (people moved in March, money raised for a campaign).
It aggregates *contributions*: travellers (people), gifts (money) or redemptions (miles).
A cell is published only if

1. it aggregates at least :data:`MIN_UNITS` contributions (fewer is shown as "fewer than 10");
2. no single contribution makes up more than half of it (one family, one large gift or one
   long trip would otherwise be the figure: *dominance*);
3. against **every** earlier published value of the same cell, it is either unchanged or
   differs by at least :data:`MIN_UNITS` contributions, so comparing two snapshots never
   isolates fewer than ten travellers, gifts or redemptions (*differencing*).

Campaign cells are cumulative and published as ranges (:func:`bucket`), so that the exact
month figures and the campaign figures cannot be subtracted from one another. Totals are
only ever sums of published cells, which reveal nothing the cells do not. See
docs/decisions/0009-transparency-snapshots.md.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

MIN_UNITS = 10
"""Fewest contributions (travellers, gifts, redemptions) a published cell may aggregate."""

DOMINANCE_SHARE = Decimal("0.5")
"""The largest single contribution may make up at most this share of a published cell."""


class Suppression(enum.StrEnum):
    NONE = ""
    FEW = "few"
    DOMINATED = "dominated"
    REVISED = "revised"


@dataclass(frozen=True, kw_only=True)
class Contributions:
    """What a cell aggregates: the sum, how many contributions, the largest one."""

    total: Decimal
    units: int
    largest: Decimal

    @classmethod
    def of_travellers(cls, party_sizes: Iterable[int]) -> Contributions:
        """People moved: each case contributes its party size, and every traveller counts."""
        sizes = list(party_sizes)
        return cls(
            total=Decimal(sum(sizes)), units=sum(sizes), largest=Decimal(max(sizes, default=0))
        )

    @classmethod
    def of(cls, values: Iterable[Decimal | int]) -> Contributions:
        """Money or miles: each gift or redemption is one contribution."""
        amounts = [Decimal(value) for value in values]
        return cls(
            total=sum(amounts, Decimal(0)),
            units=len(amounts),
            largest=max(amounts, default=Decimal(0)),
        )


@dataclass(frozen=True, kw_only=True)
class Published:
    """An earlier published value of the same cell, with how many contributions it had."""

    value: Decimal
    units: int


def decide(
    *, contributions: Contributions, value: Decimal, earlier: Iterable[Published]
) -> Suppression:
    """Whether a cell with these ``contributions``, shown as ``value`` (the total, or its
    range's lower bound), may be published given its ``earlier`` published values."""
    if contributions.units < MIN_UNITS or contributions.total <= 0:
        return Suppression.FEW
    if contributions.largest > contributions.total * DOMINANCE_SHARE:
        return Suppression.DOMINATED
    for previous in earlier:
        if previous.value != value and abs(contributions.units - previous.units) < MIN_UNITS:
            return Suppression.REVISED
    return Suppression.NONE


_STEPS = (Decimal(1), Decimal(2), Decimal(5))


def bucket(value: Decimal) -> tuple[Decimal, Decimal]:
    """The 1-2-5 range ``[low, high)`` holding ``value`` (≥ 1): 20,000 → (20,000, 50,000)."""
    if value < 1:
        return Decimal(0), Decimal(1)
    magnitude = Decimal(1)
    while magnitude * 10 <= value:
        magnitude *= 10
    bounds = [step * magnitude for step in _STEPS] + [10 * magnitude]
    for low, high in itertools.pairwise(bounds):
        if low <= value < high:
            return low, high
    return bounds[-1], bounds[-1] * 2  # unreachable: value < 10 * magnitude
