"""The operator guide names organisations by public id (``rotate-keys --organisation <public
id>``): ``create-organisation`` prints it and ``list-organisations`` shows it again."""

from io import StringIO

import pytest
from django.core.management import call_command

from safepassage.organisations.models import Organisation
from tests.cases.factories import keyed_organisation

pytestmark = pytest.mark.django_db


def test_create_organisation_prints_the_public_id_the_key_commands_take() -> None:
    # When the operator creates an organisation
    out = StringIO()
    call_command(
        "create_organisation",
        "--name",
        "Northern Path",
        "--kind",
        "case_organisation",
        "--admin-email",
        "admin@northernpath.example",
        stdout=out,
    )

    # Then its public id is printed, and the invitation link is still the last line
    organisation = Organisation.objects.get(name="Northern Path")
    lines = out.getvalue().strip().splitlines()
    assert f"public id {organisation.public_id}" in lines[0]
    assert "/accounts/invitation/" in lines[-1]


def test_list_organisations_shows_each_public_id_and_whether_it_has_a_recovery_key() -> None:
    # Given an organisation with a recovery key and a fund without one
    keyed, _recovery = keyed_organisation()
    fund = Organisation.objects.create(name="Miles Fund", kind="fund")

    # When the operator lists the organisations
    out = StringIO()
    call_command("list_organisations", stdout=out)

    # Then each line gives the public id, the kind, the recovery key state and the name
    lines = out.getvalue().splitlines()
    assert f"{keyed.public_id}  {keyed.kind}  recovery key  {keyed.name}" in lines
    assert f"{fund.public_id}  fund  no recovery key  Miles Fund" in lines
