"""Travel pages: route search, who can book what, and a case's travel requests.

Thin views: parse a form, call one access/action/selector, render or redirect. Travel
requests are fetched only through ``travel.access`` (which goes through ``access_case``).
"""

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from safepassage.accounts.key_session import load_private_key
from safepassage.accounts.selectors import current_user
from safepassage.cases.access import access_case
from safepassage.cases.views import case_open_refusal
from safepassage.pathways.selectors import acceptable_destination_countries
from safepassage.site.access_policy import recent_authentication_required, requires_permission
from safepassage.site.pagination import paginate
from safepassage.travel import actions, selectors
from safepassage.travel.access import (
    access_catalogue_row,
    access_chart_program,
    access_fare_price,
    access_travel_fare,
    access_travel_option,
    access_travel_request,
)
from safepassage.travel.errors import TravelError
from safepassage.travel.forms import (
    AllianceMembershipForm,
    AwardChartForm,
    CashRuleFormSet,
    ChartBandFormSet,
    ChartZoneFormSet,
    ChartZonePriceFormSet,
    FareCashForm,
    GenerateOptionsForm,
    ManualOptionForm,
    ProgramCarrierForm,
    QuoteForm,
    RequestStateForm,
    RouteSearchForm,
    TravelRequestForm,
)
from safepassage.travel.models import AwardChart, ProgramCarrier
from safepassage.travel.route_search import RouteQuery, search_routes

VIEW = "travel.view_travelrequest"
ADD = "travel.add_travelrequest"
CHANGE = "travel.change_travelrequest"
SEARCH = "travel.search_routes"
CATALOGUE = "travel.maintain_catalogue"
"""Instance-level: no organisation role grants it (decision 0017)."""


def _form_page(
    request: HttpRequest, *, title: str, form: object, back: str, travel_request: object = None
) -> HttpResponse:
    return render(
        request,
        "travel/form.html",
        {"title": title, "form": form, "back": back, "travel_request": travel_request},
    )


def _request_details(data: dict[str, Any]) -> actions.RequestDetails:
    return actions.RequestDetails(
        traveller_ids=data["travellers"],
        origin=data["origin"],
        destinations=data["all_destinations"],
        earliest_departure=data["earliest_departure"],
        latest_departure=data["latest_departure"],
        max_connections=data["max_connections"],
        minimum_connection_minutes=data["minimum_connection_minutes"],
    )


@requires_permission(VIEW)
@require_safe
def home_view(request: HttpRequest) -> HttpResponse:
    """The cases in "travel planned" the user works on, with their travel requests."""
    user = current_user(request)
    return render(
        request,
        "travel/home.html",
        {
            "cases": paginate(request, selectors.list_travel_planned_cases(user=user)),
            "can_search": user.has_perm(SEARCH),
            # Asked once: a permission check per row costs a query per case.
            "can_plan": user.has_perm("travel.add_travelrequest"),
        },
    )


@requires_permission(SEARCH)
@require_http_methods(["GET", "HEAD", "POST"])
def search_view(request: HttpRequest) -> HttpResponse:
    """Route finder: itineraries with tickets, self-transfers and per-program prices.

    The query is POSTed and answered on the POST response, so origin, destinations and
    excluded countries never sit in a URL (browser history, proxy logs; SR-31).
    """
    form = RouteSearchForm(request.POST if request.method == "POST" else None)
    itineraries = None
    if form.is_valid():
        data = form.cleaned_data
        airports, countries = data["destinations"]
        try:
            itineraries = search_routes(
                query=RouteQuery(
                    origin=data["origin"],
                    destination_airports=frozenset(airports),
                    destination_countries=frozenset(countries),
                    max_connections=data["max_connections"],
                    minimum_connection_minutes=data["minimum_connection_minutes"],
                    excluded_countries=frozenset(data["excluded_countries"]),
                )
            )
        except TravelError as error:
            form.add_error(None, str(error.message))
    codes = [code for itinerary in itineraries or () for code in itinerary.airports]
    return render(
        request,
        "travel/search.html",
        {
            "form": form,
            "itineraries": itineraries,
            "airports": selectors.list_airports(codes=codes),
        },
    )


