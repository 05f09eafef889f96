"""The applicant's own error pages under ``/help/`` (SR-17).

Django's error handlers and the CSRF failure view are global (``site.views``). For a request
to an applicant page they ask :func:`applicant_error_template` and render the intake's own
page instead of the staff one: the one neutral title, quick exit first in focus order, no
staff navigation. ``Cache-Control: no-store`` comes from the site middleware as everywhere.
"""

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

FALLBACK_PREFIX = "/help/"
SERVER_ERROR = 500


def applicant_prefix() -> str:
    """Where the applicant pages live (``/help/``), from the URLconf."""
    try:
        return reverse("intake:start")
    except NoReverseMatch:  # a broken URLconf still gets the applicant page under /help/
        return FALLBACK_PREFIX


def is_applicant_request(request: HttpRequest) -> bool:
    """A request to an applicant page, or the language switch posted from one."""
    prefix = applicant_prefix()
    if request.path.startswith(prefix):
        return True
    try:
        language_switch = reverse("site:set_language")
    except NoReverseMatch:
        return False
    if request.path != language_switch or request.method != "POST":
        return False
    try:
        return str(request.POST.get("next", "")).startswith(prefix)
    except (SuspiciousOperation, UnreadablePostError, MultiPartParserError):
        return False  # a body Django refuses to parse: the staff page, as before


def applicant_error_template(request: HttpRequest, template_name: str) -> str | None:
    """``intake/errors/<template_name>`` for an applicant request, else None."""
    return f"intake/errors/{template_name}" if is_applicant_request(request) else None


def applicant_error_response(
    request: HttpRequest, *, template_name: str, status: int
) -> HttpResponse | None:
    """The applicant's error page for an applicant request, else None (the staff page).

    The 500 page renders without the request (no context processors, no session or
    database), as Django's own ``server_error`` does.
    """
    template = applicant_error_template(request, template_name)
    if template is None:
        return None
    if status >= SERVER_ERROR:
        prefix = applicant_prefix()
        html = render_to_string(template, {"start_url": prefix, "exit_url": f"{prefix}exit/"})
        return HttpResponse(html, status=status)
    return render(request, template, status=status)
