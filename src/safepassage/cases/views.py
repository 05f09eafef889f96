"""Staff case pages: triage queue, new case, the case, its workflow, notes, household, tasks,
documents and referrals, "my tasks", and an organisation's retention rules.

Thin views: parse a form, call one access/action/selector, render or redirect. Every case is
fetched through ``access_case``; writes that touch sealed data need the signed-in user's
unlocked keys (``accounts.key_session``).
"""

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.decorators import decorator_from_middleware
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from safepassage.accounts.key_session import load_private_key
from safepassage.accounts.models import User
from safepassage.accounts.selectors import current_user
from safepassage.cases import (
    actions,
    attention_actions,
    document_actions,
    referral_actions,
    retention_actions,
    selectors,
    task_actions,
)
from safepassage.cases.access import (
    access_case,
    access_case_attention,
    access_case_document,
    access_case_task,
    access_received_referral,
    access_sent_referral,
    reaching_organisations,
)
from safepassage.cases.document_storage import EncryptedUpload, EncryptingUploadHandler
from safepassage.cases.errors import CaseOpenLimitReached, CasesError, KeysLocked
from safepassage.cases.forms import (
    CaseForm,
    CaseMemberForm,
    ConfirmForm,
    DismissAttentionForm,
    DocumentForm,
    HouseholdMemberForm,
    NoteForm,
    ReferralForm,
    RetentionForm,
    TaskForm,
    TransitionForm,
    WorkflowFieldsForm,
)
from safepassage.cases.models import FINAL_STATES, Case, RetentionRule
from safepassage.core.crypto import KeyPair
from safepassage.organisations.access import access_organisation
from safepassage.site.access_policy import recent_authentication_required, requires_permission
from safepassage.site.csrf import NoReferrerCsrfViewMiddleware
from safepassage.site.pagination import paginate

REMOVED_WITHOUT_ROTATION = gettext_lazy(
    "Removed. Some of the keys they held could not be renewed now (your keys are not "
    "unlocked in this session, or you do not hold them), so a copy they kept could still open "
    "what is written to the case until an administrator runs safepassage rotate-keys for it."
)


def _keys(request: HttpRequest, user: User) -> KeyPair:
    key_pair = load_private_key(request=request, user=user)
    if key_pair is None:
        raise KeysLocked
    return key_pair


def _form_page(
    request: HttpRequest,
    *,
    title: str,
    case: object,
    form: object,
    on_case: bool = True,
    confirm: bool = False,
) -> HttpResponse:
    """A form about ``case``; ``on_case=False`` when the user is not on it yet (taking a
    request), so the page links to the queue rather than to a case page answering 404.
    ``confirm=True`` for a confirmation page: its button says what it does (the title)."""
    return render(
        request,
        "cases/case_form.html",
        {
            "title": title,
            "case": case,
            "form": form,
            "on_case": on_case,
            "submit_label": title if confirm else None,
        },
    )


@requires_permission("cases.view_case")
@require_safe
def queue_view(request: HttpRequest) -> HttpResponse:
    """What needs the user's attention, the triage queue (new requests by priority and
    risk) and the user's own cases."""
    user = current_user(request)
    return render(
        request,
        "cases/queue.html",
        {
            "attention": selectors.list_my_attention(user=user),
            "queue": paginate(
                request, selectors.list_triage_queue(user=user), parameter="queue_page"
            ),
            "mine": paginate(request, selectors.list_my_cases(user=user), parameter="mine_page"),
            "referrals": selectors.list_received_referrals(user=user),
            "retention": selectors.list_retention_organisations(user=user),
            "can_add": bool(selectors.list_case_organisations(user=user)),
        },
    )


