"""Forms of the pathway pages. Contact details and notes never autocomplete."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.intake.actions import normalise_case_code
from safepassage.organisations.models import Organisation
from safepassage.pathways.countries import country_choices
from safepassage.pathways.models import ContactKind, Stance

NO_AUTOCOMPLETE = {"autocomplete": "off"}
MAX_NOTES_LENGTH = 10000


def _notes_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_NOTES_LENGTH,
        required=False,
        widget=forms.Textarea(attrs=NO_AUTOCOMPLETE),
        help_text=_("Stored encrypted; shown only to staff of this organisation."),
    )


class PathwayForm(forms.Form):
    stance = forms.ChoiceField(label=_("Stance"), choices=Stance.choices)
    notes = _notes_field(_("Notes on the talks"))


class NewPathwayForm(PathwayForm):
    field_order = ["organisation", "country", "stance", "notes"]
    organisation = forms.ChoiceField(label=_("Organisation"))
    country = forms.ChoiceField(label=_("Destination country"))

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]  # ChoiceField
            (str(organisation.public_id), organisation.name) for organisation in organisations
        ]
        self.fields["country"].choices = [("", "—"), *country_choices()]  # type: ignore[attr-defined]  # ChoiceField


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices)
    name = forms.CharField(
        label=_("Name"), max_length=200, widget=forms.TextInput(attrs=NO_AUTOCOMPLETE)
    )
    affiliation = forms.CharField(
        label=_("Ministry, embassy or organisation"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=NO_AUTOCOMPLETE),
    )
    reach = forms.CharField(
        label=_("How to reach them"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs=NO_AUTOCOMPLETE),
        help_text=_("Never an applicant: cases are linked below, not entered here."),
    )


class VisaTypeForm(forms.Form):
    name = forms.CharField(label=_("Visa type"), max_length=32)
    typical_processing_days = forms.IntegerField(
        label=_("Typical processing time (days)"), min_value=0, max_value=3650, required=False
    )
    notes = _notes_field(_("Notes"))


class QuotaForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    total = forms.IntegerField(label=_("Places offered"), min_value=0, max_value=1_000_000)
    used = forms.IntegerField(label=_("Places used"), min_value=0, max_value=1_000_000)


class CaseCodeForm(forms.Form):
    """A case by its code, as caseworkers see it on the case (``K7QM-4ZX9-RT``); any letter
    case, with or without the dashes."""

    code = forms.CharField(
        label=_("Case code"),
        max_length=40,
        help_text=_("As shown on the case's page, for example K7QM-4ZX9-RT."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        return normalise_case_code(self.cleaned_data["code"])


class ChoiceByIdForm(forms.Form):
    """One choice among public ids (a pathway to link a case to)."""

    choice = forms.ChoiceField(label=_("Choose"))

    def __init__(
        self, *args: Any, choices: list[tuple[str, str]], label: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = choices  # type: ignore[attr-defined]  # ChoiceField
        self.fields["choice"].label = label
