"""Forms of the staff sign-in, two-factor and invitation flows."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import User
from safepassage.accounts.roles import Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PASSWORD_HELP = _("At least 15 characters. A few unrelated words make a good password.")


def _new_password_field(
    label: "StrOrPromise", *, help_text: "StrOrPromise" = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=help_text,
    )


def _check_new_password(
    form: forms.Form, cleaned: dict[str, Any], *, field: str, again: str, user: User
) -> None:
    """Both entries equal and the password acceptable for ``user`` (SR-20 validators)."""
    password = cleaned.get(field)
    if password and password != cleaned.get(again):
        form.add_error(again, _("The two passwords differ."))
    elif password:
        try:
            password_validation.validate_password(password, user)
        except forms.ValidationError as error:
            form.add_error(field, error)


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class EndSessionForm(forms.Form):
    """Which of one's other sessions to end (its handle, from the security page)."""

    session = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class ReauthenticationForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class EnrolmentForm(forms.Form):
    code = forms.RegexField(
        label=_("The 6-digit code your authenticator app shows now"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits your app shows.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person to invite"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class NewAccountForm(forms.Form):
    display_name = forms.CharField(
        label=_("Name shown to your colleagues"),
        max_length=150,
        help_text=_("A first name or a pseudonym is enough."),
    )
    password = _new_password_field(_("Password"), help_text=PASSWORD_HELP)
    password_again = _new_password_field(_("Password again"))

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        candidate = User(email=self.email)
        candidate.display_name = cleaned.get("display_name", "")
        _check_new_password(self, cleaned, field="password", again="password_again", user=candidate)
        return cleaned


class ChangePasswordForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = _new_password_field(_("New password"), help_text=PASSWORD_HELP)
    new_password_again = _new_password_field(_("New password again"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _check_new_password(
            self, cleaned, field="new_password", again="new_password_again", user=self.user
        )
        return cleaned


class RecoveryResetForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    personal_recovery_key = forms.CharField(
        label=_("Personal recovery key"),
        max_length=200,
        help_text=_("The key starting with SPU- that you were shown when you set your password."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    new_password = _new_password_field(_("New password"), help_text=PASSWORD_HELP)
    new_password_again = _new_password_field(_("New password again"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        candidate = User(email=cleaned.get("email", ""))
        _check_new_password(
            self, cleaned, field="new_password", again="new_password_again", user=candidate
        )
        return cleaned


class ReplaceOwnKeysForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        help_text=_("It locks the new key pair, as it locked the old one."),
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my other sessions end and I get a new personal recovery key."),
    )


class ReplaceColleagueKeysForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I will give the new personal recovery key to this colleague in person, and they "
            "will set a new password with it."
        ),
    )


class RemoveMemberForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Yes, remove them: they lose every case of the organisation and are signed out "
            "everywhere."
        ),
    )


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Enrolment code from your admin"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "autofocus": True}
        ),
    )


CREDENTIAL_MAX_LENGTH = 20_000


class KeyAnswerInput(forms.HiddenInput):
    """The browser's answer to one security-key challenge, filled in by the script. Never
    written back into a page: the script skips the ceremony when the field already holds
    an answer, so a form shown again after a refusal would send the spent answer again
    instead of asking the key."""

    def format_value(self, value: Any) -> str | None:
        return None


class AddSecurityKeyForm(forms.Form):
    """A name for a new security key; the browser fills in its answer (decision 0035)."""

    name = forms.CharField(
        label=_("Name for this key"),
        max_length=64,
        help_text=_("So you can tell your keys apart, for example “blue key on my keyring”."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    credential = forms.CharField(
        required=False, max_length=CREDENTIAL_MAX_LENGTH, widget=KeyAnswerInput
    )


class SecurityKeySignInForm(forms.Form):
    """The browser's answer from a security key at sign-in (filled in by the script)."""

    credential = forms.CharField(max_length=CREDENTIAL_MAX_LENGTH, widget=KeyAnswerInput)


class SecurityKeyReauthenticationForm(forms.Form):
    """Password again, and the browser's answer from a security key (filled in by the
    script) before a sensitive step (SR-23)."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    credential = forms.CharField(
        required=False, max_length=CREDENTIAL_MAX_LENGTH, widget=KeyAnswerInput
    )
