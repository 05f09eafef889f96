"""SR-15: every endpoint taking an identifier answers alike for existing and unknown
subjects, and out-of-scope objects answer 404, never 403.

The walk takes every URL of the permission matrix (``tests/test_permission_matrix.py``)
with a UUID in its path. For each role the matrix refuses (403 or 404), the same request
with the real object's id and with a random unknown id must give the same status, the
same page and the same cookies, by GET and by POST. A 403 is allowed only where the role
itself is refused (it does not depend on the object); an object out of the user's scope
answers 404 (``other_organisation_admin`` never sees a 403 for another organisation's
object).

"Same work" is asserted by ``tests/security/test_equal_work.py``: the same walk, comparing
the SQL statements each request runs (decision 0051).
"""

import re
import uuid

import pytest
from django.apps import apps
from django.db import models
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from safepassage.accounts.roles import Role
from tests.test_permission_matrix import (
    MATRIX,
    ROLES,
    URL_KWARGS,
    build_world,
    client_for,
)

pytestmark = pytest.mark.django_db

REFUSALS = (403, 404)
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def _answer(response: HttpResponse, ids: list[str]) -> tuple[int, bytes, list[str]]:
    """Status, page and cookie names; the page with the CSRF token and the requested ids
    (echoed in "next" links) blanked out."""
    content = TOKEN.sub(b"", response.content)
    for value in ids:
        content = content.replace(value.encode(), b"ID")
    return (response.status_code, content, sorted(response.cookies.keys()))


def _ids(kwargs: dict[str, object]) -> list[str]:
    return [str(value) for value in kwargs.values() if isinstance(value, uuid.UUID)]


def _refused_urls_with_ids(role: str) -> list[str]:
    return [name for name, row in MATRIX.items() if name in URL_KWARGS and row[role] in REFUSALS]


@pytest.mark.parametrize(
    "role", [role for role in ROLES if role not in ("anonymous", "password_only")]
)
def test_a_refused_role_cannot_tell_an_existing_object_from_an_unknown_one(role: str) -> None:
    """SR-15: same status, page and cookies for a real id and a random one."""
    world = build_world()
    client = client_for(role, world)
    compared, differences = 0, []
    for name in _refused_urls_with_ids(role):
        real = URL_KWARGS[name](world)
        unknown = {
            key: uuid.uuid4() if isinstance(value, uuid.UUID) else value
            for key, value in real.items()
        }
        if unknown == real:
            continue
        compared += 1
        for method in ("get", "post"):
            answers = [
                _answer(getattr(client, method)(reverse(name, kwargs=kwargs)), _ids(kwargs))
                for kwargs in (real, unknown)
            ]
            if answers[0] != answers[1]:
                differences.append(
                    f"{method.upper()} {name}: {answers[0][0]} {answers[0][2]} "
                    f"for a real id, {answers[1][0]} {answers[1][2]} for an unknown one"
                )
    assert differences == []
    if role == Role.ADMIN:
        return  # an admin is refused nothing that takes an id
    assert compared > 0


def test_another_organisations_objects_answer_404_never_403() -> None:
    """SR-15: out-of-scope objects answer 404: another organisation's admin, who holds
    every permission, gets 404 for every object of this organisation."""
    world = build_world()
    forbidden = [
        name
        for name, row in MATRIX.items()
        if name in URL_KWARGS
        and _ids(URL_KWARGS[name](world))
        and row["other_organisation_admin"] == 403
    ]

    assert forbidden == []


def _patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            found += _patterns(pattern, prefix + str(pattern.pattern))
        else:
            found.append((prefix + str(pattern.pattern), pattern))
    return found


def test_public_ids_are_random_128_bit_tokens() -> None:
    """SR-15: every ``public_id`` is a random (version 4) UUID, and no URL takes a
    sequential number."""
    not_random = [
        model._meta.label
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.name == "public_id"
        and not (isinstance(field, models.UUIDField) and field.default is uuid.uuid4)
    ]
    numbered = [
        route
        for route, pattern in _patterns(get_resolver())
        if any(
            isinstance(converter, IntConverter) for converter in pattern.pattern.converters.values()
        )
    ]

    assert not_random == []
    assert numbered == []
    assert len([model for model in apps.get_models() if hasattr(model, "public_id")]) > 20