@requires_permission("cases.add_case")
@require_http_methods(["GET", "HEAD", "POST"])
def create_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = CaseForm(
        request.POST or None, organisations=selectors.list_case_organisations(user=user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = access_organisation(
            user=user, organisation_id=uuid.UUID(data["organisation"]), permission="cases.add_case"
        )
        try:
            actions.check_create_case(actor=user, organisation=organisation)
            case = actions.do_create_case(
                actor=user,
                organisation=organisation,
                details=actions.CaseDetails(
                    full_name=data["full_name"],
                    other_names=data["other_names"],
                    contact=data["contact"],
                    current_location=data["current_location"],
                    story=data["story"],
                ),
                workflow=actions.WorkflowFields(
                    priority=data["priority"],
                    risk=data["risk"],
                    origin=data["origin"],
                    destination=data["destination"],
                ),
            )
        except CasesError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("cases:detail", case_id=case.public_id)
    return _form_page(request, title=_("New case"), case=None, form=form)


def case_open_refusal(request: HttpRequest, *, user: User, case: Case) -> HttpResponse | None:
    """SR-29: the 429 page (audited) when ``case`` would be one different case too many for
    ``user`` this hour; None to go on. For every page that decrypts a case."""
    try:
        actions.check_case_open_allowed(user=user, case=case)
    except CaseOpenLimitReached as error:
        actions.do_record_case_open_refused(actor=user, case=case)
        response = render(request, "site/rate_limited.html", {"message": error.message}, status=429)
        response["Retry-After"] = str(int(actions.CASE_OPEN_WINDOW.total_seconds()))
        return response
    return None


@requires_permission("cases.view_case")
@require_http_methods(["GET"])
def detail_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The case, decrypted with the reader's own keys; every opening is audited."""
    user = current_user(request)
    case = access_case(user=user, case_id=case_id, permission="cases.view_case")
    if (refusal := case_open_refusal(request, user=user, case=case)) is not None:
        return refusal
    key_pair = load_private_key(request=request, user=user)
    contents = None
    if key_pair is not None:
        contents = selectors.read_case_contents(case=case, user=user, key_pair=key_pair)
    actions.do_record_case_view(actor=user, case=case, decrypted=contents is not None)
    role = actions.role_in(user=user, organisation=case.organisation)
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "attention": selectors.list_case_attention(case=case, user=user),
            "contents": contents,
            "members": selectors.list_case_members(case=case),
            "targets": selectors.available_targets(case=case, role=role),
            "can_change": any(
                user.has_perm("cases.change_case", organisation)
                for organisation in reaching_organisations(case)
            ),
            "can_manage": user.has_perm("cases.manage_case_members", case.organisation),
            "household_open": case.state not in actions.HOUSEHOLD_CLOSED_STATES,
        },
    )


@requires_permission("cases.change_case")
@require_http_methods(["GET", "HEAD", "POST"])
def transition_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    case = access_case(user=user, case_id=case_id, permission="cases.change_case")
    role = actions.role_in(user=user, organisation=case.organisation)
    targets = selectors.available_targets(case=case, role=role)
    form = TransitionForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        target, reason = form.cleaned_data["target"], form.cleaned_data["reason"]
        try:
            actions.check_transition_case(actor=user, case=case, target=target, reason=reason)
            actions.do_transition_case(
                actor=user, key_pair=_keys(request, user), case=case, target=target, reason=reason
            )
        except CasesError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("cases:detail", case_id=case.public_id)
    return _form_page(request, title=_("Change the state"), case=case, form=form)


@requires_permission("cases.change_case")
@require_http_methods(["GET", "HEAD", "POST"])
def note_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    case = access_case(user=user, case_id=case_id, permission="cases.change_case")
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_add_note(
                actor=user, key_pair=_keys(request, user), case=case, body=form.cleaned_data["body"]
            )
        except CasesError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("cases:detail", case_id=case.public_id)
    return _form_page(request, title=_("Add a note"), case=case, form=form)


@requires_permission("cases.change_case")
@require_http_methods(["GET", "HEAD", "POST"])
def household_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    case = access_case(user=user, case_id=case_id, permission="cases.change_case")
    form = HouseholdMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_add_household_member(
                actor=user, key_pair=_keys(request, user), case=case, **form.cleaned_data
            )
        except CasesError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("cases:detail", case_id=case.public_id)
    return _form_page(request, title=_("Add a household member"), case=case, form=form)


