"""SR-15, the *work*: a refused request for an existing object runs the same queries as
one for an unknown id.

The walk takes every URL of the permission matrix (``tests/test_permission_matrix.py``)
that takes an identifier. For each role the matrix refuses there (403 or 404), it sends the
request with the real object's ids and with unknown ones, and records every SQL statement
each request runs (``CaptureQueriesContext``). The two lists must have the same length and,
literal values blanked out, the same statements in the same order: the permission and scope
checks are part of the fetching query (``.filter(public_id=..., <scope>)``), so a forbidden
object is simply not found, and no check runs only when the object exists.

Besides all ids unknown, each id alone is also replaced (a real campaign with an unknown
sponsor match, a real case with an unknown colleague, ...): a refused role must not tell
those apart either.
"""

import re
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.cases.access import access_case
from tests.cases.factories import clear_case_for
from tests.factories import make_staff
from tests.test_permission_matrix import (
    MATRIX,
    ROLES,
    URL_KWARGS,
    World,
    build_world,
    client_for,
)

pytestmark = pytest.mark.django_db

REFUSALS = (403, 404)
REACHED_BUT_ABSENT = {
    ("donations:campaign_cover_preview", Role.ADMIN),
    ("donations:campaign_cover_preview", Role.FUNDRAISER),
}
"""404s that are no refusal: the role reaches the matrix's campaign (it edits it), which has
no cover image to preview. Reading the campaign before finding no cover is work only a
reader of the campaign sees."""
UNKNOWN_PROGRAM_CODE = "QZ"
"""A catalogue program code no demo or test program has."""

QUOTED = re.compile(r"'(?:[^']|'')*'")
NUMBER = re.compile(r"(?<![\w\"])-?\d+(?:\.\d+)?(?![\w\"])")
SAVEPOINT = re.compile(r'"s\d+_x\d+"')
HEX_ID = re.compile(
    r"\b[0-9a-f]{32}\b|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"
)


def normalised(sql: str) -> str:
    """The statement with its literal values (strings, numbers, ids) blanked out."""
    return NUMBER.sub("?", QUOTED.sub("?", HEX_ID.sub("?", SAVEPOINT.sub("?", sql))))


def _is_id(key: str, value: object) -> bool:
    return isinstance(value, uuid.UUID) or key == "program_code" or key.endswith("_id")


def variants(real: dict[str, object]) -> list[tuple[str, dict[str, object]]]:
    """The real ids with every identifier unknown, then (with more than one) each alone."""
    ids = [key for key, value in real.items() if _is_id(key, value)]

    def replaced(keys: list[str]) -> dict[str, object]:
        return {
            key: (
                (UNKNOWN_PROGRAM_CODE if key == "program_code" else uuid.uuid4())
                if key in keys
                else value
            )
            for key, value in real.items()
        }

    found = [("every id unknown", replaced(ids))] if ids else []
    if len(ids) > 1:
        found += [(f"{key} unknown", replaced([key])) for key in ids]
    return found


def statements(client: Client, method: str, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url)
    return response.status_code, [normalised(query["sql"]) for query in captured.captured_queries]


def refused_urls_with_ids(role: str) -> list[str]:
    return [
        name
        for name, row in MATRIX.items()
        if name in URL_KWARGS and row[role] in REFUSALS and (name, role) not in REACHED_BUT_ABSENT
    ]


def differences_for(role: str, world: World) -> tuple[int, list[str]]:
    client = client_for(role, world)
    compared, differences = 0, []
    for name in refused_urls_with_ids(role):
        real = URL_KWARGS[name](world)
        for label, unknown in variants(real):
            for method in ("get", "post"):
                # once first: a page's first visit may fill a per-session cache
                statements(client, method, reverse(name, kwargs=real))
                real_status, real_work = statements(client, method, reverse(name, kwargs=real))
                unknown_status, unknown_work = statements(
                    client, method, reverse(name, kwargs=unknown)
                )
                compared += 1
                if (real_status, real_work) != (unknown_status, unknown_work):
                    extra = [sql for sql in real_work if sql not in unknown_work]
                    missing = [sql for sql in unknown_work if sql not in real_work]
                    differences.append(
                        f"{method.upper()} {name} ({label}): {real_status} after "
                        f"{len(real_work)} queries for the real ids, {unknown_status} after "
                        f"{len(unknown_work)} for unknown ones; only for the real ids: {extra}; "
                        f"only for unknown ones: {missing}"
                    )
    return compared, differences


@pytest.mark.parametrize(
    "role", [role for role in ROLES if role not in ("anonymous", "password_only")]
)
def test_a_refused_request_does_the_same_work_for_an_existing_and_an_unknown_object(
    role: str,
) -> None:
    """SR-15: same number and kind of queries for a real id and a random one."""
    world = build_world()

    compared, differences = differences_for(role, world)

    assert differences == [], "\n".join(differences)
    assert compared > 0


def test_normalising_blanks_values_and_keeps_the_statement() -> None:
    sql = (
        'SELECT "cases_case"."id" FROM "cases_case" WHERE ("cases_case"."public_id" = '
        "'0f1e2d3c4b5a69788796a5b4c3d2e1f0' AND \"cases_case\".\"state\" = 'new') LIMIT 21"
    )

    assert normalised(sql) == (
        'SELECT "cases_case"."id" FROM "cases_case" WHERE ("cases_case"."public_id" = '
        '? AND "cases_case"."state" = ?) LIMIT ?'
    )


def test_the_allowed_path_reaches_a_case_in_one_query(
    django_assert_num_queries: Callable[[int], AbstractContextManager[object]],
) -> None:
    """The folded checks cost the allowed path nothing: one query fetches a case the user
    works on, with its organisation (it took 4 before: case, referrals, role, membership)."""
    staff = make_staff(Role.CASEWORKER)
    case = clear_case_for(organisation=staff.organisation, members=[staff.user])

    with django_assert_num_queries(1):
        found = access_case(user=staff.user, case_id=case.public_id, permission="cases.view_case")
        assert found.organisation == staff.organisation

    assert found == case
