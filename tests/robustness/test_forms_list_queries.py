"""Weird query strings on every page a role may open: the page (or a clear 4xx), never a
server error.

Lists read ``?page=`` (tests/site: a number that is not one shows the first page, one past
the end the last); some have filter forms (gifts, pledges, reports) and the sign-in pages
read ``?next=``. Every URL of the permission matrix that answers a GET with 200 is opened
again with hostile values in every parameter the site reads or its GET forms render, with
invalid UTF-8 and with a parameter sent twice, as the admin of the world's organisation
and as an anonymous visitor.
"""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from tests.robustness.forms import query_names
from tests.test_permission_matrix import MATRIX, URL_KWARGS, build_world, client_for

pytestmark = pytest.mark.django_db

# Parameters views read themselves (the rest come from each page's GET forms).
READ_PARAMETERS = ("page", "mine_page", "past", "sort", "order", "q", "next", "from")
HOSTILE_QUERIES = (
    "-1",
    "abc",
    "1" + "0" * 30,
    "1e309",
    "\uff11",  # a full-width one
    "2026-02-30",
    "99999-12-31",
    "00000000-0000-4000-8000-000000000000",
    "a\x00b",
    "x" * 5_000,
    "//evil.example/",
)


@pytest.mark.parametrize("role", [Role.ADMIN, "anonymous"])
def test_weird_query_strings_get_the_page_or_a_clear_refusal(role: str) -> None:
    # given every page the role may open
    world = build_world()
    client: Client = client_for(role, world)
    failures = []
    for name, row in MATRIX.items():
        if row[role] != 200:
            continue
        url = reverse(name, kwargs=URL_KWARGS.get(name, lambda _world: {})(world))
        plain = client.get(url)
        if plain.status_code != 200:
            continue  # the matrix's own test reports it
        html = (
            plain.content.decode() if plain.get("Content-Type", "").startswith("text/html") else ""
        )
        names = sorted(set(READ_PARAMETERS) | query_names(html, page_path=url))
        # when it is opened with a hostile value in every parameter, each in turn
        queries = [dict.fromkeys(names, value) for value in HOSTILE_QUERIES]
        answers = [client.get(url, query) for query in queries]
        # and with invalid UTF-8 and a parameter sent twice
        answers.append(client.get(f"{url}?page=%FF%FE&next=%ED%A0%80&q=%C3("))
        answers.append(client.get(f"{url}?page=1&page=2&{'&'.join(f'{n}=1&{n}=x' for n in names)}"))
        # then every answer is the page or a 4xx page, never a server error
        failures += [
            f"{name}: {answer.status_code} for {answer.request['QUERY_STRING'][:120]!r}"
            for answer in answers
            if answer.status_code >= 500 or answer.status_code not in (200, 302, 400, 404)
        ]
    assert failures == []
