"""The public transparency page: the latest published snapshot, no JavaScript, no login."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from safepassage.site.access_policy import public
from safepassage.transparency.selectors import get_transparency_page


@public
@require_safe
def transparency_view(request: HttpRequest) -> HttpResponse:
    """Aggregate figures as last published; never live data (SR-33)."""
    return render(request, "transparency/page.html", {"page": get_transparency_page()})
