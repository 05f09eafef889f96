"""Forms of the travel pages. Travel inputs never autocomplete."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.core.money import CURRENCY_MINOR_UNITS
from safepassage.pathways.countries import country_name, is_country_code
from safepassage.site.date_fields import TRAVEL, SourceDateField, WindowedDateField
from safepassage.site.widgets import DatePicker
from safepassage.travel.models import (
    AllianceMembership,
    AwardChart,
    CashRule,
    ChartBand,
    ChartZone,
    ChartZonePrice,
    ProgramCarrier,
    TravelRequestState,
)

NO_AUTOCOMPLETE = {"autocomplete": "off"}
CONNECTIONS = [(0, _("Direct only")), (1, _("Up to one")), (2, _("Up to two"))]


def parse_codes(text: str, *, length: int) -> list[str]:
    """Codes separated by spaces or commas, upper-cased, in order, without repeats."""
    codes = [code.upper() for code in text.replace(",", " ").split()]
    if any(len(code) != length or not code.isalnum() for code in codes):
        raise forms.ValidationError(_("Write codes separated by spaces, e.g. “LT FR CA”."))
    return list(dict.fromkeys(codes))


def parse_countries(text: str) -> list[str]:
    codes = parse_codes(text, length=2)
    unknown = [code for code in codes if not is_country_code(code)]
    if unknown:
        raise forms.ValidationError(
            _("Not a country code: %(codes)s"), params={"codes": " ".join(unknown)}
        )
    return codes


def clean_currency_code(value: object) -> str:
    """An ISO 4217 code the money types know (upper-cased): a typo such as "USS" would be
    stored and then left out of every allocation run, for want of a rate that cannot exist."""
    code = str(value).strip().upper()
    if code not in CURRENCY_MINOR_UNITS:
        raise forms.ValidationError(
            _("Not a currency code: %(code)s. Use the ISO code, e.g. USD, EUR, GBP."),
            params={"code": code},
        )
    return code


def _airport_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        min_length=3,
        max_length=3,
        widget=forms.TextInput(attrs=NO_AUTOCOMPLETE | {"size": "4"}),
        help_text=_("IATA code, e.g. MCX"),
    )


def _date_field(label: Any) -> forms.DateField:
    return WindowedDateField(label=label, window=TRAVEL)


def _connection_fields() -> tuple[forms.TypedChoiceField, forms.IntegerField]:
    return (
        forms.TypedChoiceField(label=_("Connections"), choices=CONNECTIONS, coerce=int, initial=2),
        forms.IntegerField(
            label=_("Minimum connection time (minutes)"),
            min_value=30,
            max_value=720,
            initial=60,
        ),
    )


class RouteSearchForm(forms.Form):
    origin = _airport_field(_("From (airport)"))
    destinations = forms.CharField(
        label=_("To (airports or countries)"),
        max_length=200,
        widget=forms.TextInput(attrs=NO_AUTOCOMPLETE),
        help_text=_("IATA airport codes or ISO country codes, e.g. “VNO FR CA”."),
    )
    max_connections, minimum_connection_minutes = _connection_fields()
    excluded_countries = forms.CharField(
        label=_("Countries the travellers cannot transit"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=NO_AUTOCOMPLETE),
        help_text=_("ISO country codes, e.g. “AE QA”; used for this search only."),
    )

    def clean_origin(self) -> str:
        return str(self.cleaned_data["origin"]).upper()

    def clean_destinations(self) -> tuple[list[str], list[str]]:
        """(airport codes, country codes)."""
        text = str(self.cleaned_data["destinations"]).replace(",", " ")
        codes = [code.upper() for code in text.split()]
        airports = [code for code in codes if len(code) == 3]
        countries = parse_countries(" ".join(code for code in codes if len(code) != 3))
        return airports, countries

    def clean_excluded_countries(self) -> list[str]:
        return parse_countries(str(self.cleaned_data["excluded_countries"]))


class TravelRequestForm(forms.Form):
    travellers = forms.MultipleChoiceField(
        label=_("Travellers"), widget=forms.CheckboxSelectMultiple
    )
    origin = _airport_field(_("From (airport)"))
    destinations = forms.MultipleChoiceField(
        label=_("Acceptable destinations (from the country pathways)"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_destinations = forms.CharField(
        label=_("Other destination countries"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=NO_AUTOCOMPLETE),
        help_text=_("ISO country codes separated by spaces, e.g. “LT FR CA”."),
    )
    earliest_departure = _date_field(_("Earliest departure"))
    latest_departure = _date_field(_("Latest departure"))
    max_connections, minimum_connection_minutes = _connection_fields()

    def __init__(
        self,
        *args: Any,
        travellers: list[tuple[str, str]],
        pathway_countries: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        travellers_field = self.fields["travellers"]
        assert isinstance(travellers_field, forms.MultipleChoiceField)
        travellers_field.choices = travellers
        destinations_field = self.fields["destinations"]
        assert isinstance(destinations_field, forms.MultipleChoiceField)
        destinations_field.choices = [
            (code, f"{country_name(code)} ({code})") for code in pathway_countries
        ]
        if not pathway_countries:
            destinations_field.help_text = _(
                "No country pathway is linked to this case yet: write the countries below."
            )
        self.initial.setdefault("destinations", pathway_countries)

    def clean_origin(self) -> str:
        return str(self.cleaned_data["origin"]).upper()

    def clean_other_destinations(self) -> list[str]:
        return parse_countries(str(self.cleaned_data["other_destinations"]))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["all_destinations"] = list(
            dict.fromkeys([*data.get("destinations", []), *data.get("other_destinations", [])])
        )
        return data


class GenerateOptionsForm(forms.Form):
    excluded_countries = forms.CharField(
        label=_("Countries the travellers cannot transit"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=NO_AUTOCOMPLETE),
        help_text=_("ISO country codes, e.g. “AE QA”; used for this search only, not stored."),
    )
    limit = forms.IntegerField(
        label=_("How many itineraries"), min_value=1, max_value=10, initial=5
    )

    def clean_excluded_countries(self) -> list[str]:
        return parse_countries(str(self.cleaned_data["excluded_countries"]))


class ManualOptionForm(forms.Form):
    itinerary = forms.CharField(
        label=_("Airports, ticket by ticket"),
        max_length=64,
        widget=forms.TextInput(attrs=NO_AUTOCOMPLETE),
        help_text=_(
            "Airports of each ticket separated by spaces, tickets by “/”: MCX IST / IST VNO"
        ),
    )
    carriers = forms.CharField(
        label=_("Operating airline of each ticket"),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs=NO_AUTOCOMPLETE),
        help_text=_("IATA airline codes in the same order, e.g. “TK / TK”; empty if unknown."),
    )


class QuoteForm(forms.Form):
    miles = forms.IntegerField(label=_("Miles per traveller"), min_value=1, max_value=2_000_000)
    taxes = forms.DecimalField(
        label=_("Taxes and surcharges per traveller"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )
    currency = forms.CharField(label=_("Currency"), min_length=3, max_length=3)

    def clean_currency(self) -> str:
        return clean_currency_code(self.cleaned_data["currency"])


class FareCashForm(forms.Form):
    cash_price = forms.DecimalField(
        label=_("Cash price per traveller"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        required=False,
        help_text=_("Empty: this fare cannot be bought with cash."),
    )
    currency = forms.CharField(label=_("Currency"), min_length=3, max_length=3, initial="USD")

    def clean_currency(self) -> str:
        return clean_currency_code(self.cleaned_data["currency"])


class RequestStateForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=TravelRequestState.choices)


class ProgramCarrierForm(forms.ModelForm[ProgramCarrier]):
    class Meta:
        model = ProgramCarrier
        fields = ["program", "carrier", "relation", "source", "as_of", "verified"]
        widgets = {"as_of": DatePicker()}
        field_classes = {"as_of": SourceDateField}

    def clean_carrier(self) -> str:
        return str(self.cleaned_data["carrier"]).upper()


class AllianceMembershipForm(forms.ModelForm[AllianceMembership]):
    class Meta:
        model = AllianceMembership
        fields = ["alliance", "carrier", "suspended", "source", "as_of", "verified"]
        widgets = {"as_of": DatePicker()}
        field_classes = {"as_of": SourceDateField}

    def clean_carrier(self) -> str:
        return str(self.cleaned_data["carrier"]).upper()


class AwardChartForm(forms.ModelForm[AwardChart]):
    class Meta:
        model = AwardChart
        fields = [
            "name",
            "kind",
            "fixed_miles",
            "multi_segment",
            "multi_segment_source",
            "short_haul_max_miles",
            "route_type_source",
            "currency",
            "source",
            "as_of",
            "verified",
        ]
        widgets = {
            "as_of": DatePicker(),
            "multi_segment_source": forms.TextInput(),
            "route_type_source": forms.TextInput(),
            "source": forms.TextInput(),
        }
        field_classes = {"as_of": SourceDateField}

    def clean_currency(self) -> str:
        return clean_currency_code(self.cleaned_data["currency"])


ChartBandFormSet = forms.inlineformset_factory(
    AwardChart, ChartBand, fields=["min_miles", "max_miles", "miles"], extra=2
)
ChartZoneFormSet = forms.inlineformset_factory(
    AwardChart,
    ChartZone,
    fields=["name", "countries", "source", "as_of", "verified"],
    widgets={"as_of": DatePicker(), "source": forms.TextInput()},
    field_classes={"as_of": SourceDateField},
    extra=1,
)
ChartZonePriceFormSet = forms.inlineformset_factory(
    AwardChart,
    ChartZonePrice,
    fields=["origin_zone", "destination_zone", "miles", "one_way_only"],
    extra=1,
)


class CashRuleForm(forms.ModelForm[CashRule]):
    """One taxes and surcharges row; departure countries are checked and upper-cased."""

    class Meta:
        model = CashRule
        fields = [
            "route_type",
            "origin_countries",
            "taxes",
            "carrier_surcharge",
            "source",
            "as_of",
            "verified",
        ]
        widgets = {
            "as_of": DatePicker(),
            "source": forms.TextInput(),
            "origin_countries": forms.TextInput(attrs=NO_AUTOCOMPLETE),
        }
        field_classes = {"as_of": SourceDateField}

    def clean_origin_countries(self) -> str:
        return " ".join(sorted(parse_countries(str(self.cleaned_data["origin_countries"]))))


CashRuleFormSet = forms.inlineformset_factory(AwardChart, CashRule, form=CashRuleForm, extra=1)
