"""Pages of the donations app: the program catalogue and campaigns (public and staff)."""

import uuid

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from safepassage.accounts.selectors import current_user
from safepassage.donations import actions, selectors
from safepassage.donations.access import (
    access_campaign,
    access_program,
    access_sponsor_match,
)
from safepassage.donations.errors import DonationsError
from safepassage.donations.forms import (
    CampaignForm,
    EndSponsorMatchForm,
    ProgramFactFormSet,
    ProgramForm,
    SponsorMatchForm,
)
from safepassage.donations.models import Campaign, SponsorMatch
from safepassage.site.access_policy import (
    public,
    recent_authentication_required,
    requires_permission,
    staff,
)
from safepassage.site.pagination import paginate

CATALOGUE = "travel.maintain_catalogue"
"""Program facts are shared catalogue data: only catalogue maintainers named by the operator
edit them, never an organisation role (decision 0017)."""


@public
@require_safe
def catalogue_view(request: HttpRequest) -> HttpResponse:
    programs = selectors.list_catalogue_programs()
    return render(request, "donations/catalogue.html", {"programs": programs})


@staff
@require_safe
def program_facts_view(request: HttpRequest) -> HttpResponse:
    can_edit = current_user(request).has_perm(CATALOGUE)
    programs = selectors.list_programs_with_facts()
    return render(
        request, "donations/program_facts.html", {"programs": programs, "can_edit": can_edit}
    )


@requires_permission(CATALOGUE)
@recent_authentication_required
@require_http_methods(["GET", "HEAD", "POST"])
def program_edit_view(request: HttpRequest, program_code: str) -> HttpResponse:
    user = current_user(request)
    program = access_program(user=user, program_code=program_code, permission=CATALOGUE)
    form = ProgramForm(request.POST or None, instance=program, prefix="program")
    facts = ProgramFactFormSet(
        request.POST or None, queryset=program.facts.order_by("topic", "pk"), prefix="facts"
    )
    if request.method == "POST" and form.is_valid() and facts.is_valid():
        actions.do_update_program(
            actor=user, program=program, program_form=form, fact_formset=facts
        )
        messages.success(request, _("Program saved."))
        return redirect("donations:program_facts")
    return render(
        request, "donations/program_edit.html", {"program": program, "form": form, "facts": facts}
    )


@public
@require_safe
def campaign_list_view(request: HttpRequest) -> HttpResponse:
    campaigns = paginate(request, selectors.list_published_campaigns())
    return render(request, "donations/campaign_list.html", {"campaigns": campaigns})


