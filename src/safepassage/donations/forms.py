"""Forms of the donations app."""

from decimal import Decimal
from typing import Any

from django import forms
from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _

from safepassage.core.money import CURRENCY_MINOR_UNITS, Money
from safepassage.donations.actions import CampaignDetails, SponsorMatchTerms
from safepassage.donations.cover_images import EncodedImage, reencode_cover_image
from safepassage.donations.errors import DonationsError
from safepassage.donations.models import Campaign, Program, ProgramFact, SponsorMatch
from safepassage.organisations.models import Organisation
from safepassage.site.date_fields import SourceDateField, WindowedDateField
from safepassage.site.widgets import DatePicker

LARGEST_DATABASE_INTEGER = 2**63 - 1


class OrganisationsField(forms.ModelMultipleChoiceField[Organisation]):
    """Organisations chosen by primary key. An id no database integer holds is an invalid
    choice, not a server error (SQLite raises ``OverflowError`` on the ``pk__in`` lookup)."""

    def clean(self, value: Any) -> Any:
        for item in value if isinstance(value, list | tuple) else ():
            text = str(item).strip()
            # isdecimal, not isdigit: int() reads every decimal digit but not "²"
            if text.lstrip("+-").isdecimal() and abs(int(text)) > LARGEST_DATABASE_INTEGER:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super().clean(value)


class ProgramForm(forms.ModelForm[Program]):
    class Meta:
        model = Program
        fields = [
            "name",
            "kind",
            "alliance",
            "operating_carrier",
            "minimum_pledge",
            "booking_for_others",
            "delegated_booking",
            "nominee_limit",
            "nominee_change_wait_days",
            "member_transfer",
            "expiry_policy",
            "is_active",
        ]


class ProgramFactForm(forms.ModelForm[ProgramFact]):
    class Meta:
        model = ProgramFact
        fields = ["topic", "statement", "source", "as_of", "confidence"]
        widgets = {"as_of": DatePicker()}
        field_classes = {"as_of": SourceDateField}


ProgramFactFormSet = modelformset_factory(
    ProgramFact, form=ProgramFactForm, extra=1, can_delete=True
)

CURRENCY_CHOICES = [(code, code) for code in sorted(CURRENCY_MINOR_UNITS)]
MAX_GOAL_MILES = 10**12
"""A trillion miles: far above any campaign, far below what the bigint column holds."""


class CampaignForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Run by"), queryset=Organisation.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=80,
        help_text=_("Letters, digits and hyphens; the page is /donate/campaigns/<address>/."),
    )
    story = forms.CharField(label=_("Story"), widget=forms.Textarea, required=False)
    beneficiaries = OrganisationsField(
        label=_("Beneficiaries"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Bounded by what the columns hold (numeric(14, 2), bigint), so a mistyped goal is a form
    # error rather than a database error.
    goal_money = forms.DecimalField(
        label=_("Money goal"),
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    goal_currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES, initial="USD")
    goal_miles = forms.IntegerField(
        label=_("Miles goal"), min_value=1, max_value=MAX_GOAL_MILES, required=False
    )
    starts_on = WindowedDateField(label=_("Starts on"))
    ends_on = WindowedDateField(label=_("Ends on"), required=False)
    cover = forms.FileField(
        label=_("Cover image"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 5 MB. We re-encode it and remove its metadata."),
    )
    cover_description = forms.CharField(
        label=_("Cover image description"), max_length=200, required=False
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)  # narrows the type
        field.queryset = Organisation.objects.filter(
            pk__in=[organisation.pk for organisation in organisations]
        ).order_by("name")

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict[str, object]:
        return {
            "organisation": campaign.organisation,
            "title": campaign.title,
            "slug": campaign.slug,
            "story": campaign.story,
            "beneficiaries": list(campaign.beneficiaries.all()),
            "goal_money": campaign.goal_money,
            "goal_currency": campaign.goal_currency,
            "goal_miles": campaign.goal_miles,
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
            "cover_description": campaign.cover_description,
        }

    def clean_cover(self) -> EncodedImage | None:
        """The upload re-encoded (``cover_images``), or the reason it cannot be, shown at the
        cover field."""
        upload = self.cleaned_data.get("cover")
        if upload is None:
            return None
        try:
            return reencode_cover_image(upload=upload, size=upload.size)
        except DonationsError as error:
            raise forms.ValidationError(str(error.message), code=error.code) from None

    def details(self) -> CampaignDetails:
        data = self.cleaned_data
        return CampaignDetails(
            slug=data["slug"],
            title=data["title"],
            story=data["story"],
            goal_money=data["goal_money"],
            goal_currency=data["goal_currency"],
            goal_miles=data["goal_miles"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            cover_description=data["cover_description"],
        )


class SponsorMatchForm(forms.Form):
    sponsor_name = forms.CharField(label=_("Sponsor"), max_length=200)
    ratio = forms.DecimalField(
        label=_("Matched per unit given"),
        min_value=Decimal("0.001"),
        max_digits=6,
        decimal_places=3,
        initial=Decimal(1),
        help_text=_("1 doubles every gift; 0.5 adds half of it."),
    )
    cap = forms.DecimalField(
        label=_("Cap"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency

    def clean_cap(self) -> Decimal:
        cap: Decimal = self.cleaned_data["cap"]
        places = Money.zero(currency=self.currency).minor_units
        if cap != cap.quantize(Decimal(1).scaleb(-places)):
            raise forms.ValidationError(
                _("%(currency)s has %(places)s decimal places; the cap cannot have more.")
                % {"currency": self.currency, "places": places},
                code="too_many_decimals",
            )
        return cap

    def terms(self) -> SponsorMatchTerms:
        data = self.cleaned_data
        return SponsorMatchTerms(
            sponsor_name=data["sponsor_name"], ratio=data["ratio"], cap=data["cap"]
        )

    @staticmethod
    def initial_for(match: SponsorMatch) -> dict[str, Any]:
        return {"sponsor_name": match.sponsor_name, "ratio": match.ratio, "cap": match.cap}


class EndSponsorMatchForm(forms.Form):
    ends_on = WindowedDateField(
        label=_("Last day of gifts matched"),
        help_text=_("Today or later. Gifts received after this day are not matched."),
    )
