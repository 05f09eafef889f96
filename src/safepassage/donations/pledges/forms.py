"""Forms of the pledge flow; domain rules come from ``actions.check_pledge_terms``."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.donations.models import Program
from safepassage.donations.pledges.actions import (
    MAX_MILES,
    PledgeTerms,
    check_change_pledge,
    check_pledge_terms,
)
from safepassage.donations.pledges.errors import PledgeError, SubmissionExpired
from safepassage.donations.pledges.selectors import (
    list_delegation_programs,
    list_pledge_programs,
    list_transfer_targets,
)
from safepassage.donations.pledges.tokens import new_submission_token, read_submission_token
from safepassage.site.date_fields import WindowedDateField
from safepassage.site.numbers import grouped_number


class ProgramChoiceField(forms.ModelChoiceField[Program]):
    def label_from_instance(self, obj: Program) -> str:
        if obj.minimum_pledge:
            return str(
                _("%(name)s (at least %(minimum)s)")
                % {"name": obj.name, "minimum": grouped_number(obj.minimum_pledge)}
            )
        return obj.name


def _add_pledge_error(form: forms.Form, error: PledgeError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


def _refuse_stale_token(form: forms.Form, name: str) -> str:
    """Say the form is too old (without naming its hidden field) and show it again with a
    fresh token, so that sending it again works."""
    form.data = {**form.data, name: new_submission_token()}
    form.add_error(
        None, forms.ValidationError(str(SubmissionExpired.message), code=SubmissionExpired.code)
    )
    return ""


class PledgeForm(forms.Form):
    program = ProgramChoiceField(
        label=_("Loyalty program"), queryset=list_pledge_programs(), empty_label=None
    )
    transfer_partner = ProgramChoiceField(
        label=_("For bank points: the airline program they would be transferred to"),
        queryset=list_transfer_targets(),
        required=False,
        empty_label=_("Not bank points"),
    )
    miles = forms.IntegerField(
        label=_("Miles or points to pledge"), min_value=1, max_value=MAX_MILES
    )
    expires_on = WindowedDateField(
        label=_("They expire on"),
        help_text=_("Check your program account for the date your miles expire."),
    )
    max_travellers = forms.IntegerField(
        label=_("How many travellers you could book for"),
        required=False,
        min_value=1,
        max_value=99,
        help_text=_("Only for programs that book for a short list of named people."),
    )
    delegated_booking_consent = forms.BooleanField(
        label=_("The fund may book the tickets with my access to the account"),
        required=False,
    )
    contact_before = WindowedDateField(
        label=_("Contact me only before"),
        required=False,
        help_text=_("Optional. We will not write to you after this date."),
    )
    donor_name = forms.CharField(
        label=_("Your name"),
        required=False,
        max_length=120,
        help_text=_("Optional. Stored encrypted."),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We send a link to confirm the pledge. Stored encrypted, never shown."),
    )
    is_anonymous = forms.BooleanField(
        label=_("Keep me anonymous to the public"), required=False, initial=True
    )
    submission_token = forms.CharField(widget=forms.HiddenInput)

    terms: PledgeTerms

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if list_delegation_programs().exists():
            self.fields["delegated_booking_consent"].help_text = delegation_help()
        else:  # no program allows it: nothing to ask
            del self.fields["delegated_booking_consent"]

    def clean_submission_token(self) -> str:
        value = read_submission_token(self.cleaned_data["submission_token"])
        return value if value is not None else _refuse_stale_token(self, "submission_token")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        self.terms = PledgeTerms(
            program=data["program"],
            miles=data["miles"],
            expires_on=data["expires_on"],
            contact_before=data.get("contact_before"),
            max_travellers=data.get("max_travellers"),
            transfer_partner=data.get("transfer_partner"),
            delegated_booking_consent=bool(data.get("delegated_booking_consent")),
        )
        try:
            check_pledge_terms(terms=self.terms, today=timezone.localdate())
        except PledgeError as error:
            _add_pledge_error(self, error)
        return data


def delegation_help() -> str:
    """What agreeing means, and for which programs it counts (their names, from the data)."""
    names = ", ".join(program.name for program in list_delegation_programs())
    return str(
        _(
            "Optional, and only for programs whose rules allow it: %(programs)s. Otherwise "
            "you book yourself with the traveller details we send. We never ask for your "
            "password and never store one: if we book for you, you give us access yourself, "
            "outside this site, in a way you choose."
        )
        % {"programs": names}
    )


class DelegationConsentForm(forms.Form):
    """The donor's answer, changed from the pledge's management page."""

    consent = forms.BooleanField(
        label=_("The fund may book the tickets with my access to the account"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].help_text = delegation_help()


class ChangePledgeForm(forms.Form):
    miles = forms.IntegerField(
        label=_("Miles or points pledged in total"), min_value=1, max_value=MAX_MILES
    )
    expires_on = WindowedDateField(label=_("They expire on"))
    change_token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, pledge: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pledge = pledge

    def add_pledge_error(self, error: PledgeError) -> None:
        """Show a refusal of the change action (made under the pledge's lock) on the form."""
        _add_pledge_error(self, error)

    def clean_change_token(self) -> str:
        value = read_submission_token(self.cleaned_data["change_token"])
        return value if value is not None else _refuse_stale_token(self, "change_token")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            check_change_pledge(
                pledge=self.pledge,
                miles=data["miles"],
                expires_on=data["expires_on"],
                today=timezone.localdate(),
            )
        except PledgeError as error:
            _add_pledge_error(self, error)
        return data


class ResendConfirmationForm(forms.Form):
    """The address a donor pledged with, to send their confirmation link again."""

    email = forms.EmailField(
        label=_("E-mail address you pledged with"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
