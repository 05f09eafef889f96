"""Turn live data into the cells of one snapshot, applying the disclosure rules.

Pure computation over ``sources`` and earlier published figures; ``actions`` stores the
result. Kept apart from ``actions`` so tests can check the cells without storing them.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from safepassage.transparency import sources
from safepassage.transparency.disclosure import (
    Contributions,
    Published,
    Suppression,
    bucket,
    decide,
)
from safepassage.transparency.models import Dimension, Metric, TransparencyFigure

PUBLICATION_LAG_MONTHS = 1
"""Full months to wait after a month ends before it is published (late records settle)."""


def publishable_period_end(*, today: datetime.date) -> datetime.date:
    """The last day of the latest month that may be published on ``today``: never the
    month in progress, and not the :data:`PUBLICATION_LAG_MONTHS` before it either."""
    first = today.replace(day=1)
    for _ in range(PUBLICATION_LAG_MONTHS):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return first - datetime.timedelta(days=1)


@dataclass(frozen=True, kw_only=True)
class Cell:
    metric: str
    dimension: str
    key: str
    label: str
    contributions: Contributions
    value: Decimal
    value_high: Decimal | None
    suppression: Suppression


def _months(*, first: datetime.date | None, period_end: datetime.date) -> list[str]:
    if first is None:
        return []
    keys = []
    day = first
    while day <= period_end:
        keys.append(sources.month_key(day))
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return keys


def earlier_published() -> dict[tuple[str, str, str], list[Published]]:
    earlier: dict[tuple[str, str, str], list[Published]] = defaultdict(list)
    for metric, dimension, key, value, units in TransparencyFigure.objects.filter(
        suppression=""
    ).values_list("metric", "dimension", "key", "value", "units"):
        if value is not None and units is not None:
            earlier[(metric, dimension, key)].append(Published(value=value, units=units))
    return earlier


def build_cells(*, period_end: datetime.date, reporting_currency: str) -> list[Cell]:
    """Every cell of a snapshot up to ``period_end``, each with its suppression decided."""
    months = _months(first=sources.first_month(period_end=period_end), period_end=period_end)
    money_by_month, money_by_campaign = sources.money(
        period_end=period_end, reporting_currency=reporting_currency
    )
    miles_by_month, miles_by_campaign = sources.miles(period_end=period_end)
    titles = sources.campaign_titles()
    earlier = earlier_published()
    cells = []
    for metric, by_month in (
        (Metric.PEOPLE, sources.people_by_month(period_end=period_end)),
        (Metric.MONEY, money_by_month),
        (Metric.MILES, miles_by_month),
    ):
        for key in months:
            values = by_month.get(key, [])
            contributions = (
                Contributions.of_travellers(int(size) for size in values)
                if metric == Metric.PEOPLE
                else Contributions.of(values)
            )
            value = contributions.total
            cells.append(
                Cell(
                    metric=metric,
                    dimension=Dimension.MONTH,
                    key=key,
                    label="",
                    contributions=contributions,
                    value=value,
                    value_high=None,
                    suppression=decide(
                        contributions=contributions,
                        value=value,
                        earlier=earlier[(metric, Dimension.MONTH, key)],
                    ),
                )
            )
    for metric, by_campaign in (
        (Metric.MONEY, money_by_campaign),
        (Metric.MILES, miles_by_campaign),
    ):
        for key in sorted(titles, key=lambda campaign: titles[campaign]):
            contributions = Contributions.of(by_campaign.get(key, []))
            low, high = bucket(contributions.total)
            cells.append(
                Cell(
                    metric=metric,
                    dimension=Dimension.CAMPAIGN,
                    key=key,
                    label=titles[key],
                    contributions=contributions,
                    value=low,
                    value_high=high,
                    suppression=decide(
                        contributions=contributions,
                        value=low,
                        earlier=earlier[(metric, Dimension.CAMPAIGN, key)],
                    ),
                )
            )
    return cells