@public
@require_safe
def campaign_view(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = selectors.get_published_campaign(slug=slug)
    totals = selectors.get_campaign_totals(campaign=campaign)
    context = {
        "campaign": campaign,
        "totals": totals,
        "money_progress": selectors.progress_towards(
            raised=totals.money_total.amount, goal=campaign.goal_money
        ),
        "miles_progress": selectors.progress_towards(
            raised=totals.miles_pledged, goal=campaign.goal_miles
        ),
        "pledge_url": selectors.get_pledge_url(campaign_slug=campaign.slug),
    }
    return render(request, "donations/campaign.html", context)


def _cover_response(campaign: Campaign) -> FileResponse:
    if not campaign.cover_image:
        raise Http404
    response = FileResponse(
        campaign.cover_image.open("rb"), content_type=campaign.cover_content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


@public
@require_safe
def campaign_cover_view(request: HttpRequest, slug: str) -> FileResponse:
    return _cover_response(selectors.get_published_campaign(slug=slug))


@requires_permission("donations.change_campaign")
@require_safe
def campaign_cover_preview_view(request: HttpRequest, campaign_id: uuid.UUID) -> FileResponse:
    campaign = access_campaign(
        user=current_user(request), campaign_id=campaign_id, permission="donations.change_campaign"
    )
    return _cover_response(campaign)


@requires_permission("donations.view_campaign")
@require_safe
def manage_campaigns_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    organisations = selectors.list_organisations_permitting(
        user=user, permission="donations.view_campaign"
    )
    campaigns = paginate(
        request,
        selectors.list_campaigns_for_organisations(
            organisation_ids=[organisation.pk for organisation in organisations]
        ),
    )
    can_add = bool(user.has_perm("donations.add_campaign"))
    return render(
        request, "donations/manage_campaigns.html", {"campaigns": campaigns, "can_add": can_add}
    )


def _save_campaign(request: HttpRequest, *, campaign: Campaign | None) -> HttpResponse:
    """Shared body of the create and edit pages (one form, one action each)."""
    user = current_user(request)
    permission = "donations.change_campaign" if campaign else "donations.add_campaign"
    organisations = selectors.list_organisations_permitting(user=user, permission=permission)
    initial = CampaignForm.initial_for(campaign) if campaign else None
    form = CampaignForm(
        request.POST or None, request.FILES or None, organisations=organisations, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            details = form.details()
            organisation = form.cleaned_data["organisation"]
            actions.check_save_campaign(
                actor=user, organisation=organisation, details=details, campaign=campaign
            )
            cover = form.cleaned_data["cover"]  # re-encoded by the form
            beneficiaries = list(form.cleaned_data["beneficiaries"])
            if campaign is None:
                campaign = actions.do_create_campaign(
                    actor=user,
                    organisation=organisation,
                    details=details,
                    beneficiaries=beneficiaries,
                    cover=cover,
                )
            else:
                actions.do_update_campaign(
                    actor=user,
                    campaign=campaign,
                    details=details,
                    beneficiaries=beneficiaries,
                    cover=cover,
                )
        except DonationsError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("donations:campaign_edit", campaign_id=campaign.public_id)
    return render(request, "donations/campaign_form.html", {"form": form, "campaign": campaign})


@requires_permission("donations.add_campaign")
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_create_view(request: HttpRequest) -> HttpResponse:
    return _save_campaign(request, campaign=None)


@requires_permission("donations.change_campaign")
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_edit_view(request: HttpRequest, campaign_id: uuid.UUID) -> HttpResponse:
    campaign = access_campaign(
        user=current_user(request), campaign_id=campaign_id, permission="donations.change_campaign"
    )
    return _save_campaign(request, campaign=campaign)


@requires_permission("donations.change_campaign")
@require_http_methods(["POST"])
def campaign_publish_view(request: HttpRequest, campaign_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    campaign = access_campaign(
        user=user, campaign_id=campaign_id, permission="donations.change_campaign"
    )
    publish = request.POST.get("publish") == "1"
    actions.do_set_campaign_published(actor=user, campaign=campaign, published=publish)
    messages.success(request, _("Campaign published.") if publish else _("Campaign unpublished."))
    return redirect("donations:campaign_edit", campaign_id=campaign.public_id)


@requires_permission("donations.change_campaign")
@require_http_methods(["GET", "HEAD", "POST"])
def sponsor_match_add_view(request: HttpRequest, campaign_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    campaign = access_campaign(
        user=user, campaign_id=campaign_id, permission="donations.change_campaign"
    )
    form = SponsorMatchForm(request.POST or None, currency=campaign.goal_currency)
    if request.method == "POST" and form.is_valid():
        actions.do_add_sponsor_match(actor=user, campaign=campaign, **form.cleaned_data)
        messages.success(request, _("Sponsor match added."))
        return redirect("donations:campaign_edit", campaign_id=campaign.public_id)
    return render(
        request, "donations/sponsor_match_form.html", {"form": form, "campaign": campaign}
    )


@requires_permission("donations.change_campaign")
@require_http_methods(["POST"])
def sponsor_match_remove_view(
    request: HttpRequest, campaign_id: uuid.UUID, match_id: uuid.UUID
) -> HttpResponse:
    user = current_user(request)
    campaign = access_campaign(
        user=user, campaign_id=campaign_id, permission="donations.change_campaign"
    )
    try:
        if not actions.do_remove_sponsor_match(actor=user, campaign=campaign, match_id=match_id):
            raise Http404
    except DonationsError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Sponsor match removed."))
    return redirect("donations:campaign_edit", campaign_id=campaign.public_id)


@requires_permission("donations.change_campaign")
@require_http_methods(["GET", "HEAD", "POST"])
def sponsor_match_edit_view(
    request: HttpRequest, campaign_id: uuid.UUID, match_id: uuid.UUID
) -> HttpResponse:
    user = current_user(request)
    match = access_sponsor_match(
        user=user,
        campaign_id=campaign_id,
        match_id=match_id,
        permission="donations.change_campaign",
    )
    form = SponsorMatchForm(
        request.POST or None, initial=SponsorMatchForm.initial_for(match), currency=match.currency
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_sponsor_match(
                actor=user, match=match, terms=form.terms(), today=timezone.localdate()
            )
        except DonationsError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Sponsor match saved."))
            return redirect("donations:campaign_edit", campaign_id=campaign_id)
    return render(request, "donations/sponsor_match_edit.html", _match_page(match, form=form))


@requires_permission("donations.change_campaign")
@require_http_methods(["POST"])
def sponsor_match_end_view(
    request: HttpRequest, campaign_id: uuid.UUID, match_id: uuid.UUID
) -> HttpResponse:
    user = current_user(request)
    match = access_sponsor_match(
        user=user,
        campaign_id=campaign_id,
        match_id=match_id,
        permission="donations.change_campaign",
    )
    end_form = EndSponsorMatchForm(request.POST)
    if end_form.is_valid():
        try:
            actions.do_end_sponsor_match(
                actor=user,
                match=match,
                ends_on=end_form.cleaned_data["ends_on"],
                today=timezone.localdate(),
            )
        except DonationsError as error:
            end_form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Sponsor match ended."))
            return redirect("donations:campaign_edit", campaign_id=campaign_id)
    context = _match_page(
        match,
        form=SponsorMatchForm(initial=SponsorMatchForm.initial_for(match), currency=match.currency),
    )
    # error_form: base.html lists this form's mistakes first and says "Error:" in the title
    context |= {"end_form": end_form, "error_form": end_form}
    return render(request, "donations/sponsor_match_edit.html", context)


def _match_page(match: SponsorMatch, *, form: SponsorMatchForm) -> dict[str, object]:
    return {
        "match": match,
        "campaign": match.campaign,
        "form": form,
        "end_form": EndSponsorMatchForm(initial={"ends_on": timezone.localdate()}),
        "matched": selectors.get_matched(match=match),
        "is_ended": match.ends_on is not None and match.ends_on < timezone.localdate(),
    }
