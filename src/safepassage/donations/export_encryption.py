"""The encryption step every staff export goes through (SR-29).

Gift, pledge and report exports (CSV and PDF) are only handed out encrypted for a
passphrase the staff member types on the export page: an OpenPGP message
(``safepassage.core.openpgp_export``) named ``<name>.gpg`` that opens with ``gpg
--decrypt``, Kleopatra or GPG Suite. The passphrase is used to derive the key and dropped:
never stored, logged, audited or written back into a page. The page suggests a random one
(125 bits), made afresh for each page view and kept nowhere.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import User
from safepassage.core.openpgp_export import CONTENT_TYPE, FILE_EXTENSION, encrypt_stream
from safepassage.donations.gifts.actions import check_export_allowed
from safepassage.donations.gifts.errors import GiftError
from safepassage.organisations.models import Organisation

MINIMUM_PASSPHRASE_LENGTH = 15
SUGGESTION_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
"""RFC 4648 base32 in lower case: 5 bits a letter, no 0/1/8/9 to mistake for o/l/B/g."""
SUGGESTION_GROUPS = 5
SUGGESTION_GROUP_LENGTH = 5


def suggest_passphrase() -> str:
    """A random passphrase of 25 base32 letters (125 bits) in groups: ``abcde-fghij-...``."""
    return "-".join(
        "".join(secrets.choice(SUGGESTION_ALPHABET) for _ in range(SUGGESTION_GROUP_LENGTH))
        for _ in range(SUGGESTION_GROUPS)
    )


class ExportPassphraseForm(forms.Form):
    """The passphrase the export is encrypted for; never rendered back (``render_value``)."""

    passphrase = forms.CharField(
        label=_("Passphrase for the file"),
        strip=False,
        widget=forms.PasswordInput(
            render_value=False,
            attrs={"autocomplete": "new-password", "spellcheck": "false"},
        ),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.suggestion = suggest_passphrase()
        self.fields["passphrase"].help_text = _(
            "At least %(minimum)d characters. You need it to open the file, and anyone who "
            "has it can open the file: give it to colleagues another way than the file "
            "itself. A random one you may use: %(suggestion)s"
        ) % {"minimum": MINIMUM_PASSPHRASE_LENGTH, "suggestion": self.suggestion}

    def clean_passphrase(self) -> str:
        passphrase = str(self.cleaned_data["passphrase"])
        if any(unicodedata.category(character) in {"Cc", "Cs"} for character in passphrase):
            # gpg and Kleopatra read a passphrase as one line of text: a NUL or a line break
            # would make a file nobody can open.
            raise ValidationError(
                _("Use only characters you can type: no line breaks or control characters."),
                code="passphrase_control_character",
            )
        if len(passphrase) < MINIMUM_PASSPHRASE_LENGTH:
            raise ValidationError(
                _("Use at least %(minimum)d characters for the passphrase."),
                code="passphrase_too_short",
                params={"minimum": MINIMUM_PASSPHRASE_LENGTH},
            )
        # The sign-in password rules (common words, the service's name, the account's own
        # name or e-mail address, the length cap), then never the sign-in password itself:
        # a passphrase is shared with whoever needs the file.
        validate_password(passphrase, user=self.user)
        if check_password(passphrase, self.user.password):
            raise ValidationError(
                _("Do not use your sign-in password: choose a passphrase only for this file."),
                code="passphrase_is_password",
            )
        return passphrase


def encrypted_download(
    chunks: Iterable[bytes | str], *, passphrase: str, filename: str
) -> StreamingHttpResponse:
    """``filename`` + ``.gpg``, encrypted for ``passphrase`` as it streams; never cached."""
    response = StreamingHttpResponse(
        encrypt_stream(chunks, passphrase=passphrase, filename=filename),
        content_type=CONTENT_TYPE,
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}{FILE_EXTENSION}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def export_allowance_refused(*, user: User) -> HttpResponse | None:
    """The answer (429) when ``user`` has used up the hourly export allowance shared by
    every export (SR-29); ``None`` when the export may go."""
    try:
        check_export_allowed(user=user, now=timezone.now())
    except GiftError as error:
        return HttpResponse(str(error.message), status=429, content_type="text/plain")
    return None


def passphrase_form(request: HttpRequest, *, user: User) -> ExportPassphraseForm:
    """Bound on POST (an empty POST is an error, not a fresh form), unbound on GET."""
    data = request.POST if request.method == "POST" else None
    return ExportPassphraseForm(data, user=user)


def render_export_page(
    request: HttpRequest,
    *,
    organisation: Organisation,
    form: ExportPassphraseForm,
    description: str | Promise,
    filename: str,
    back_url: str,
) -> HttpResponse:
    """The export page: what the file holds, the passphrase, the download button.

    It posts back to its own URL with its query (the filters), so the file is what the
    list showed.
    """
    context = {
        "organisation": organisation,
        "form": form,
        "description": description,
        "filename": filename + FILE_EXTENSION,
        "back_url": back_url,
        "action": request.get_full_path(),
    }
    return render(request, "donations/export_confirm.html", context, status=200)
