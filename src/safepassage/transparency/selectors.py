"""Reads of the transparency app: the latest published snapshot, never live data."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from safepassage.transparency.models import (
    Dimension,
    Metric,
    TransparencyFigure,
    TransparencySnapshot,
)

CHART_HEIGHT = 120
"""Height in SVG user units of the tallest bar of the people-per-month chart."""
BAR_WIDTH = 24


@dataclass(frozen=True, kw_only=True)
class Figure:
    """One cell as the page shows it: a value (or a range), or why it is withheld."""

    value: Decimal | None
    value_high: Decimal | None
    suppression: str

    @property
    def shown(self) -> bool:
        return self.value is not None


@dataclass(frozen=True, kw_only=True)
class MonthRow:
    month: datetime.date
    people: Figure
    money: Figure
    miles: Figure


@dataclass(frozen=True, kw_only=True)
class CampaignRow:
    title: str
    money: Figure
    miles: Figure


@dataclass(frozen=True, kw_only=True)
class Bar:
    x: int
    y: int
    height: int
    month: datetime.date
    figure: Figure


@dataclass(frozen=True, kw_only=True)
class TransparencyPage:
    snapshot: TransparencySnapshot
    months: list[MonthRow]
    campaigns: list[CampaignRow]
    people_total: Decimal
    money_total: Decimal
    miles_total: Decimal
    months_withheld: int
    bars: list[Bar]
    chart_width: int
    chart_height: int


_EMPTY = Figure(value=None, value_high=None, suppression="few")


def _figure(row: TransparencyFigure) -> Figure:
    return Figure(value=row.value, value_high=row.value_high, suppression=row.suppression)


def _month(key: str) -> datetime.date:
    year, month = key.split("-")
    return datetime.date(int(year), int(month), 1)


def get_latest_snapshot() -> TransparencySnapshot | None:
    return TransparencySnapshot.objects.order_by("-period_end").first()


def get_transparency_page() -> TransparencyPage | None:
    """The latest published snapshot laid out for the page, or None before the first."""
    snapshot = get_latest_snapshot()
    if snapshot is None:
        return None
    cells: dict[tuple[str, str], dict[str, Figure]] = {}
    labels: dict[str, str] = {}
    for row in snapshot.figures.all():
        cells.setdefault((row.dimension, row.key), {})[row.metric] = _figure(row)
        if row.dimension == Dimension.CAMPAIGN:
            labels[row.key] = row.label
    month_keys = sorted(key for dimension, key in cells if dimension == Dimension.MONTH)
    months = [
        MonthRow(
            month=_month(key),
            people=cells[(Dimension.MONTH, key)].get(Metric.PEOPLE, _EMPTY),
            money=cells[(Dimension.MONTH, key)].get(Metric.MONEY, _EMPTY),
            miles=cells[(Dimension.MONTH, key)].get(Metric.MILES, _EMPTY),
        )
        for key in month_keys
    ]
    campaigns = sorted(
        (
            CampaignRow(
                title=labels[key],
                money=cells[(Dimension.CAMPAIGN, key)].get(Metric.MONEY, _EMPTY),
                miles=cells[(Dimension.CAMPAIGN, key)].get(Metric.MILES, _EMPTY),
            )
            for dimension, key in cells
            if dimension == Dimension.CAMPAIGN
        ),
        key=lambda row: row.title,
    )

    def total(metric: str) -> Decimal:
        return sum(
            (
                getattr(row, metric).value
                for row in months
                if getattr(row, metric).value is not None
            ),
            Decimal(0),
        )

    bars, width = _bars(months)
    return TransparencyPage(
        snapshot=snapshot,
        months=list(reversed(months)),
        campaigns=campaigns,
        people_total=total("people"),
        money_total=total("money"),
        miles_total=total("miles"),
        months_withheld=sum(1 for row in months if not row.people.shown),
        bars=bars,
        chart_width=width,
        chart_height=CHART_HEIGHT,
    )


def _bars(months: list[MonthRow]) -> tuple[list[Bar], int]:
    """Bars of people moved per month, oldest first, heights in whole SVG units."""
    tallest = max((row.people.value or Decimal(0) for row in months), default=Decimal(0))
    bars = []
    for index, row in enumerate(months):
        value = row.people.value or Decimal(0)
        height = int(value * CHART_HEIGHT / tallest) if tallest else 0
        bars.append(
            Bar(
                x=index * BAR_WIDTH + 4,
                y=CHART_HEIGHT - height,
                height=height,
                month=row.month,
                figure=row.people,
            )
        )
    return bars, max(len(months) * BAR_WIDTH + 8, 8)
