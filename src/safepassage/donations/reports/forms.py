"""The reports page's date range (sent by GET; both ends optional)."""

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.donations.reports.selectors import Period
from safepassage.site.date_fields import WindowedDateField

MAX_DAYS = 3660
"""The longest range a report covers (about ten years)."""


def default_period(*, today: datetime.date) -> Period:
    """The last twelve months, from the first day of the month eleven months ago."""
    month = today.month - 11
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return Period(start=datetime.date(year, month, 1), end=today)


class ReportPeriodForm(forms.Form):
    start = WindowedDateField(label=_("From"), required=False)
    end = WindowedDateField(label=_("Until"), required=False)

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        default = default_period(today=self.today)
        start = cleaned.get("start") or default.start
        end = cleaned.get("end") or default.end
        if start > end:
            raise forms.ValidationError(
                _("The start of the range must not be after its end."), code="reversed"
            )
        if (end - start).days > MAX_DAYS:
            raise forms.ValidationError(
                _("The range may cover at most ten years."), code="too_long"
            )
        cleaned["period"] = Period(start=start, end=end)
        return cleaned

    def period(self) -> Period | None:
        """The range asked for (the last twelve months when none is given), or ``None``
        when it is invalid."""
        if not self.is_bound:
            return default_period(today=self.today)
        if not self.is_valid():
            return None
        period: Period = self.cleaned_data["period"]
        return period