@requires_permission("cases.manage_case_members")
@recent_authentication_required
@require_http_methods(["GET", "HEAD", "POST"])
def add_member_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Put a colleague on the case: the group keys the actor holds are re-wrapped to them."""
    user = current_user(request)
    case = access_case(user=user, case_id=case_id, permission="cases.manage_case_members")
    form = CaseMemberForm(
        request.POST or None, colleagues=selectors.list_possible_case_members(case=case)
    )
    if request.method == "POST" and form.is_valid():
        member = User.objects.get(public_id=form.cleaned_data["member"])
        try:
            actions.check_add_case_member(case=case, member=member)
            actions.do_add_case_member(
                actor=user, key_pair=_keys(request, user), case=case, member=member
            )
        except CasesError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("cases:detail", case_id=case.public_id)
    return _form_page(request, title=_("Add a colleague to the case"), case=case, form=form)


@requires_permission("cases.manage_case_members")
@recent_authentication_required
@require_http_methods(["GET", "HEAD", "POST"])
def remove_member_view(
    request: HttpRequest, case_id: uuid.UUID, user_id: uuid.UUID
) -> HttpResponse:
    """Take a colleague off the case: their membership and wrapped keys are deleted."""
    user = current_user(request)
    case = access_case(user=user, case_id=case_id, permission="cases.manage_case_members")
    member = User.objects.filter(public_id=user_id, case_memberships__case=case).first()
    if member is None:
        raise Http404
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.check_remove_case_member(case=case, member=member)
        except CasesError as error:
            form.add_error(None, str(error.message))
        else:
            waiting = actions.do_remove_case_member(
                actor=user,
                case=case,
                member=member,
                key_pair=load_private_key(request=request, user=user),
            )
            if waiting:
                messages.warning(request, REMOVED_WITHOUT_ROTATION)
            return redirect("cases:detail", case_id=case.public_id)
    return _form_page(request, title=_("Remove from the case"), case=case, form=form, confirm=True)


@requires_permission("cases.triage_case")
@recent_authentication_required
@require_http_methods(["GET", "HEAD", "POST"])
def take_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Take a new request sealed to the case team (intake) and become its first caseworker."""
    user = current_user(request)
    case = access_case(user=user, case_id=case_id, permission="cases.triage_case")
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_take_case(actor=user, key_pair=_keys(request, user), case=case)
        except CasesError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("cases:detail", case_id=case.public_id)
    return _form_page(
        request, title=_("Take this request"), case=case, form=form, on_case=False, confirm=True
    )


@requires_permission("cases.change_case")
@require_http_methods(["GET", "HEAD", "POST"])
def workflow_fields_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Triage: set priority, risk and the origin and destination codes."""
    user = current_user(request)
    case = access_case(user=user, case_id=case_id, permission="cases.change_case")
    initial = {
        "priority": case.priority,
        "risk": case.risk,
        "origin": case.origin,
        "destination": case.destination,
    }
    form = WorkflowFieldsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.do_update_workflow_fields(
            actor=user, case=case, workflow=actions.WorkflowFields(**form.cleaned_data)
        )
        return redirect("cases:detail", case_id=case.public_id)
    return _form_page(request, title=_("Priority, risk and route"), case=case, form=form)


@requires_permission("cases.change_case")
@require_http_methods(["GET", "HEAD", "POST"])
def add_task_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Give a colleague on the case a task with a due day (text sealed, narrative key)."""
    user = current_user(request)
    case = access_case(user=user, case_id=case_id, permission="cases.change_case")
    form = TaskForm(request.POST or None, assignees=selectors.assignable_members(case=case))
    if request.method == "POST" and form.is_valid():
        assignee = User.objects.get(public_id=form.cleaned_data["assignee"])
        try:
            task_actions.check_add_task(case=case, assignee=assignee)
            task_actions.do_add_task(
                actor=user,
                key_pair=_keys(request, user),
                case=case,
                assignee=assignee,
                due_on=form.cleaned_data["due_on"],
                text=form.cleaned_data["text"],
            )
        except CasesError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("cases:detail", case_id=case.public_id)
    return _form_page(request, title=_("Add a task"), case=case, form=form)


@requires_permission("cases.change_case")
@require_http_methods(["GET", "HEAD", "POST"])
def complete_task_view(request: HttpRequest, task_id: uuid.UUID) -> HttpResponse:
    """Mark a task done (confirmed with a POST)."""
    user = current_user(request)
    task = access_case_task(user=user, task_id=task_id, permission="cases.change_case")
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            task_actions.do_complete_task(actor=user, task=task)
        except CasesError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("cases:detail", case_id=task.case.public_id)
    return _form_page(
        request, title=_("Mark the task done"), case=task.case, form=form, confirm=True
    )


