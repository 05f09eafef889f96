"""An organisation admin removes a member from the organisation (``cases.member_removal_actions``).

Kept apart from ``views.py`` so the page and its action read together; thin like every view.
"""

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods

from safepassage.accounts import actions
from safepassage.accounts.access import access_invitation, access_membership
from safepassage.accounts.errors import AccountsError
from safepassage.accounts.forms import RemoveMemberForm
from safepassage.accounts.selectors import current_user
from safepassage.cases.member_removal_actions import check_remove_member, do_remove_member
from safepassage.site.access_policy import recent_authentication_required, requires_permission

REMOVE_MEMBERS = "accounts.delete_membership"
INVITE = "accounts.add_invitation"


@requires_permission(REMOVE_MEMBERS)
@recent_authentication_required
@require_http_methods(["GET", "HEAD", "POST"])
def remove_member_view(
    request: HttpRequest, organisation_id: uuid.UUID, user_id: uuid.UUID
) -> HttpResponse:
    user = current_user(request)
    membership = access_membership(
        user=user, organisation_id=organisation_id, member_id=user_id, permission=REMOVE_MEMBERS
    )
    form = RemoveMemberForm(request.POST or None)
    problem = None
    try:
        check_remove_member(actor=user, membership=membership)
        if request.method == "POST" and form.is_valid():
            result = do_remove_member(actor=user, membership=membership)
            messages.success(request, removed_message(result.cases_left))
            if result.codes_without_anyone:
                messages.warning(request, nobody_left_message(result.codes_without_anyone))
            return redirect("organisations:detail", organisation_id=organisation_id)
    except AccountsError as error:
        problem = error.message
    context = {"membership": membership, "form": form, "problem": problem}
    return render(request, "accounts/remove_member.html", context)


@requires_permission(INVITE)
@recent_authentication_required
@require_http_methods(["GET", "HEAD", "POST"])
def revoke_invitation_view(request: HttpRequest, invitation_id: uuid.UUID) -> HttpResponse:
    """An admin ends an open invitation (a wrong address, someone who will not join)."""
    user = current_user(request)
    invitation = access_invitation(user=user, invitation_id=invitation_id, permission=INVITE)
    back = redirect("organisations:detail", organisation_id=invitation.organisation.public_id)
    try:
        actions.check_revoke_invitation(invitation=invitation)
        if request.method == "POST":
            actions.do_revoke_invitation(actor=user, invitation=invitation)
            messages.success(request, gettext("Invitation revoked: its link no longer works."))
            return back
    except AccountsError as error:
        messages.warning(request, str(error.message))
        return back
    return render(request, "accounts/revoke_invitation.html", {"invitation": invitation})


def removed_message(cases_left: int) -> str:
    if not cases_left:
        return gettext("Removed. They were on no case of the organisation.")
    return ngettext(
        "Removed. They were taken off %(count)d case; its keys will be renewed by the next "
        "safepassage rotate-keys.",
        "Removed. They were taken off %(count)d cases; their keys will be renewed by the next "
        "safepassage rotate-keys.",
        cases_left,
    ) % {"count": cases_left}


def nobody_left_message(codes: list[str]) -> str:
    return ngettext(
        "Nobody works on case %(codes)s any more: only the organisation recovery key opens "
        "it now. Ask the operator to give it to a colleague.",
        "Nobody works on cases %(codes)s any more: only the organisation recovery key opens "
        "them now. Ask the operator to give them to a colleague.",
        len(codes),
    ) % {"codes": ", ".join(codes)}
