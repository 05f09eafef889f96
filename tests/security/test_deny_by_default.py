"""SR-25: deny by default - a view that declares no access rule is refused for everyone,
and every URL pattern of the site declares one (the URL x role matrix itself is
``tests/test_permission_matrix.py``)."""

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path

from safepassage.accounts.roles import Role
from safepassage.config.urls import urlpatterns as site_urlpatterns
from safepassage.site.access_policy import rule_of
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db


def undeclared_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("the undeclared view ran")


# The site's own patterns too: the refusal page links to them.
urlpatterns = [path("undeclared/", undeclared_view), *site_urlpatterns]


def _callbacks(patterns: list[URLPattern | URLResolver]) -> list[URLPattern]:
    found: list[URLPattern] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _callbacks(pattern.url_patterns)
        else:
            found.append(pattern)
    return found


@pytest.mark.urls("tests.security.test_deny_by_default")
def test_a_view_without_an_access_rule_is_refused_for_everyone() -> None:
    """SR-25: the middleware refuses an undeclared view, even for an organisation admin."""
    clients = [Client(), sign_in(Client(), make_staff(Role.ADMIN))]

    for client in clients:
        response = client.get("/undeclared/")
        assert response.status_code == 403
        assert b"the undeclared view ran" not in response.content


def test_every_url_pattern_of_the_site_declares_an_access_rule() -> None:
    """SR-25: no pattern relies on the refusal above by accident."""
    undeclared = [
        str(pattern.pattern)
        for pattern in _callbacks(get_resolver().url_patterns)
        if rule_of(pattern.callback) is None
    ]

    assert undeclared == []