@requires_permission(SEARCH)
@require_safe
def programs_view(request: HttpRequest) -> HttpResponse:
    """Who can book what, and the award pricing the estimates use, each with its source."""
    return render(
        request,
        "travel/programs.html",
        {
            "program_carriers": selectors.list_program_carriers(),
            "memberships": selectors.list_alliance_memberships(),
            "pricing": selectors.list_program_pricing(),
            "without_chart": selectors.list_programs_without_chart(),
            "can_edit": current_user(request).has_perm(CATALOGUE),
        },
    )


@requires_permission(CATALOGUE)
@recent_authentication_required
@require_http_methods(["GET", "HEAD", "POST"])
def program_carrier_add_view(request: HttpRequest) -> HttpResponse:
    form = ProgramCarrierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.do_save_program_carrier(actor=current_user(request), row=form.save(commit=False))
        messages.success(request, _("Saved."))
        return redirect("travel:programs")
    return _form_page(request, title=_("Add a program carrier"), form=form, back="travel:programs")


@requires_permission(CATALOGUE)
@recent_authentication_required
@require_http_methods(["GET", "HEAD", "POST"])
def alliance_member_add_view(request: HttpRequest) -> HttpResponse:
    form = AllianceMembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.do_save_alliance_membership(
            actor=current_user(request), row=form.save(commit=False)
        )
        messages.success(request, _("Saved."))
        return redirect("travel:programs")
    return _form_page(request, title=_("Add an alliance member"), form=form, back="travel:programs")


@requires_permission(CATALOGUE)
@recent_authentication_required
@require_http_methods(["POST"])
def partnership_remove_view(request: HttpRequest) -> HttpResponse:
    """Remove one program carrier or alliance membership (its kind and id in the body)."""
    user = current_user(request)
    row = access_catalogue_row(
        user=user,
        kind=request.POST.get("kind", ""),
        row_id=request.POST.get("id", ""),
        permission=CATALOGUE,
    )
    if isinstance(row, ProgramCarrier):
        actions.do_remove_program_carrier(actor=user, row=row)
    else:
        actions.do_remove_alliance_membership(actor=user, row=row)
    messages.success(request, _("Removed."))
    return redirect("travel:programs")


@requires_permission(CATALOGUE)
@recent_authentication_required
@require_http_methods(["GET", "HEAD", "POST"])
def chart_edit_view(request: HttpRequest, program_code: str) -> HttpResponse:
    """A program's award chart with its bands, zones, zone prices and cash rules."""
    user = current_user(request)
    program = access_chart_program(user=user, program_code=program_code, permission=CATALOGUE)
    chart = AwardChart.objects.filter(program=program).first() or AwardChart(program=program)
    data = request.POST or None
    form = AwardChartForm(data, instance=chart, prefix="chart")
    formsets = [
        formset_class(data, instance=chart, prefix=prefix)
        for prefix, formset_class in (
            ("bands", ChartBandFormSet),
            ("zones", ChartZoneFormSet),
            ("zone_prices", ChartZonePriceFormSet),
            ("cash", CashRuleFormSet),
        )
    ]
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in formsets):
        try:
            actions.do_save_award_chart(actor=user, chart_form=form, formsets=formsets)
        except TravelError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Saved."))
            return redirect("travel:programs")
    return render(
        request,
        "travel/chart_edit.html",
        {"program": program, "form": form, "formsets": formsets},
    )


