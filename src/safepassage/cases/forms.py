"""Forms of the staff case pages. Sensitive inputs never autocomplete."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.cases.models import Priority, Risk
from safepassage.cases.referral_actions import Consent
from safepassage.core.case_workflow import MAX_REASON_LENGTH
from safepassage.core.crypto import SensitiveGroup
from safepassage.site.date_fields import RECORDED, WindowedDateField

NO_AUTOCOMPLETE = {"autocomplete": "off"}
AIRPORT_OR_COUNTRY = r"^[A-Za-z]{2,3}$"


class CaseForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=str)
    full_name = forms.CharField(
        label=_("Full name"), max_length=300, widget=forms.TextInput(attrs=NO_AUTOCOMPLETE)
    )
    other_names = forms.CharField(
        label=_("Other names or aliases"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs=NO_AUTOCOMPLETE),
    )
    contact = forms.CharField(
        label=_("How to reach them safely"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs=NO_AUTOCOMPLETE),
    )
    current_location = forms.CharField(
        label=_("Where they are now"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs=NO_AUTOCOMPLETE),
    )
    story = forms.CharField(
        label=_("What happened and what they need"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs=NO_AUTOCOMPLETE),
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    risk = forms.TypedChoiceField(
        label=_("Risk"), choices=Risk.choices, coerce=int, initial=Risk.MEDIUM
    )
    origin = forms.RegexField(
        label=_("Origin airport (IATA) or country (ISO)"),
        regex=AIRPORT_OR_COUNTRY,
        required=False,
        help_text=_("Two or three letters, e.g. GRV or RU. Never a town or address."),
    )
    destination = forms.RegexField(
        label=_("Destination airport (IATA) or country (ISO)"),
        regex=AIRPORT_OR_COUNTRY,
        required=False,
    )

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]  # TypedChoiceField has choices


class TransitionForm(forms.Form):
    target = forms.ChoiceField(
        label=_("New state"),
        error_messages={
            "invalid_choice": _(
                "That move is not open from the case's state now: someone may have moved the "
                "case meanwhile, or the form was sent twice. Choose one of the moves listed."
            )
        },
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={**NO_AUTOCOMPLETE, "rows": 3}),
    )

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets  # type: ignore[attr-defined]  # ChoiceField has choices


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"), max_length=20000, widget=forms.Textarea(attrs=NO_AUTOCOMPLETE)
    )


class HouseholdMemberForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=300,
        help_text=_(
            "Record everyone who travels, the person who asked for help too: only people "
            "recorded here can be given a ticket."
        ),
        widget=forms.TextInput(attrs=NO_AUTOCOMPLETE),
    )
    relationship = forms.CharField(
        label=_("Relationship"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs=NO_AUTOCOMPLETE),
    )
    birth_year = forms.RegexField(
        label=_("Year of birth"),
        regex=r"^\d{4}$",
        required=False,
        widget=forms.TextInput(attrs={**NO_AUTOCOMPLETE, "inputmode": "numeric"}),
    )


class CaseMemberForm(forms.Form):
    member = forms.ChoiceField(label=_("Colleague"))

    def __init__(self, *args: Any, colleagues: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = colleagues  # type: ignore[attr-defined]  # ChoiceField has choices


class ConfirmForm(forms.Form):
    """A POST with nothing in it but the CSRF token."""


class DismissAttentionForm(forms.Form):
    """Dismissing a "needs attention" item: where to go back to (the case list or the case)."""

    back = forms.ChoiceField(
        choices=[("list", "list"), ("case", "case")], required=False, widget=forms.HiddenInput
    )


class WorkflowFieldsForm(forms.Form):
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int)
    risk = forms.TypedChoiceField(label=_("Risk"), choices=Risk.choices, coerce=int)
    origin = forms.RegexField(
        label=_("Origin airport (IATA) or country (ISO)"),
        regex=AIRPORT_OR_COUNTRY,
        required=False,
        help_text=_("Two or three letters, e.g. GRV or RU. Never a town or address."),
    )
    destination = forms.RegexField(
        label=_("Destination airport (IATA) or country (ISO)"),
        regex=AIRPORT_OR_COUNTRY,
        required=False,
    )


class TaskForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Who does it"))
    due_on = WindowedDateField(label=_("Due on"))
    text = forms.CharField(
        label=_("What needs doing"),
        max_length=2000,
        widget=forms.Textarea(attrs={**NO_AUTOCOMPLETE, "rows": 3}),
    )

    def __init__(self, *args: Any, assignees: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = assignees  # type: ignore[attr-defined]  # ChoiceField has choices


class DocumentForm(forms.Form):
    """The file arrives already encrypted (``cases.document_storage.EncryptingUploadHandler``)."""

    document = forms.FileField(
        label=_("Document"),
        help_text=_("A PDF file or a PNG or JPEG image, at most 10 MB. It is stored encrypted."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


REFERRAL_GROUPS = [
    (SensitiveGroup.IDENTITY.value, _("Identity (names)")),
    (SensitiveGroup.CONTACT.value, _("Contact")),
    (SensitiveGroup.LOCATION.value, _("Where they are")),
    (SensitiveGroup.DOCUMENTS.value, _("Documents")),
    (SensitiveGroup.TRAVEL_PASSENGER.value, _("Travel passenger details")),
]


class ReferralForm(forms.Form):
    to_organisation = forms.ChoiceField(label=_("Partner organisation"))
    groups = forms.MultipleChoiceField(
        label=_("Share, besides the story and notes"),
        choices=REFERRAL_GROUPS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sender_keeps_access = forms.BooleanField(
        label=_("We keep working on the case"),
        required=False,
        initial=True,
        help_text=_(
            "Untick to hand the case over: it then belongs to the partner, everything is "
            "shared with them, and nobody here can open it any more."
        ),
    )
    expires_on = WindowedDateField(
        label=_("Sharing ends on"),
        required=False,
        help_text=_("Optional; only when we keep working on the case."),
    )
    consent_given_by = forms.CharField(
        label=_("Consent given by"),
        max_length=300,
        widget=forms.TextInput(attrs=NO_AUTOCOMPLETE),
        help_text=_("The person, or who spoke for them."),
    )
    consent_given_on = WindowedDateField(label=_("Consent given on"), window=RECORDED)
    consent_how = forms.CharField(
        label=_("How consent was obtained"),
        max_length=2000,
        widget=forms.Textarea(attrs={**NO_AUTOCOMPLETE, "rows": 3}),
    )

    def __init__(self, *args: Any, partners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].choices = partners  # type: ignore[attr-defined]  # ChoiceField has choices

    def consent(self) -> Consent:
        """The consent record of a valid form (sealed by the action)."""
        return Consent(
            given_by=self.cleaned_data["consent_given_by"],
            given_on=self.cleaned_data["consent_given_on"],
            how_obtained=self.cleaned_data["consent_how"],
        )

    def shared_groups(self) -> list[SensitiveGroup]:
        return [SensitiveGroup(group) for group in self.cleaned_data["groups"]]


class RetentionForm(forms.Form):
    """Days to keep a case after each final state; empty keeps it until someone decides."""

    def __init__(self, *args: Any, states: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for state, label in states:
            self.fields[state] = forms.IntegerField(
                label=_("Days after “%(state)s”") % {"state": label},
                min_value=1,
                max_value=30000,
                required=False,
            )
