"""Staff sign-in (password, then authenticator code), enrolment, sessions, invitations."""

import math
import uuid
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.accounts import actions
from safepassage.accounts.access import access_colleague
from safepassage.accounts.errors import (
    AccountsError,
    EnrolmentCodeInvalid,
    InvitationForExistingAccount,
    InvitationInvalid,
    ReauthenticationLocked,
    ReauthenticationRefused,
    SessionAlreadyEnded,
    TwoFactorKeyMismatch,
)
from safepassage.accounts.forms import (
    ChangePasswordForm,
    EndSessionForm,
    EnrolmentCodeForm,
    EnrolmentForm,
    LoginForm,
    NewAccountForm,
    ReauthenticationForm,
    RecoveryResetForm,
    ReplaceColleagueKeysForm,
    ReplaceOwnKeysForm,
    SecondFactorForm,
    SecurityKeyReauthenticationForm,
)
from safepassage.accounts.key_session import (
    forget_private_key,
    load_private_key,
    remember_private_key,
)
from safepassage.accounts.middleware import mark_signed_in
from safepassage.accounts.models import Authenticator, User
from safepassage.accounts.security_key_actions import (
    authentication_options_json,
    reauthentication_options_json,
)
from safepassage.accounts.selectors import (
    current_user,
    has_confirmed_authenticator,
    is_two_factor_verified,
    list_own_sessions,
    list_security_keys,
)
from safepassage.accounts.throttling import remaining_lock
from safepassage.accounts.tokens import read_invitation_token
from safepassage.accounts.two_factor_reset_actions import (
    RESET_TWO_FACTOR,
    check_cancel_two_factor_reset,
    check_enrolment_code,
    check_reset_colleague_two_factor,
    do_accept_enrolment_code,
    do_cancel_two_factor_reset,
    do_record_failed_enrolment_code,
    do_reset_colleague_two_factor,
    may_enrol_authenticator,
    pending_two_factor_reset,
)
from safepassage.audit.actions import Outcome
from safepassage.cases.errors import CasesError, RecoveryResetRefused
from safepassage.cases.key_actions import (
    check_change_password,
    check_reset_password_with_recovery_key,
    do_change_password,
    do_reset_password_with_recovery_key,
    unlock_staff_keys,
)
from safepassage.cases.key_replacement_actions import (
    REPLACE_COLLEAGUE_KEYS,
    check_replace_colleague_key_pair,
    check_replace_own_key_pair,
    do_replace_colleague_key_pair,
    do_replace_own_key_pair,
)
from safepassage.cases.selectors import count_cases_held_beyond
from safepassage.site.access_policy import (
    password_verified,
    public,
    recent_authentication_required,
    requires_permission,
    staff,
)

RECOVERY_CODES_SESSION_KEY = "safepassage_new_recovery_codes"
KEY_FORM_ID = "id_key_%s"  # the key form's fields, apart from the code form's on one page
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("site:dashboard")