@requires_permission(ADD)
@require_http_methods(["GET", "HEAD", "POST"])
def request_create_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Plan travel for a case: travellers, origin, acceptable destinations, window."""
    user = current_user(request)
    case = access_case(user=user, case_id=case_id, permission=ADD)
    travellers, _named = selectors.traveller_choices(
        case=case, user=user, key_pair=load_private_key(request=request, user=user)
    )
    form = TravelRequestForm(
        request.POST or None,
        travellers=travellers,
        pathway_countries=acceptable_destination_countries(case=case),
        initial={"origin": case.origin if len(case.origin) == 3 else ""},
    )
    if request.method == "POST" and form.is_valid():
        details = _request_details(form.cleaned_data)
        try:
            members = actions.check_create_travel_request(case=case, details=details)
            travel_request = actions.do_create_travel_request(
                actor=user, case=case, travellers=members, details=details
            )
        except TravelError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("travel:request_detail", request_id=travel_request.public_id)
    return _form_page(request, title=_("Plan travel"), form=form, back="travel:home")


@requires_permission(CHANGE)
@require_http_methods(["GET", "HEAD", "POST"])
def request_edit_view(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """Change travellers, origin, destinations, window or connection settings."""
    user = current_user(request)
    travel_request = access_travel_request(user=user, request_id=request_id, permission=CHANGE)
    case = travel_request.case
    travellers, _named = selectors.traveller_choices(
        case=case, user=user, key_pair=load_private_key(request=request, user=user)
    )
    pathway_countries = acceptable_destination_countries(case=case)
    form = TravelRequestForm(
        request.POST or None,
        travellers=travellers,
        pathway_countries=pathway_countries,
        initial=selectors.travel_request_initial(
            travel_request=travel_request, pathway_countries=pathway_countries
        ),
    )
    if request.method == "POST" and form.is_valid():
        details = _request_details(form.cleaned_data)
        try:
            members = actions.check_update_travel_request(
                travel_request=travel_request, details=details
            )
            actions.do_update_travel_request(
                actor=user, travel_request=travel_request, travellers=members, details=details
            )
        except TravelError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("travel:request_detail", request_id=travel_request.public_id)
    return _form_page(
        request,
        title=_("Change the travel request"),
        form=form,
        back="travel:request_detail",
        travel_request=travel_request,
    )


@requires_permission(VIEW)
@require_http_methods(["GET"])
def request_detail_view(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """The request, its travellers (names only if the reader's keys open them) and options."""
    user = current_user(request)
    travel_request = access_travel_request(user=user, request_id=request_id, permission=VIEW)
    if (refusal := case_open_refusal(request, user=user, case=travel_request.case)) is not None:
        return refusal  # SR-29: the travellers' names count as opening the case
    travellers, named = selectors.traveller_choices(
        case=travel_request.case, user=user, key_pair=load_private_key(request=request, user=user)
    )
    actions.do_record_travel_request_view(
        actor=user, travel_request=travel_request, decrypted=named
    )
    detailed = selectors.get_travel_request(travel_request=travel_request)
    codes = [travel_request.origin]
    codes += [code for option in detailed.options.all() for code in option.airports.split()]
    return render(
        request,
        "travel/request.html",
        {
            "travel_request": detailed,
            "airports": selectors.list_airports(codes=codes),
            "travellers": selectors.chosen_travellers(
                travel_request=travel_request, labels=dict(travellers)
            ),
            "can_change": user.has_perm(CHANGE, travel_request.case.organisation),
            "state_form": RequestStateForm(initial={"state": travel_request.state}),
        },
    )


@requires_permission(CHANGE)
@require_http_methods(["GET", "HEAD", "POST"])
def generate_options_view(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """Replace the route-finder options with a new search (manual options stay)."""
    user = current_user(request)
    travel_request = access_travel_request(user=user, request_id=request_id, permission=CHANGE)
    form = GenerateOptionsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.check_change_travel_request(travel_request=travel_request)
            created = actions.do_generate_options(
                actor=user,
                travel_request=travel_request,
                excluded_countries=frozenset(form.cleaned_data["excluded_countries"]),
                limit=form.cleaned_data["limit"],
            )
        except TravelError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("%(count)s options found.") % {"count": created})
            return redirect("travel:request_detail", request_id=travel_request.public_id)
    return _form_page(
        request,
        title=_("Find route options"),
        form=form,
        back="travel:request_detail",
        travel_request=travel_request,
    )


@requires_permission(CHANGE)
@require_http_methods(["GET", "HEAD", "POST"])
def option_add_view(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """Add an option the coordinator found themselves."""
    user = current_user(request)
    travel_request = access_travel_request(user=user, request_id=request_id, permission=CHANGE)
    form = ManualOptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fares = actions.parse_manual_itinerary(
                itinerary=form.cleaned_data["itinerary"], carriers=form.cleaned_data["carriers"]
            )
            actions.check_add_manual_option(travel_request=travel_request, fares=fares)
            actions.do_add_manual_option(actor=user, travel_request=travel_request, fares=fares)
        except TravelError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("travel:request_detail", request_id=travel_request.public_id)
    return _form_page(
        request,
        title=_("Add an option"),
        form=form,
        back="travel:request_detail",
        travel_request=travel_request,
    )


@requires_permission(CHANGE)
@require_http_methods(["POST"])
def option_remove_view(
    request: HttpRequest, request_id: uuid.UUID, option_id: uuid.UUID
) -> HttpResponse:
    user = current_user(request)
    option = access_travel_option(
        user=user, request_id=request_id, option_id=option_id, permission=CHANGE
    )
    try:
        actions.check_change_travel_request(travel_request=option.request)
    except TravelError as error:
        messages.error(request, str(error.message))
    else:
        actions.do_remove_option(actor=user, option=option)
        messages.success(request, _("Option removed."))
    return redirect("travel:request_detail", request_id=request_id)


@requires_permission(CHANGE)
@require_http_methods(["GET", "HEAD", "POST"])
def price_quote_view(
    request: HttpRequest, request_id: uuid.UUID, price_id: uuid.UUID
) -> HttpResponse:
    """Replace an estimate with the price the coordinator saw (the estimate is kept)."""
    user = current_user(request)
    price = access_fare_price(
        user=user, request_id=request_id, price_id=price_id, permission=CHANGE
    )
    form = QuoteForm(
        request.POST or None,
        initial={"miles": price.miles, "taxes": price.taxes, "currency": price.currency},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.check_change_travel_request(travel_request=price.fare.option.request)
            actions.do_quote_price(actor=user, price=price, **form.cleaned_data)
        except TravelError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("travel:request_detail", request_id=request_id)
    title = _("Quote %(program)s for %(airports)s") % {
        "program": price.program.name,
        "airports": price.fare.airports,
    }
    return _form_page(
        request,
        title=title,
        form=form,
        back="travel:request_detail",
        travel_request=price.fare.option.request,
    )


@requires_permission(CHANGE)
@require_http_methods(["GET", "HEAD", "POST"])
def fare_cash_view(request: HttpRequest, request_id: uuid.UUID, fare_id: uuid.UUID) -> HttpResponse:
    """Set what a ticket for this fare costs in cash (the allocator may then buy it)."""
    user = current_user(request)
    fare = access_travel_fare(user=user, request_id=request_id, fare_id=fare_id, permission=CHANGE)
    form = FareCashForm(
        request.POST or None,
        initial={"cash_price": fare.cash_price, "currency": fare.cash_currency or "USD"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.check_change_travel_request(travel_request=fare.option.request)
            actions.do_set_fare_cash_price(actor=user, fare=fare, **form.cleaned_data)
        except TravelError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("travel:request_detail", request_id=request_id)
    return _form_page(
        request,
        title=_("Cash price for %(airports)s") % {"airports": fare.airports},
        form=form,
        back="travel:request_detail",
        travel_request=fare.option.request,
    )


@requires_permission(CHANGE)
@require_http_methods(["POST"])
def request_state_view(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """Open the request for allocation, take it back to draft, or withdraw it."""
    user = current_user(request)
    travel_request = access_travel_request(user=user, request_id=request_id, permission=CHANGE)
    form = RequestStateForm(request.POST)
    if not form.is_valid():  # the form again on a page of its own, its mistakes listed first
        title = _("Change the state")
        back = "travel:request_detail"
        return _form_page(request, title=title, form=form, back=back, travel_request=travel_request)
    try:
        actions.check_set_travel_request_state(
            travel_request=travel_request, state=form.cleaned_data["state"]
        )
        actions.do_set_travel_request_state(
            actor=user, travel_request=travel_request, state=form.cleaned_data["state"]
        )
    except TravelError as error:
        messages.error(request, str(error.message))
    return redirect("travel:request_detail", request_id=request_id)
