"""Staff pathway pages: the board, a country's page, and its edits.

Thin views: parse a form, call one access/action/selector, render or redirect. Pathways are
fetched through ``access_pathway``; cases through ``access_case``, or by case code through
``selectors.find_linkable_case`` (so a case is linked or unlinked only by someone working on
it). Contacts and notes never reach a public page.
"""

import uuid
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from safepassage.accounts.selectors import current_user
from safepassage.cases.access import access_case
from safepassage.organisations.access import access_organisation
from safepassage.pathways import actions, selectors
from safepassage.pathways.access import access_contact, access_pathway, access_visa_type
from safepassage.pathways.countries import country_name
from safepassage.pathways.errors import CaseCodeNotFound, PathwaysError
from safepassage.pathways.forms import (
    CaseCodeForm,
    ChoiceByIdForm,
    ContactForm,
    NewPathwayForm,
    PathwayForm,
    QuotaForm,
    VisaTypeForm,
)
from safepassage.pathways.models import Pathway
from safepassage.site.access_policy import requires_permission

VIEW, CHANGE, ADD = "pathways.view_pathway", "pathways.change_pathway", "pathways.add_pathway"
CHANGE_CASE = "cases.change_case"


def _form_page(
    request: HttpRequest, *, title: str, pathway: Pathway | None, form: Any
) -> HttpResponse:
    context = {"title": title, "pathway": pathway, "form": form}
    if pathway is not None:
        context["country"] = country_name(pathway.country)
    return render(request, "pathways/form.html", context)


@requires_permission(VIEW)
@require_safe
def board_view(request: HttpRequest) -> HttpResponse:
    """Every destination country of the user's organisations: stance, quota, cases waiting."""
    user = current_user(request)
    return render(
        request,
        "pathways/board.html",
        {
            "rows": selectors.list_board(user=user),
            "can_add": bool(selectors.list_pathway_organisations(user=user, permission=ADD)),
        },
    )


@requires_permission(ADD)
@require_http_methods(["GET", "HEAD", "POST"])
def create_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    organisations = selectors.list_pathway_organisations(user=user, permission=ADD)
    form = NewPathwayForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = access_organisation(
            user=user, organisation_id=uuid.UUID(data["organisation"]), permission=ADD
        )
        try:
            actions.check_create_pathway(organisation=organisation, country=data["country"])
        except PathwaysError as error:
            form.add_error(None, str(error.message))
        else:
            pathway = actions.do_create_pathway(
                actor=user,
                organisation=organisation,
                country=data["country"],
                stance=data["stance"],
                notes=data["notes"],
            )
            return redirect("pathways:detail", pathway_id=pathway.public_id)
    return _form_page(request, title=_("New country pathway"), pathway=None, form=form)


@requires_permission(VIEW)
@require_safe
def detail_view(request: HttpRequest, pathway_id: uuid.UUID) -> HttpResponse:
    """A country's board: stance, notes, quotas, visa types, contacts and waiting cases."""
    user = current_user(request)
    pathway = access_pathway(user=user, pathway_id=pathway_id, permission=VIEW)
    can_change = user.has_perm(CHANGE, pathway.organisation)
    return render(
        request,
        "pathways/detail.html",
        {
            "detail": selectors.get_pathway_detail(pathway=pathway),
            "can_change": can_change,
            "link_form": CaseCodeForm() if can_change else None,
            "my_case_ids": selectors.list_my_case_ids(user=user, pathway=pathway),
        },
    )