@requires_permission("cases.view_case")
@require_http_methods(["GET", "HEAD", "POST"])
def dismiss_attention_view(request: HttpRequest, attention_id: uuid.UUID) -> HttpResponse:
    """The recipient dismisses a "needs attention" item once seen (confirmed with a POST)."""
    user = current_user(request)
    item = access_case_attention(user=user, attention_id=attention_id, permission="cases.view_case")
    form = DismissAttentionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            attention_actions.do_dismiss_attention(actor=user, item=item)
        except CasesError as error:
            form.add_error(None, str(error.message))
        else:
            if form.cleaned_data["back"] == "case":
                return redirect("cases:detail", case_id=item.case.public_id)
            return redirect("cases:queue")
    return _form_page(request, title=_("Dismiss this item"), case=None, form=form, confirm=True)


@requires_permission("cases.view_case")
@require_http_methods(["GET"])
def my_tasks_view(request: HttpRequest) -> HttpResponse:
    """The signed-in user's open tasks across their cases, soonest due first (audited)."""
    user = current_user(request)
    tasks = selectors.list_my_tasks(
        user=user, key_pair=load_private_key(request=request, user=user)
    )
    task_actions.do_record_task_list_view(
        actor=user, cases=list({item.case.pk: item.case for item in tasks if item.task}.values())
    )
    return render(request, "cases/my_tasks.html", {"tasks": tasks})


@csrf_exempt  # checked by csrf_protect below, after the encrypting upload handler is set
@requires_permission("cases.change_case")
@require_http_methods(["GET", "HEAD", "POST"])
def upload_document_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponseBase:
    """Upload a document: encrypted while it is received, never written in plaintext (SR-09).

    The case is fetched before the body is read, so nobody outside the case gets a byte
    stored; the CSRF check reads the body, so it runs only after the handler is in place.
    """
    request.upload_handlers = [EncryptingUploadHandler(request)]
    case = access_case(user=current_user(request), case_id=case_id, permission="cases.change_case")
    return _upload_document(request, case)


csrf_protect = decorator_from_middleware(NoReferrerCsrfViewMiddleware)
"""The site's CSRF check (which accepts ``Origin: null`` only with ``Sec-Fetch-Site:
same-origin``, decision 0002) as a decorator, for the one view that must set its upload
handler before the body is read."""


@csrf_protect
def _upload_document(request: HttpRequest, case: Case) -> HttpResponse:
    user = current_user(request)
    form = DocumentForm(request.POST or None, request.FILES or None)
    upload = request.FILES.get("document") if request.method == "POST" else None
    stored = False
    try:
        if form.is_valid() and isinstance(upload, EncryptedUpload):
            document_actions.check_upload_document(upload=upload)
            document_actions.do_upload_document(
                actor=user, key_pair=_keys(request, user), case=case, upload=upload
            )
            stored = True
            return redirect("cases:detail", case_id=case.public_id)
    except CasesError as error:
        form.add_error(None, str(error.message))
    finally:
        for uploaded in request.FILES.getlist("document") if request.method == "POST" else []:
            if isinstance(uploaded, EncryptedUpload) and not stored:
                uploaded.discard()
    return render(
        request,
        "cases/case_form.html",
        {"title": _("Upload a document"), "case": case, "form": form, "multipart": True},
    )


