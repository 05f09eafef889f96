"""Forms of the staff gift pages: entering a gift and filtering the lists."""

import datetime
import uuid
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.core.money import CURRENCY_MINOR_UNITS, Money
from safepassage.donations.gifts.errors import GiftError
from safepassage.donations.gifts.webhooks import check_received_on, parse_money
from safepassage.donations.models import Campaign, GiftSource
from safepassage.donations.models.gifts import STAFF_GIFT_SOURCES
from safepassage.site.date_fields import WindowedDateField
from safepassage.site.widgets import DatePicker

CURRENCY_CHOICES = [(code, code) for code in sorted(CURRENCY_MINOR_UNITS)]


class CampaignChoiceField(forms.ModelChoiceField[Campaign]):
    def label_from_instance(self, obj: Campaign) -> str:
        return obj.title


class StaffGiftForm(forms.Form):
    """A gift received by bank transfer, in cash at an event, or otherwise.

    ``submission_key`` is a random token issued with the empty form: submitting the
    same form twice records one gift.
    """

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    amount = forms.CharField(
        label=_("Amount"),
        max_length=20,
        help_text=_(
            "As received, for example 25.00. No more decimal places than the currency has."
        ),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES, initial="EUR")
    campaign = CampaignChoiceField(
        label=_("Campaign or fund"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("The general fund"),
        to_field_name="public_id",
    )
    source = forms.ChoiceField(
        label=_("How it was received"),
        choices=[(source.value, source.label) for source in STAFF_GIFT_SOURCES],
    )
    received_on = forms.DateField(label=_("Received on"), widget=DatePicker())
    donor_name = forms.CharField(
        label=_("Donor name for the receipt (optional)"),
        max_length=150,
        required=False,
        help_text=_("Leave empty for an anonymous gift. Stored encrypted."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    donor_email = forms.EmailField(
        label=_("Send the receipt to (optional)"),
        required=False,
        help_text=_("Used once to send the receipt, then erased."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, campaigns: QuerySet[Campaign], **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"submission_key": uuid.uuid4(), "received_on": timezone.localdate()},
        )
        super().__init__(*args, **kwargs)
        cast("CampaignChoiceField", self.fields["campaign"]).queryset = campaigns

    def clean_received_on(self) -> datetime.date:
        received_on: datetime.date = self.cleaned_data["received_on"]
        today = timezone.localdate()
        # the server's day is UTC: a day of slack for staff east of it (as the webhook has)
        if received_on > today + datetime.timedelta(days=1):
            raise forms.ValidationError(_("A gift cannot be received in the future."))
        try:
            check_received_on(received_on=received_on, today=today)
        except GiftError as error:
            raise forms.ValidationError(str(error.message), code=error.code) from None
        return received_on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "amount" in cleaned and "currency" in cleaned:
            try:
                cleaned["money"] = parse_money(
                    amount=cleaned["amount"], currency=cleaned["currency"]
                )
            except GiftError as error:
                self.add_error("amount", str(error.message))
        return cleaned

    @property
    def money(self) -> Money:
        money: Money = self.cleaned_data["money"]
        return money


class GiftFilterForm(forms.Form):
    """Filters of the gift list and export (all optional, sent by GET)."""

    campaign = CampaignChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("All"),
        to_field_name="public_id",
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=[("", _("All")), *GiftSource.choices], required=False
    )
    currency = forms.ChoiceField(
        label=_("Currency"), choices=[("", _("All")), *CURRENCY_CHOICES], required=False
    )
    received_from = WindowedDateField(label=_("Received from"), required=False)
    received_until = WindowedDateField(label=_("Received until"), required=False)

    def __init__(self, *args: Any, campaigns: QuerySet[Campaign], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("CampaignChoiceField", self.fields["campaign"]).queryset = campaigns

    def filters(self) -> dict[str, Any] | None:
        """The filters given (empty: everything), or ``None`` when they are invalid."""
        if not self.is_bound:
            return {}
        if not self.is_valid():
            return None
        return {key: value for key, value in self.cleaned_data.items() if value}
