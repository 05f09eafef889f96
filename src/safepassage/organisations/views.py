"""Staff pages of one organisation: overview, members, invitations."""

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from safepassage.accounts import actions as account_actions
from safepassage.accounts.errors import AccountsError
from safepassage.accounts.forms import InvitationForm
from safepassage.accounts.selectors import (
    current_user,
    list_members,
    list_open_invitations,
    list_pending_two_factor_resets,
)
from safepassage.organisations.access import access_organisation
from safepassage.organisations.selectors import list_work_links
from safepassage.site.access_policy import recent_authentication_required, requires_permission


@requires_permission("organisations.view_organisation")
@require_safe
def organisation_view(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    organisation = access_organisation(
        user=user, organisation_id=organisation_id, permission="organisations.view_organisation"
    )
    members = (
        list_members(organisation=organisation)
        if user.has_perm("accounts.view_membership", organisation)
        else None
    )
    can_invite = user.has_perm("accounts.add_invitation", organisation)
    can_replace_keys = user.has_perm("cases.change_staffkeypair", organisation)
    can_reset_two_factor = user.has_perm("accounts.add_twofactorreset", organisation)
    can_remove_members = user.has_perm("accounts.delete_membership", organisation)
    return render(
        request,
        "organisations/organisation.html",
        {
            "organisation": organisation,
            "members": members,
            "can_invite": can_invite,
            "can_replace_keys": can_replace_keys,
            "can_reset_two_factor": can_reset_two_factor,
            "can_remove_members": can_remove_members,
            "open_invitations": (
                list_open_invitations(organisation=organisation) if can_invite else None
            ),
            "pending_resets": (
                list_pending_two_factor_resets(organisation=organisation)
                if can_reset_two_factor
                else None
            ),
            "work_links": list_work_links(user=user, organisation=organisation),
        },
    )


@requires_permission("accounts.add_invitation")
@recent_authentication_required
@require_http_methods(["GET", "HEAD", "POST"])
def invite_view(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    organisation = access_organisation(
        user=user, organisation_id=organisation_id, permission="accounts.add_invitation"
    )
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_actions.check_invite_member(
                organisation=organisation, email=form.cleaned_data["email"]
            )
            account_actions.do_invite_member(
                inviter=user,
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except AccountsError as error:
            form.add_error("email", str(error.message))
        else:
            messages.success(request, _("Invitation sent. The link works once, for 7 days."))
            return redirect("organisations:detail", organisation_id=organisation.public_id)
    return render(
        request, "organisations/invite.html", {"organisation": organisation, "form": form}
    )