@public
@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """First step: e-mail and password."""
    if is_two_factor_verified(request):
        return redirect(_next_url(request))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        user = authenticate(request, username=email, password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            actions.do_record_failed_password(email=email, outcome=Outcome.DENIED)
            return locked_out(request, credentials={"username": email})
        if isinstance(user, User):
            login(request, user, backend="safepassage.accounts.backends.MembershipBackend")
            mark_signed_in(request)
            actions.do_record_login_step(user=user, step="password", outcome=Outcome.SUCCESS)
            key_pair = unlock_staff_keys(user=user, password=form.cleaned_data["password"])
            response = redirect(reverse("accounts:two_factor") + "?next=" + _next_url(request))
            if key_pair is not None:
                remember_private_key(
                    request=request, response=response, user=user, key_pair=key_pair
                )
            return response
        actions.do_record_failed_password(email=email)
        form.add_error(None, _("The e-mail address or the password is wrong."))
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page for a sign-in or re-authentication refused by the growing lock (SR-21):
    how long to wait, the same for an address that names no account. django-axes calls it
    too (``AXES_LOCKOUT_CALLABLE``) for any response to a locked request; a lock page a
    view already answered (with its own headers) stays as it is."""
    if original_response is not None and original_response.status_code == 429:
        return original_response
    email = str((credentials or {}).get("username") or request.POST.get("email") or "")
    minutes = max(1, math.ceil(remaining_lock(request=request, email=email).total_seconds() / 60))
    hours = math.ceil(minutes / 60) if minutes > 90 else 0
    context = {"minutes": minutes, "hours": hours}
    return render(request, "accounts/locked_out.html", context, status=429)


@password_verified
@require_http_methods(["GET", "HEAD", "POST"])
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """Second step: a code from the authenticator app or a single-use recovery code."""
    user = current_user(request)
    if is_two_factor_verified(request):
        return redirect(_next_url(request))
    if not has_confirmed_authenticator(user=user):
        return redirect("accounts:enrol")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = actions.check_second_factor(user=user, token=form.cleaned_data["code"])
        except TwoFactorKeyMismatch as error:  # fails closed, saying why (decision 0050)
            device, refusal = None, str(error.message)
        else:
            refusal = _("That code is not valid. Codes change every 30 seconds.")
        if device is not None:
            actions.do_complete_second_factor(request=request, user=user, device=device)
            return redirect(_next_url(request))
        actions.do_record_login_step(user=user, step="second_factor", outcome=Outcome.FAILURE)
        form.add_error("code", refusal)
    key_options = authentication_options_json(request=request, user=user)
    context = {"form": form, "next": _next_url(request), "security_key_options": key_options}
    return render(request, "accounts/two_factor.html", context)


def relative_next_url(request: HttpRequest) -> str:
    """The ``next`` parameter when it is a path on this site, else the dashboard."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if (
        candidate.startswith("/")
        and not candidate.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(candidate, allowed_hosts=set())
    ):
        return candidate
    return reverse("site:dashboard")


@staff
@require_http_methods(["GET", "HEAD", "POST"])
def reauthenticate_view(request: HttpRequest) -> HttpResponse:
    """Password and authenticator code again before a sensitive step (SR-23)."""
    user = current_user(request)
    form = ReauthenticationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.check_reauthentication(
                request=request, user=user, password=data["password"], code=data["code"]
            )
        except ReauthenticationLocked:
            actions.do_record_login_step(
                user=user, step="reauthentication.password", outcome=Outcome.DENIED
            )
            return end_locked_session(request, user=user)
        except ReauthenticationRefused as error:
            form.add_error(None, str(error.message))
        except TwoFactorKeyMismatch as error:
            form.add_error(None, str(error.message))
        else:
            actions.do_reauthenticate(request=request, user=user)
            return redirect(relative_next_url(request))
    return reauthentication_page(request, user=user, form=form)


def reauthentication_page(
    request: HttpRequest,
    *,
    user: User,
    form: ReauthenticationForm | SecurityKeyReauthenticationForm,
) -> HttpResponse:
    """The page to confirm it is you: with a security key when the user has one and it can
    work here (a new challenge each time), and with a code. ``form`` is the one sent, whose
    mistakes the page lists first."""
    code_form = form if isinstance(form, ReauthenticationForm) else ReauthenticationForm()
    key_form = (
        form
        if isinstance(form, SecurityKeyReauthenticationForm)
        else SecurityKeyReauthenticationForm(auto_id=KEY_FORM_ID)
    )
    context = {
        "form": form,
        "code_form": code_form,
        "key_form": key_form,
        "next": relative_next_url(request),
        "security_key_options": reauthentication_options_json(request=request, user=user),
    }
    return render(request, "accounts/reauthenticate.html", context)