@requires_permission(CHANGE)
@require_http_methods(["GET", "HEAD", "POST"])
def edit_view(request: HttpRequest, pathway_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    pathway = access_pathway(user=user, pathway_id=pathway_id, permission=CHANGE)
    initial = {"stance": pathway.stance, "notes": selectors.get_pathway_notes(pathway=pathway)}
    form = PathwayForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.do_update_pathway(actor=user, pathway=pathway, **form.cleaned_data)
        return redirect("pathways:detail", pathway_id=pathway.public_id)
    return _form_page(request, title=_("Edit the pathway"), pathway=pathway, form=form)


@requires_permission(CHANGE)
@require_http_methods(["GET", "HEAD", "POST"])
def add_contact_view(request: HttpRequest, pathway_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    pathway = access_pathway(user=user, pathway_id=pathway_id, permission=CHANGE)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = actions.ContactDetails(
            name=data["name"], affiliation=data["affiliation"], reach=data["reach"]
        )
        actions.do_add_contact(actor=user, pathway=pathway, kind=data["kind"], details=details)
        return redirect("pathways:detail", pathway_id=pathway.public_id)
    return _form_page(request, title=_("Add a contact"), pathway=pathway, form=form)


@requires_permission(CHANGE)
@require_http_methods(["GET", "HEAD", "POST"])
def remove_contact_view(
    request: HttpRequest, pathway_id: uuid.UUID, contact_id: uuid.UUID
) -> HttpResponse:
    user = current_user(request)
    contact = access_contact(
        user=user, pathway_id=pathway_id, contact_id=contact_id, permission=CHANGE
    )
    if request.method == "POST":
        actions.do_remove_contact(actor=user, contact=contact)
        return redirect("pathways:detail", pathway_id=pathway_id)
    return _form_page(request, title=_("Remove this contact"), pathway=contact.pathway, form=None)


@requires_permission(CHANGE)
@require_http_methods(["GET", "HEAD", "POST"])
def add_visa_type_view(request: HttpRequest, pathway_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    pathway = access_pathway(user=user, pathway_id=pathway_id, permission=CHANGE)
    form = VisaTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.do_add_visa_type(actor=user, pathway=pathway, **form.cleaned_data)
        return redirect("pathways:detail", pathway_id=pathway.public_id)
    return _form_page(request, title=_("Add a visa type"), pathway=pathway, form=form)


@requires_permission(CHANGE)
@require_http_methods(["GET", "HEAD", "POST"])
def remove_visa_type_view(
    request: HttpRequest, pathway_id: uuid.UUID, visa_type_id: uuid.UUID
) -> HttpResponse:
    user = current_user(request)
    visa_type = access_visa_type(
        user=user, pathway_id=pathway_id, visa_type_id=visa_type_id, permission=CHANGE
    )
    if request.method == "POST":
        actions.do_remove_visa_type(actor=user, visa_type=visa_type)
        return redirect("pathways:detail", pathway_id=pathway_id)
    return _form_page(
        request, title=_("Remove this visa type"), pathway=visa_type.pathway, form=None
    )


@requires_permission(CHANGE)
@require_http_methods(["GET", "HEAD", "POST"])
def quota_view(request: HttpRequest, pathway_id: uuid.UUID) -> HttpResponse:
    """Set the places offered in a year and how many are used."""
    user = current_user(request)
    pathway = access_pathway(user=user, pathway_id=pathway_id, permission=CHANGE)
    form = QuotaForm(request.POST or None, initial=selectors.current_quota_initial(pathway=pathway))
    if request.method == "POST" and form.is_valid():
        try:
            actions.check_set_quota(
                total=form.cleaned_data["total"], used=form.cleaned_data["used"]
            )
        except PathwaysError as error:
            form.add_error(None, str(error.message))
        else:
            actions.do_set_quota(actor=user, pathway=pathway, **form.cleaned_data)
            return redirect("pathways:detail", pathway_id=pathway.public_id)
    return _form_page(request, title=_("Set a quota"), pathway=pathway, form=form)


@requires_permission(CHANGE)
@require_http_methods(["GET", "HEAD", "POST"])
def link_case_view(request: HttpRequest, pathway_id: uuid.UUID) -> HttpResponse:
    """Put one of the user's cases on the pathway's waiting list, found by its case code."""
    user = current_user(request)
    pathway = access_pathway(user=user, pathway_id=pathway_id, permission=CHANGE)
    form = CaseCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            case = selectors.find_linkable_case(user=user, pathway=pathway, code=code)
            if case is None:
                raise CaseCodeNotFound
            actions.check_link_case(case=case, pathway=pathway)
            actions.do_link_case(actor=user, case=case, pathway=pathway)
        except PathwaysError as error:
            form.add_error("code", str(error.message))
        else:
            return redirect("pathways:detail", pathway_id=pathway.public_id)
    return _form_page(request, title=_("Link a case"), pathway=pathway, form=form)


@requires_permission(CHANGE)
@require_http_methods(["GET", "HEAD", "POST"])
def unlink_case_view(
    request: HttpRequest, pathway_id: uuid.UUID, case_id: uuid.UUID
) -> HttpResponse:
    """Take a case off the waiting list; ``?from=case`` returns to the case's pathways."""
    user = current_user(request)
    pathway = access_pathway(user=user, pathway_id=pathway_id, permission=CHANGE)
    case = access_case(user=user, case_id=case_id, permission=CHANGE_CASE)
    try:
        actions.check_unlink_case(case=case, pathway=pathway)
    except PathwaysError:
        raise Http404 from None
    if request.method == "POST":
        try:
            actions.do_unlink_case(actor=user, case=case, pathway=pathway)
        except PathwaysError:
            raise Http404 from None
        if request.GET.get("from") == "case":
            return redirect("pathways:case_pathways", case_id=case.public_id)
        return redirect("pathways:detail", pathway_id=pathway.public_id)
    return _form_page(
        request, title=_("Unlink case %(code)s") % {"code": case.code}, pathway=pathway, form=None
    )


@requires_permission(CHANGE)
@require_http_methods(["GET", "HEAD", "POST"])
def case_pathways_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """From the case's side: the countries it waits on, and a form to link one more."""
    user = current_user(request)
    case = access_case(user=user, case_id=case_id, permission=CHANGE_CASE)
    if not user.has_perm(CHANGE, case.organisation):
        raise Http404
    choices = selectors.list_linkable_pathway_choices(case=case)
    form = ChoiceByIdForm(request.POST or None, choices=choices, label=_("Country"))
    if request.method == "POST" and form.is_valid():
        pathway_id = uuid.UUID(form.cleaned_data["choice"])
        pathway = access_pathway(user=user, pathway_id=pathway_id, permission=CHANGE)
        try:
            actions.check_link_case(case=case, pathway=pathway)
            actions.do_link_case(actor=user, case=case, pathway=pathway)
        except PathwaysError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("pathways:case_pathways", case_id=case.public_id)
    return render(
        request,
        "pathways/case_pathways.html",
        {
            "case": case,
            "pathways": selectors.list_case_pathways(case=case),
            "countries": selectors.acceptable_destination_countries(case=case),
            "form": form,
        },
    )
