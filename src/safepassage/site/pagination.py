"""One way for every staff list to show its rows a page at a time.

A view calls ``paginate(request, rows)`` and its template adds
``{% include "site/pagination.html" with page=... %}``: previous and next links that keep
the list's filters and sort (every other query parameter) and work without JavaScript.
The page number comes from ``?page=``; a number that is not one (``?page=abc``) shows the
first page and one past the end (``?page=999999``) the last, never an error page, so a
link kept from a longer list still opens.
"""

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PER_PAGE = 50
PAGE_PARAMETER = "page"


class ListPage(Page):  # type: ignore[type-arg]  # django-stubs' Page is generic only in stubs
    """A page that also knows the list's query string without the page number."""

    query = ""
    parameter = PAGE_PARAMETER


class _ListPaginator(Paginator):  # type: ignore[type-arg]  # see ListPage
    def _get_page(self, *args: Any, **kwargs: Any) -> ListPage:
        return ListPage(*args, **kwargs)


def paginate(
    request: HttpRequest,
    rows: QuerySet[Any] | Sequence[Any],
    *,
    per_page: int = PER_PAGE,
    parameter: str = PAGE_PARAMETER,
) -> ListPage:
    """The page of ``rows`` the request asks for in ``?<parameter>=`` (the first or last
    page when it asks for one that does not exist). ``rows`` should be ordered: a queryset
    is counted and sliced, so only one page of rows is read. Two lists on one page use
    two parameters; each list's links keep the other's page."""
    page = _ListPaginator(rows, per_page).get_page(request.GET.get(parameter))
    assert isinstance(page, ListPage)
    query = request.GET.copy()
    query.pop(parameter, None)
    page.query = query.urlencode()
    page.parameter = parameter
    return page