def end_locked_session(request: HttpRequest, *, user: User) -> HttpResponse:
    """Too many failed re-authentications: this session ends, as a stolen one should."""
    email = user.email
    logout(request)
    response = locked_out(request, credentials={"username": email})
    forget_private_key(request=request, response=response)
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@password_verified
@require_http_methods(["GET", "POST"])
def enrol_view(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: QR code drawn here, then one code to confirm."""
    user = current_user(request)
    if has_confirmed_authenticator(user=user):
        return redirect("accounts:two_factor")
    if not may_enrol_authenticator(request=request, user=user):
        return redirect("accounts:enrolment_code")
    device = actions.do_start_totp_enrolment(user=user)
    form = EnrolmentForm(request.POST or None)
    try:
        if request.method == "POST" and form.is_valid():
            token = form.cleaned_data["code"].strip()
            if actions.check_confirm_totp_enrolment(user=user, device=device, token=token):
                result = actions.do_confirm_totp_enrolment(
                    request=request, user=user, device=device
                )
                request.session[RECOVERY_CODES_SESSION_KEY] = result.recovery_codes
                return redirect("accounts:recovery_codes")
            form.add_error("code", _("That code is not valid. Check the time on your phone."))
        context = {"form": form, "qr_svg": _qr_svg(device), "secret": _base32_secret(device)}
    except TwoFactorKeyMismatch as error:
        context = {"form": form, "qr_svg": "", "secret": "", "key_error": error.message}
    return render(request, "accounts/enrol.html", context)


@password_verified
@require_http_methods(["GET", "HEAD", "POST"])
def enrolment_code_view(request: HttpRequest) -> HttpResponse:
    """After a two-factor reset: the one-time code from the admin, before a new authenticator."""
    user = current_user(request)
    if pending_two_factor_reset(user=user) is None:
        return redirect("accounts:two_factor")
    if may_enrol_authenticator(request=request, user=user):
        return redirect("accounts:enrol")
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reset = check_enrolment_code(user=user, code=form.cleaned_data["code"])
            do_accept_enrolment_code(request=request, reset=reset)
        except EnrolmentCodeInvalid as error:
            do_record_failed_enrolment_code(user=user)
            form.add_error("code", str(error.message))
        else:
            return redirect("accounts:enrol")
    return render(request, "accounts/enrolment_code.html", {"form": form})


def _qr_svg(device: Authenticator) -> str:
    return str(
        segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#000", light="#fff")
    )


def _base32_secret(device: Authenticator) -> str:
    import base64

    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


@staff
@recent_authentication_required
@require_http_methods(["GET", "POST"])
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    """Show freshly issued recovery codes once; POST issues a new set."""
    user = current_user(request)
    if request.method == "GET":
        codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, [])
        return render(request, "accounts/recovery_codes.html", {"codes": codes})
    key_pair = load_private_key(request=request, user=user)
    codes = actions.do_regenerate_recovery_codes(user=user)
    update_session_auth_hash(request, user)  # this session stays; the others end (SR-22)
    response = render(request, "accounts/recovery_codes.html", {"codes": codes})
    if key_pair is not None:
        remember_private_key(request=request, response=response, user=user, key_pair=key_pair)
    return response


@staff
@require_http_methods(["GET", "HEAD", "POST"])
def security_view(request: HttpRequest) -> HttpResponse:
    """The signed-in user's two-factor status and sessions; POST ends one other session."""
    user = current_user(request)
    if request.method == "POST":
        form = EndSessionForm(request.POST)
        try:
            if not form.is_valid():
                raise SessionAlreadyEnded
            actions.do_end_own_session(
                user=user,
                handle=form.cleaned_data["session"],
                current_key=request.session.session_key,
            )
        except SessionAlreadyEnded as error:
            messages.info(request, str(error.message))
        else:
            messages.success(request, _("That session has ended."))
        return redirect("accounts:security")
    context = {
        "security_keys": list_security_keys(user=user),
        "sessions": list_own_sessions(user=user, current_key=request.session.session_key),
    }
    return render(request, "accounts/security.html", context)


@password_verified
@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    """Sign out of this browser (POST); GET asks for confirmation."""
    if request.method == "GET":
        return render(request, "accounts/logout.html")
    logout(request)
    response = redirect("site:home")
    forget_private_key(request=request, response=response)
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@staff
@require_POST
def logout_everywhere_view(request: HttpRequest) -> HttpResponse:
    """Sign out of every browser and device at once."""
    actions.do_log_out_everywhere(user=current_user(request))
    logout(request)
    response = redirect("site:home")
    forget_private_key(request=request, response=response)
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@public
@require_http_methods(["GET", "HEAD", "POST"])
def accept_invitation_view(request: HttpRequest, token: str) -> HttpResponse:
    """Join an organisation from an invitation link: new account, or existing member."""
    invitation_id = read_invitation_token(token)
    try:
        if invitation_id is None:
            raise InvitationInvalid
        invitation = actions.get_open_invitation(invitation_id=invitation_id)
        if is_two_factor_verified(request):
            if request.method == "POST":
                actions.do_accept_invitation_as_member(
                    invitation=invitation, user=current_user(request)
                )
                return redirect("site:dashboard")
            return render(request, "accounts/invitation_join.html", {"invitation": invitation})
        actions.check_accept_invitation_as_new_user(invitation=invitation)
    except InvitationForExistingAccount as error:
        return render(
            request,
            "accounts/invitation_problem.html",
            {"message": error.message, "sign_in": request.get_full_path()},
        )
    except AccountsError as error:
        return render(
            request, "accounts/invitation_problem.html", {"message": error.message}, status=404
        )
    form = NewAccountForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            account = actions.do_accept_invitation_as_new_user(
                invitation=invitation,
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password"],
            )
        except AccountsError as error:
            return render(
                request, "accounts/invitation_problem.html", {"message": error.message}, status=404
            )
        login(request, account.user, backend="safepassage.accounts.backends.MembershipBackend")
        mark_signed_in(request)
        # The personal recovery key is shown once, on this page, and stored nowhere.
        response = render(
            request,
            "accounts/personal_recovery_key.html",
            {"personal_recovery_key": account.personal_recovery_key},
        )
        remember_private_key(
            request=request, response=response, user=account.user, key_pair=account.key_pair
        )
        return response
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )


@staff
@recent_authentication_required
@require_http_methods(["GET", "HEAD", "POST"])
def change_password_view(request: HttpRequest) -> HttpResponse:
    """Change the password; the private key is re-wrapped under the new one (SR-06)."""
    user = current_user(request)
    form = ChangePasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        old, new = form.cleaned_data["old_password"], form.cleaned_data["new_password"]
        try:
            check_change_password(user=user, old_password=old)
            do_change_password(user=user, old_password=old, new_password=new)
        except CasesError as error:
            form.add_error("old_password", str(error.message))
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password is changed; your keys now open with it."))
            return redirect("accounts:security")
    return render(request, "accounts/change_password.html", {"form": form})


@public
@require_http_methods(["GET", "HEAD", "POST"])
def recover_with_key_view(request: HttpRequest) -> HttpResponse:
    """Forgotten password: the personal recovery key and an authenticator code set a new one.

    The same key pair opens again, so the user keeps their cases; every session ends. Any
    mismatch answers with one message, whether the account exists or not (SR-15).
    """
    form = RecoveryResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = check_reset_password_with_recovery_key(email=data["email"], code=data["code"])
            do_reset_password_with_recovery_key(
                user=user,
                personal_recovery_key=data["personal_recovery_key"],
                new_password=data["new_password"],
            )
        except CasesError:
            form.add_error(None, str(RecoveryResetRefused.message))
        else:
            messages.success(request, _("Your password is set. Sign in with it."))
            return redirect("accounts:login")
    return render(request, "accounts/recover_with_key.html", {"form": form})


