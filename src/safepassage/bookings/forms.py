"""Forms of allocation and booking. Fields are never pre-filled with sealed values."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from safepassage.bookings.models import BookingMode, NoRefundReason, RefundOutcome, TripStatus
from safepassage.core.money import InvalidAmountError, Money

CURRENCY_CODES = ("USD", "EUR", "GBP", "CAD", "CHF", "RUB", "TRY")
"""Currencies a run can count its budget in and a booking can be charged in; the first is
the default. Others convert with the recorded exchange rates (``bookings.cash``)."""
CURRENCIES = [(code, code) for code in CURRENCY_CODES]


class StartRunForm(forms.Form):
    cash_budget = forms.DecimalField(
        label=_("Cash budget for taxes and cash tickets"),
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        initial=Decimal(1000),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES, initial="USD")
    time_limit_seconds = forms.IntegerField(
        label=_("Time limit (seconds)"),
        min_value=1,
        max_value=600,
        initial=20,
        help_text=_("The allocator returns the best plan it has found by then."),
    )


class AcceptForm(forms.Form):
    requests = forms.MultipleChoiceField(
        label=_("Requests to accept"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Tick the requests to accept: none was chosen, so nothing was reserved."),
            "invalid_choice": _(
                "This plan does not list one of the chosen requests (the page may be old): "
                "nothing was reserved. Reload the page and choose again."
            ),
        },
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["requests"]
        if isinstance(field, forms.MultipleChoiceField):
            field.choices = choices


class TripDetailsForm(forms.Form):
    """The itinerary to book and, per traveller, what the airline needs."""

    itinerary = forms.CharField(
        label=_("Flights to book"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Flight numbers, dates and airports, exactly as the donor should book them."),
    )

    def __init__(self, *args: Any, travellers: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(1, travellers + 1):
            self.fields[f"name_{number}"] = forms.CharField(
                label=_("Traveller %(number)s: name as in the passport") % {"number": number},
                max_length=200,
            )
            self.fields[f"birth_date_{number}"] = forms.CharField(
                label=_("Traveller %(number)s: date of birth") % {"number": number},
                max_length=20,
            )
            self.fields[f"document_{number}"] = forms.CharField(
                label=_("Traveller %(number)s: passport or travel document number")
                % {"number": number},
                max_length=40,
                required=False,
            )
        self.travellers = travellers


class RecordBookingForm(forms.Form):
    locator = forms.CharField(
        label=_("Booking reference (locator)"),
        max_length=12,
        validators=[RegexValidator(r"^[A-Za-z0-9]{5,12}$", _("Letters and digits, 5 to 12."))],
    )
    miles_charged = forms.IntegerField(label=_("Miles or points charged"), min_value=0)
    taxes = forms.DecimalField(
        label=_("Taxes and fees paid"), min_value=Decimal(0), max_digits=10, decimal_places=2
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES, initial="USD")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("The code we e-mailed you"),
        max_length=6,
        min_length=6,
        validators=[RegexValidator(r"^[0-9]{6}$", _("Six digits."))],
    )


class BookingModeForm(forms.Form):
    mode = forms.ChoiceField(choices=BookingMode.choices)


class ProgressForm(forms.Form):
    target = forms.ChoiceField(
        choices=[
            (TripStatus.DEPARTED.value, TripStatus.DEPARTED.label),
            (TripStatus.ARRIVED.value, TripStatus.ARRIVED.label),
        ]
    )


class ConfirmForm(forms.Form):
    """A POST with nothing but the CSRF token."""


class RefundForm(forms.Form):
    """What came back of a cancelled booking's cash, or why nothing (more) will."""

    request_key = forms.UUIDField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("What happened"),
        choices=RefundOutcome.choices,
        initial=RefundOutcome.RECEIVED,
        widget=forms.RadioSelect,
    )
    amount = forms.DecimalField(
        label=_("Amount refunded"),
        required=False,
        min_value=Decimal(0),
        max_digits=15,
        decimal_places=3,
        help_text=_("What actually arrived, in the currency it was paid in. A part is fine."),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES)
    reason = forms.ChoiceField(
        label=_("Why no (further) refund"),
        required=False,
        choices=[("", "---------"), *NoRefundReason.choices],
    )

    def __init__(self, *args: Any, currencies: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["currency"]
        if isinstance(field, forms.ChoiceField):
            codes = dict.fromkeys((*currencies, *CURRENCY_CODES))
            field.choices = [(code, code) for code in codes]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == RefundOutcome.RECEIVED:
            amount = data.get("amount")
            if amount is None or amount <= 0:
                self.add_error("amount", _("Enter the amount that came back."))
            elif data.get("currency"):
                try:
                    Money(amount=amount, currency=data["currency"])
                except InvalidAmountError:
                    self.add_error("amount", _("Too many decimal places for this currency."))
        elif data.get("outcome") == RefundOutcome.NONE and not data.get("reason"):
            self.add_error("reason", _("Choose why no (further) refund will come."))
        return data
