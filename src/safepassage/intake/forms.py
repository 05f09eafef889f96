"""Forms of the applicant pages and the staff messages page. Nothing ever autocompletes."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.intake.actions import IntakeAnswers, Urgency
from safepassage.intake.wordlists import WordListName

NO_AUTOCOMPLETE = {"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}
MAX_MESSAGE_LENGTH = 10_000
MAX_PARTY_SIZE = 30


def _text(
    label: Any, *, required: bool = True, max_length: int = 500, help_text: Any = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={**NO_AUTOCOMPLETE, "rows": 3}),
    )


class IntakeForm(forms.Form):
    """Only what is needed to help (issue 4 item 2): how to reach the person, where they are
    in broad terms, who travels, what happened, how urgent; a name is optional."""

    organisation = forms.TypedChoiceField(label=_("Who should receive your request"), coerce=str)
    contact = _text(
        _("How can we reach you safely?"),
        help_text=_("For example a messenger username or a phone number that is safe to use."),
    )
    location = _text(
        _("Where are you now, in broad terms?"),
        help_text=_("A country or region is enough. Do not give an address."),
    )
    party_size = forms.TypedChoiceField(
        label=_("How many people would travel, including you?"),
        choices=[(number, str(number)) for number in range(1, MAX_PARTY_SIZE + 1)],
        coerce=int,
        initial=1,
    )
    travelling_with = _text(
        _("Who would travel with you?"),
        required=False,
        help_text=_("For example: my partner and my mother. Leave empty if you travel alone."),
    )
    story = _text(
        _("What happened, and why do you need to leave?"),
        max_length=20_000,
        help_text=_("Write as much or as little as you feel safe to write."),
    )
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"),
        choices=[
            (Urgency.IMMEDIATE, _("I am in danger now")),
            (Urgency.DAYS, _("I need to leave within days")),
            (Urgency.WEEKS, _("I need to leave within weeks")),
            (Urgency.LATER, _("It is not urgent yet")),
        ],
        initial=Urgency.WEEKS,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=_("What may we call you? (optional)"),
        required=False,
        max_length=200,
        help_text=_("Any name or nickname. You do not have to give your real name."),
        widget=forms.TextInput(attrs=NO_AUTOCOMPLETE),
    )
    word_list = forms.ChoiceField(
        label=_("Words for your codename"),
        choices=[
            (WordListName.RUSSIAN, _("Russian words")),
            (WordListName.RUSSIAN_LATIN, _("Russian words in Latin letters")),
            (WordListName.ENGLISH, _("English words")),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.TypedChoiceField)  # for mypy: declared above
        field.choices = organisations
        if len(organisations) == 1:
            field.initial = organisations[0][0]
            field.widget = forms.HiddenInput()

    def answers(self) -> IntakeAnswers:
        """The cleaned answers for :func:`~safepassage.intake.actions.do_submit_intake`."""
        data = self.cleaned_data
        return IntakeAnswers(
            name=data["name"],
            contact=data["contact"],
            location=data["location"],
            travelling_with=data["travelling_with"],
            story=data["story"],
            party_size=data["party_size"],
            urgency=data["urgency"],
        )


class SignInForm(forms.Form):
    codename = forms.CharField(
        label=_("Your codename"),
        max_length=500,
        help_text=_("All the words, in order, separated by spaces."),
        widget=forms.TextInput(attrs=NO_AUTOCOMPLETE),
    )
    case_code = forms.CharField(
        label=_("Your case code"),
        max_length=32,
        help_text=_("For example K7QM-4ZX9-RT."),
        widget=forms.TextInput(attrs=NO_AUTOCOMPLETE),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={**NO_AUTOCOMPLETE, "rows": 5}),
    )


class WithdrawForm(forms.Form):
    """The confirmation step: nothing happens until the applicant ticks this and sends."""

    confirm = forms.BooleanField(
        label=_("Yes, withdraw my request. I understand the caseworkers will stop working on it."),
        required=True,
    )
    note = forms.CharField(
        label=_("Anything you want to tell your caseworkers (optional)"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        help_text=_("For example why, or how to reach you if you need help again."),
        widget=forms.Textarea(attrs={**NO_AUTOCOMPLETE, "rows": 3}),
    )