@staff
@recent_authentication_required
@require_http_methods(["GET", "HEAD", "POST"])
def replace_keys_view(request: HttpRequest) -> HttpResponse:
    """Replace the signed-in user's key pair (a device lost, a key that may be exposed)."""
    user = current_user(request)
    form = ReplaceOwnKeysForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            key_pair = check_replace_own_key_pair(
                user=user,
                password=form.cleaned_data["password"],
                key_pair=load_private_key(request=request, user=user),
            )
            result = do_replace_own_key_pair(
                user=user, password=form.cleaned_data["password"], key_pair=key_pair
            )
        except CasesError as error:
            form.add_error(None, str(error.message))
        else:
            update_session_auth_hash(request, user)  # this session stays; the others end
            response = render(
                request,
                "accounts/keys_replaced.html",
                {"personal_recovery_key": result.personal_recovery_key, "result": result},
            )
            remember_private_key(
                request=request, response=response, user=user, key_pair=result.key_pair
            )
            return response
    return render(request, "accounts/replace_keys.html", {"form": form})


@requires_permission(REPLACE_COLLEAGUE_KEYS)
@recent_authentication_required
@require_http_methods(["GET", "HEAD", "POST"])
def replace_colleague_keys_view(request: HttpRequest, user_id: uuid.UUID) -> HttpResponse:
    """An organisation admin replaces a colleague's key pair (their device was lost)."""
    user = current_user(request)
    colleague = access_colleague(user=user, colleague_id=user_id, permission=REPLACE_COLLEAGUE_KEYS)
    form = ReplaceColleagueKeysForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            key_pair = check_replace_colleague_key_pair(
                actor=user, member=colleague, key_pair=load_private_key(request=request, user=user)
            )
            result = do_replace_colleague_key_pair(actor=user, member=colleague, key_pair=key_pair)
        except (CasesError, AccountsError) as error:
            form.add_error(None, str(error.message))
        else:
            return render(
                request,
                "accounts/colleague_keys_replaced.html",
                {"colleague": colleague, "result": result},
            )
    return render(
        request,
        "accounts/replace_colleague_keys.html",
        {
            "form": form,
            "colleague": colleague,
            "cases_not_held": count_cases_held_beyond(member=colleague, actor=user),
        },
    )


@requires_permission(RESET_TWO_FACTOR)
@recent_authentication_required
@require_http_methods(["GET", "HEAD", "POST"])
def reset_colleague_two_factor_view(request: HttpRequest, user_id: uuid.UUID) -> HttpResponse:
    """An organisation admin resets a colleague's lost authenticator and recovery codes."""
    user = current_user(request)
    colleague = access_colleague(user=user, colleague_id=user_id, permission=RESET_TWO_FACTOR)
    try:
        check_reset_colleague_two_factor(actor=user, member=colleague)
        if request.method == "POST":
            result = do_reset_colleague_two_factor(actor=user, member=colleague)
            context = {"colleague": colleague, "enrolment_code": result.enrolment_code}
            return render(request, "accounts/colleague_two_factor_reset.html", context)
    except AccountsError as error:
        context = {"colleague": colleague, "problem": error.message}
        return render(request, "accounts/reset_colleague_two_factor.html", context)
    context = {"colleague": colleague, "problem": None}
    return render(request, "accounts/reset_colleague_two_factor.html", context)


@requires_permission(RESET_TWO_FACTOR)
@recent_authentication_required
@require_http_methods(["GET", "HEAD", "POST"])
def cancel_colleague_two_factor_reset_view(
    request: HttpRequest, user_id: uuid.UUID
) -> HttpResponse:
    """An organisation admin cancels a colleague's pending two-factor reset: its enrolment
    code stops working at once (it went to the wrong person); they need a new reset."""
    user = current_user(request)
    colleague = access_colleague(user=user, colleague_id=user_id, permission=RESET_TWO_FACTOR)
    context: dict[str, Any] = {"colleague": colleague, "problem": None, "cancelled": False}
    try:
        context["reset"] = reset = check_cancel_two_factor_reset(actor=user, member=colleague)
        if request.method == "POST":
            do_cancel_two_factor_reset(actor=user, reset=reset)
            context["cancelled"] = True
    except AccountsError as error:
        context["problem"] = error.message
    return render(request, "accounts/cancel_colleague_two_factor_reset.html", context)
