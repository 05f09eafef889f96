"""Home page, staff dashboard, language switch and error pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import set_language

from safepassage.accounts.selectors import current_user, list_memberships
from safepassage.cases.selectors import count_my_attention
from safepassage.intake.error_pages import applicant_error_response
from safepassage.organisations.selectors import list_work_links
from safepassage.site.access_policy import public, staff


@public
@require_safe
def home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "site/home.html")


@staff
@require_safe
def dashboard_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    memberships = list_memberships(user=user)
    context = {
        "memberships": memberships,
        "attention_count": count_my_attention(user=user),
        "work": [
            (membership.organisation, links)
            for membership in memberships
            if (links := list_work_links(user=user, organisation=membership.organisation))
        ],
    }
    return render(request, "site/dashboard.html", context)


@public
@require_POST
def set_language_view(request: HttpRequest) -> HttpResponse:
    """Django's language switch (a plain form POST: works without JavaScript)."""
    return set_language(request)


def bad_request_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if applicant := applicant_error_response(request, template_name="400.html", status=400):
        return applicant  # the applicant pages under /help/ keep their own layout
    return render(request, "400.html", status=400)


def permission_denied_view(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    if applicant := applicant_error_response(request, template_name="403.html", status=403):
        return applicant  # the applicant pages under /help/ keep their own layout
    return render(request, "403.html", status=403)


def not_found_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if applicant := applicant_error_response(request, template_name="404.html", status=404):
        return applicant  # the applicant pages under /help/ keep their own layout
    return render(request, "404.html", status=404)


def server_error_view(request: HttpRequest) -> HttpResponse:
    if applicant := applicant_error_response(request, template_name="500.html", status=500):
        return applicant  # the applicant pages under /help/ keep their own layout
    return render(request, "500.html", status=500)


def csrf_failure_view(request: HttpRequest, reason: str = "") -> HttpResponse:
    if applicant := applicant_error_response(request, template_name="403_csrf.html", status=403):
        return applicant  # the applicant pages under /help/ keep their own layout
    return render(request, "403_csrf.html", status=403)
