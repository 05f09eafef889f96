"""Operators add an organisation and invite its first admin from the command line."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from safepassage.accounts.models import Invitation, Membership
from safepassage.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_the_printed_link_makes_its_holder_the_first_admin() -> None:
    out = StringIO()

    call_command(
        "create_organisation",
        "--name",
        "Rainbow Route",
        "--kind",
        "case_organisation",
        "--admin-email",
        "Founder@Example.org",
        stdout=out,
    )

    link = out.getvalue().strip().splitlines()[-1]
    path = link.split("127.0.0.1:8000", 1)[1]
    password = "amber river crossing nineteen"
    response = Client().post(
        path, {"display_name": "Founder", "password": password, "password_again": password}
    )
    assert response.status_code == 200  # the page showing the personal recovery key
    membership = Membership.objects.get(user__email="founder@example.org")
    assert membership.role == "admin"
    assert membership.organisation.name == "Rainbow Route"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--admin-email", "not-an-address"], "--admin-email"),
        (["--admin-email", "a@example.org", "--name", "Taken"], "exists already"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_created(arguments: list[str], message: str) -> None:
    Organisation.objects.create(name="Taken", kind="fund")
    options = {"--name": "New One", "--kind": "fund"}
    for flag, value in zip(arguments[::2], arguments[1::2], strict=True):
        options[flag] = value

    with pytest.raises(CommandError, match=message):
        call_command("create_organisation", *[item for pair in options.items() for item in pair])

    assert Organisation.objects.count() == 1
    assert not Invitation.objects.exists()
