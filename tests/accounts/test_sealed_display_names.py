"""Staff display names are sealed at rest (SR-01, decision 0052): the raw row holds no
trace of the name, pages still show it, and a wrong server key shows none and says why."""

import logging
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import User
from safepassage.accounts.roles import Role
from safepassage.accounts.selectors import list_members
from safepassage.accounts.two_factor_secrets import TWO_FACTOR_KEY_ENVIRONMENT_VARIABLE
from safepassage.core.crypto import parse_header
from tests.factories import make_staff, sign_in

NAME = "Zarina Umarova"


def _raw_user_row(pk: int) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_user WHERE id = %s", [pk])
        row = cursor.fetchone()
    return b"\0".join(
        bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
        for value in row
    )


@pytest.mark.django_db
def test_the_raw_row_holds_no_trace_of_the_name() -> None:
    # Given a staff member with a name
    staff = make_staff(Role.CASEWORKER)
    staff.user.display_name = NAME
    staff.user.save()

    # When the row is read as a copy of the database would be
    raw = _raw_user_row(staff.user.pk)

    # Then neither the name nor a part of it is there, but the model opens it
    for form in (NAME, NAME.lower(), NAME.upper(), "Zarina", "Umarova"):
        assert form.encode() not in raw
        assert form.encode("utf-16-le") not in raw
    assert User.objects.get(pk=staff.user.pk).display_name == NAME
    sealed = bytes(User.objects.get(pk=staff.user.pk).sealed_display_name)
    assert parse_header(sealed).key_version == 1


@pytest.mark.django_db
def test_a_sealed_name_copied_onto_another_row_does_not_open() -> None:
    # Given two staff members
    first = make_staff(Role.CASEWORKER)
    second = make_staff(Role.CASEWORKER, first.organisation)
    first.user.display_name = NAME
    first.user.save()

    # When the first one's sealed name is copied onto the second one's row
    User.objects.filter(pk=second.user.pk).update(
        sealed_display_name=first.user.sealed_display_name
    )

    # Then it does not open there
    assert User.objects.get(pk=second.user.pk).display_name == ""


@pytest.mark.django_db
def test_the_colleague_list_shows_names_sorted_by_name() -> None:
    # Given three colleagues in the same role, created out of name order
    admin = make_staff(Role.ADMIN)
    for name in ("carla", "Anna", "Boris"):
        member = make_staff(Role.VIEWER, admin.organisation)
        member.user.display_name = name
        member.user.save()
    client = sign_in(Client(), admin)

    # When the organisation page and its selector are read
    response = client.get(
        reverse("organisations:detail", kwargs={"organisation_id": admin.organisation.public_id})
    )
    names = [
        membership.user.display_name
        for membership in list_members(organisation=admin.organisation)
        if membership.role == Role.VIEWER
    ]

    # Then the names are shown, sorted without regard to letter case
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Anna") < page.index("Boris") < page.index("carla")
    assert names == ["Anna", "Boris", "carla"]


@pytest.mark.django_db
def test_a_wrong_server_key_shows_no_name_and_tells_the_operator(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a name sealed under one server key
    monkeypatch.setenv(TWO_FACTOR_KEY_ENVIRONMENT_VARIABLE, "the key it was sealed under")
    admin = make_staff(Role.ADMIN)
    admin.user.display_name = NAME
    admin.user.save()
    client = sign_in(Client(), admin)

    # When the server runs with another key
    monkeypatch.setenv(TWO_FACTOR_KEY_ENVIRONMENT_VARIABLE, "another key")
    with caplog.at_level(logging.ERROR):
        opened = User.objects.get(pk=admin.user.pk).display_name

    # Then no name is shown, the operator's log names the variable (not the person), and
    # pages still answer (the second factor no longer opens, so it is the sign-in page)
    assert opened == ""
    assert TWO_FACTOR_KEY_ENVIRONMENT_VARIABLE in caplog.text
    assert NAME not in caplog.text
    assert str(admin.user.public_id) not in caplog.text
    response = client.get(
        reverse("organisations:detail", kwargs={"organisation_id": admin.organisation.public_id})
    )
    assert response.status_code in (200, 302)
    assert NAME not in response.content.decode()


BEFORE = [("accounts", "0004_sealed_two_factor_secrets")]
AFTER = [("accounts", "0005_sealed_display_names")]


@pytest.fixture
def _latest_schema_afterwards() -> Iterator[None]:
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_latest_schema_afterwards")
def test_the_migration_seals_names_and_going_back_restores_them() -> None:
    # Given a clear name as the earlier schema stored it
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    old_user = old.get_model("accounts", "User").objects.create(
        email="zarina@example.org", display_name=NAME, password="!"
    )

    # When the migration runs
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    # Then the row holds no trace of the name and the model opens it
    assert NAME.encode() not in _raw_user_row(old_user.pk)
    assert User.objects.get(pk=old_user.pk).display_name == NAME

    # When it is reversed
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)

    # Then the clear name is back
    with connection.cursor() as cursor:
        cursor.execute("SELECT display_name FROM accounts_user WHERE id = %s", [old_user.pk])
        assert cursor.fetchone() == (NAME,)