@requires_permission("cases.view_case")
@require_http_methods(["GET"])
def download_document_view(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    """Decrypt a document for its reader, as an attachment that no browser renders (audited)."""
    user = current_user(request)
    document = access_case_document(
        user=user, document_id=document_id, permission="cases.view_case"
    )
    if (refusal := case_open_refusal(request, user=user, case=document.case)) is not None:
        return refusal
    try:
        opened = selectors.open_document(
            document=document, user=user, key_pair=_keys(request, user)
        )
    except CasesError as error:
        return render(
            request, "cases/notice.html", {"case": document.case, "message": error.message}
        )
    document_actions.do_record_document_download(actor=user, document=document)
    response = HttpResponse(opened.content, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=opened.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requires_permission("cases.manage_case_members")
@recent_authentication_required
@require_http_methods(["GET", "HEAD", "POST"])
def refer_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Refer the case to a partner organisation with recorded consent (SR-28)."""
    user = current_user(request)
    case = access_case(user=user, case_id=case_id, permission="cases.manage_case_members")
    partners = referral_actions.list_partner_organisations(organisation=case.organisation)
    form = ReferralForm(
        request.POST or None,
        partners=[(str(partner.public_id), partner.name) for partner in partners],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        partner = next(p for p in partners if str(p.public_id) == data["to_organisation"])
        try:
            referral_actions.check_refer_case(case=case, to_organisation=partner)
            referral_actions.do_refer_case(
                actor=user,
                key_pair=_keys(request, user),
                case=case,
                to_organisation=partner,
                groups=form.shared_groups(),
                consent=form.consent(),
                sender_keeps_access=data["sender_keeps_access"],
                expires_on=data["expires_on"],
            )
        except CasesError as error:
            form.add_error(None, str(error.message))
        else:
            if data["sender_keeps_access"]:
                return redirect("cases:detail", case_id=case.public_id)
            return redirect("cases:queue")
    return _form_page(request, title=_("Refer to a partner organisation"), case=case, form=form)


@requires_permission("cases.triage_case")
@recent_authentication_required
@require_http_methods(["GET", "HEAD", "POST"])
def accept_referral_view(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    """A receiving case-team member accepts a referral and joins the case."""
    user = current_user(request)
    referral = access_received_referral(user=user, referral_id=referral_id)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            referral_actions.do_accept_referral(
                actor=user, key_pair=_keys(request, user), referral=referral
            )
        except CasesError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("cases:detail", case_id=referral.case.public_id)
    title = _("Accept case %(code)s, referred by %(organisation)s") % {
        "code": referral.case.code,
        "organisation": referral.from_organisation.name,
    }
    return _form_page(request, title=title, case=None, form=form, confirm=True)


@requires_permission("cases.manage_case_members")
@recent_authentication_required
@require_http_methods(["GET", "HEAD", "POST"])
def revoke_referral_view(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    """The referring side ends a referral: the partner's copies of the keys are deleted."""
    user = current_user(request)
    referral = access_sent_referral(user=user, referral_id=referral_id)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            referral_actions.check_revoke_referral(referral=referral)
            referral_actions.do_revoke_referral(
                actor=user, referral=referral, key_pair=load_private_key(request=request, user=user)
            )
        except CasesError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("cases:detail", case_id=referral.case.public_id)
    return _form_page(
        request, title=_("End this referral"), case=referral.case, form=form, confirm=True
    )


@requires_permission("cases.change_retentionrule")
@recent_authentication_required
@require_http_methods(["GET", "HEAD", "POST"])
def retention_view(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    """Set how many days finished cases are kept before they are crypto-shredded (SR-12)."""
    user = current_user(request)
    organisation = access_organisation(
        user=user, organisation_id=organisation_id, permission="cases.change_retentionrule"
    )
    form = RetentionForm(
        request.POST or None,
        states=[(state.value, str(state.label)) for state in FINAL_STATES],
        initial=dict(
            RetentionRule.objects.filter(organisation=organisation).values_list("state", "days")
        ),
    )
    if request.method == "POST" and form.is_valid():
        retention_actions.do_set_retention_rules(
            actor=user, organisation=organisation, days_by_state=form.cleaned_data
        )
        return redirect("cases:retention", organisation_id=organisation.public_id)
    return render(request, "cases/retention.html", {"organisation": organisation, "form": form})


@requires_permission("cases.change_case")
@require_http_methods(["GET", "HEAD", "POST"])
def delete_document_view(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    """Delete a document uploaded by mistake (confirmed with a POST; audited)."""
    user = current_user(request)
    document = access_case_document(
        user=user, document_id=document_id, permission="cases.change_case"
    )
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        document_actions.do_delete_document(actor=user, document=document)
        return redirect("cases:detail", case_id=document.case.public_id)
    return _form_page(
        request, title=_("Delete this document"), case=document.case, form=form, confirm=True
    )
