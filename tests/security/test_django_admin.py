"""SR-27: the Django admin registers no case, applicant or donor model and is not served.

Its change log would store object names in clear, so none of the project's own models may
be registered, no URL may reach an admin view, and no user can pass its staff check.
"""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from safepassage.accounts.roles import Role
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db


def _view_modules(patterns: list[URLPattern | URLResolver]) -> set[str]:
    modules: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            modules |= _view_modules(pattern.url_patterns)
        else:
            modules.add(getattr(pattern.callback, "__module__", ""))
    return modules


def test_no_project_model_is_registered_with_the_admin() -> None:
    """SR-27: no model of a safepassage app (cases, intake, donations, ...) is registered."""
    registered = sorted(
        model._meta.label
        for model in admin.site._registry
        if model.__module__.startswith("safepassage.")
    )

    assert registered == []


def test_no_url_reaches_an_admin_view() -> None:
    """SR-27: the admin site is not mounted, so its change log is never written."""
    modules = _view_modules(get_resolver().url_patterns)

    assert not [module for module in modules if module.startswith("django.contrib.admin")]
    assert Client().get("/admin/").status_code == 404


def test_no_user_passes_the_admin_staff_check() -> None:
    """SR-27: even an organisation admin is not ``is_staff``, so a mounted admin would
    let nobody in."""
    staff = make_staff(Role.ADMIN)
    client = sign_in(Client(), staff)

    assert staff.user.is_staff is False
    assert admin.site.has_permission(client.get("/").wsgi_request) is False
