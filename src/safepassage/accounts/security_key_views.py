"""Security keys (WebAuthn): add and remove on the security page, sign in with one.

The browser ceremony needs JavaScript (``accounts/security-key.js``): it reads the options
from the form's ``data-webauthn-options`` attribute, asks the browser, and submits the
answer in the form's hidden ``credential`` field with the CSRF token like any form. No
``fetch``: the strict CSP (``default-src 'none'``, no ``connect-src``) stays as it is.
"""

import uuid

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.accounts.access import access_own_security_key
from safepassage.accounts.actions import do_record_login_step
from safepassage.accounts.errors import AccountsError, ReauthenticationLocked
from safepassage.accounts.forms import (
    AddSecurityKeyForm,
    SecurityKeyReauthenticationForm,
    SecurityKeySignInForm,
)
from safepassage.accounts.key_session import load_private_key, remember_private_key
from safepassage.accounts.models import User
from safepassage.accounts.security_key_actions import (
    check_add_security_key,
    check_security_key_reauthentication,
    check_security_key_sign_in,
    do_add_security_key,
    do_complete_security_key_sign_in,
    do_reauthenticate_with_security_key,
    do_remove_security_key,
    registration_options_json,
)
from safepassage.accounts.selectors import current_user, is_two_factor_verified
from safepassage.accounts.views import (
    KEY_FORM_ID,
    _next_url,
    end_locked_session,
    reauthentication_page,
    relative_next_url,
)
from safepassage.audit.actions import Outcome
from safepassage.core.crypto import KeyPair
from safepassage.site.access_policy import (
    password_verified,
    recent_authentication_required,
    staff,
)


@staff
@recent_authentication_required
@require_http_methods(["GET", "HEAD", "POST"])
def add_security_key_view(request: HttpRequest) -> HttpResponse:
    """Name a new security key and register it with the browser ceremony."""
    user = current_user(request)
    form = AddSecurityKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verified = check_add_security_key(
                request=request, user=user, credential=form.cleaned_data["credential"]
            )
            key_pair = load_private_key(request=request, user=user)
            do_add_security_key(user=user, name=form.cleaned_data["name"], verified=verified)
        except AccountsError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Your security key is added."))
            return _keep_this_session(request, user=user, key_pair=key_pair)
    try:
        options, problem = registration_options_json(request=request, user=user), None
    except AccountsError as error:
        options, problem = None, error.message
    context = {"form": form, "options": options, "problem": problem}
    return render(request, "accounts/add_security_key.html", context)


@staff
@recent_authentication_required
@require_http_methods(["GET", "HEAD", "POST"])
def remove_security_key_view(request: HttpRequest, key_id: uuid.UUID) -> HttpResponse:
    """Confirm, then remove one of the user's own security keys."""
    user = current_user(request)
    key = access_own_security_key(user=user, key_id=key_id)
    if request.method == "POST":
        key_pair = load_private_key(request=request, user=user)
        do_remove_security_key(user=user, key=key)
        messages.success(request, _("The security key is removed."))
        return _keep_this_session(request, user=user, key_pair=key_pair)
    return render(request, "accounts/remove_security_key.html", {"key": key})


def _keep_this_session(
    request: HttpRequest, *, user: User, key_pair: KeyPair | None
) -> HttpResponse:
    """After a two-factor change ended every session: this one stays, with its key."""
    update_session_auth_hash(request, user)
    response = redirect("accounts:security")
    if key_pair is not None:
        remember_private_key(request=request, response=response, user=user, key_pair=key_pair)
    return response


@password_verified
@require_POST
def security_key_sign_in_view(request: HttpRequest) -> HttpResponse:
    """Second step with a security key: the assertion the script posted."""
    user = current_user(request)
    if is_two_factor_verified(request):
        return redirect(_next_url(request))
    form = SecurityKeySignInForm(request.POST)
    credential = form.cleaned_data["credential"] if form.is_valid() else ""
    try:
        key = check_security_key_sign_in(request=request, user=user, credential=credential)
    except AccountsError as error:
        messages.error(request, str(error.message))
        query = urlencode({"next": _next_url(request)})
        return redirect(f"{reverse('accounts:two_factor')}?{query}")
    do_complete_security_key_sign_in(request=request, user=user, key=key)
    return redirect(_next_url(request))


@staff
@require_POST
def reauthenticate_with_security_key_view(request: HttpRequest) -> HttpResponse:
    """Confirm it is you with password and security key before a sensitive step (SR-23)."""
    user = current_user(request)
    form = SecurityKeyReauthenticationForm(request.POST, auto_id=KEY_FORM_ID)
    if form.is_valid():
        data = form.cleaned_data
        try:
            check_security_key_reauthentication(
                request=request, user=user, password=data["password"], credential=data["credential"]
            )
        except ReauthenticationLocked:
            do_record_login_step(
                user=user, step="reauthentication.password", outcome=Outcome.DENIED
            )
            return end_locked_session(request, user=user)
        except AccountsError as error:
            form.add_error(None, str(error.message))
        else:
            do_reauthenticate_with_security_key(request=request, user=user)
            return redirect(relative_next_url(request))
    return reauthentication_page(request, user=user, form=form)
