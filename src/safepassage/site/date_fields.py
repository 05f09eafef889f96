"""Date fields that refuse days nobody means: year 1, 9999, a year typed as 26 (decision 0047).

Every date a person types into a form goes through :func:`check_date_in_window`, through
:class:`WindowedDateField` (a date picker) or a field that calls it (the events' local
times). A window says which days a field accepts; the refusal names the field and the
window, in the reader's language. A field's own rules (a pledge expires after today, a
sponsor match ends today or later, a travel window is not over) stay with its form or
action: the window only keeps out the typos those rules cannot see.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from safepassage.site.widgets import DatePicker

FIRST_DAY = datetime.date(2000, 1, 1)
"""Before SafePassage and the loyalty programs it uses existed in their present form: an
earlier day in a campaign, pledge, case or travel form is a typo."""


@dataclass(frozen=True)
class DateWindow:
    """The days a field accepts: from ``earliest`` to ``years_ahead`` years and
    ``days_ahead`` days after today."""

    years_ahead: int = 0
    days_ahead: int = 0
    earliest: datetime.date = FIRST_DAY

    def latest(self, *, today: datetime.date) -> datetime.date:
        year = today.year + self.years_ahead
        try:
            day = today.replace(year=year)
        except ValueError:  # 29 February, in a year that has none
            day = today.replace(year=year, day=28)
        return day + datetime.timedelta(days=self.days_ahead)


PLANNING = DateWindow(years_ahead=10)
"""Campaigns, events, sponsor matches, a pledge's expiry and contact window, case tasks,
referrals and the report and list filters: a decade ahead is further than anyone plans."""

TRAVEL = DateWindow(years_ahead=2)
"""Departure windows: airlines sell seats about a year ahead; two years leaves room for a
request planned early and nothing more."""

RECORDED = DateWindow(days_ahead=1)
"""A day that has happened (consent given): up to today, with a day's slack for staff east
of the server's UTC day."""

SOURCES = DateWindow(days_ahead=1, earliest=datetime.date(1980, 1, 1))
"""The day a catalogue fact was true: loyalty programs date from 1981, so an older source is
a typo; not in the future."""


def _day(value: datetime.date) -> str:
    return str(formats.date_format(value, "j E Y"))


def check_date_in_window(
    *, value: datetime.date, window: DateWindow, label: Any, today: datetime.date
) -> None:
    """Raise a ``ValidationError`` naming the field (``label``) when ``value`` is outside
    ``window``."""
    latest = window.latest(today=today)
    if window.earliest <= value <= latest:
        return
    raise forms.ValidationError(
        _("%(field)s: choose a day from %(earliest)s to %(latest)s (check the year).")
        % {"field": label, "earliest": _day(window.earliest), "latest": _day(latest)},
        code="out_of_range",
    )


class WindowedDateField(forms.DateField):
    """A date picker that accepts the days of its window (:data:`PLANNING` unless the class
    or the ``window`` argument says otherwise)."""

    window: DateWindow = PLANNING

    def __init__(self, *, window: DateWindow | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", DatePicker())
        super().__init__(**kwargs)
        if window is not None:
            self.window = window

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None:
            check_date_in_window(
                value=value, window=self.window, label=self.label, today=timezone.localdate()
            )


class SourceDateField(WindowedDateField):
    """The "as of" day of a catalogue fact (:data:`SOURCES`); a class so model forms can name
    it in ``field_classes``."""

    window = SOURCES
