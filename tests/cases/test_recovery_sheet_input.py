"""The operator guide gives the recovery key to ``rotate-keys`` and ``replace-staff-keys`` as
``--recovery-key-fd 3 3< sheet.txt``: the sheet ``recovery-key generate`` printed, whole
(headings, the public key, the private key and numbered trustee shares), or a copy of only
the trustees' numbered lines. Both open the rotation; another organisation's sheet does not."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from safepassage.accounts.roles import Role
from safepassage.cases.key_actions import do_set_organisation_recovery_key
from safepassage.cases.models import CaseGroupKey
from safepassage.core.crypto import public_key_from_text
from safepassage.organisations.models import Organisation
from tests.cases.factories import make_case, make_keyed_staff
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _printed_sheet() -> str:
    out = StringIO()
    call_command(
        "recovery_key",
        "generate",
        "--organisation-name",
        "Northern Path",
        "--shares",
        "3",
        "--threshold",
        "2",
        stdout=out,
    )
    return out.getvalue()


def _organisation_with(sheet: str) -> Organisation:
    organisation = OrganisationFactory.create()
    public = re.search(r"SPOPUB-[A-Z0-9-]+", sheet)
    assert public is not None
    do_set_organisation_recovery_key(
        organisation=organisation, recovery_public_key=public_key_from_text(public.group())
    )
    return organisation


def _rotate(organisation: Organisation, given: str) -> str:
    out = StringIO()
    call_command(
        "rotate_keys",
        "--organisation",
        str(organisation.public_id),
        stdin=StringIO(given),
        stdout=out,
    )
    return out.getvalue()


@pytest.mark.parametrize("given", ["whole sheet", "numbered share lines"])
def test_the_printed_sheet_or_its_share_lines_open_the_rotation(given: str) -> None:
    # Given an organisation whose recovery key was printed on a sheet, and a case
    sheet = _printed_sheet()
    organisation = _organisation_with(sheet)
    case = make_case(actor=make_keyed_staff(Role.CASEWORKER, organisation))
    text = sheet
    if given == "numbered share lines":
        text = "\n".join(line for line in sheet.splitlines() if "SPS-" in line)
        assert text.lstrip().startswith("1. ")

    # When the operator gives that text to rotate-keys
    output = _rotate(organisation, text)

    # Then the case's keys are rotated
    assert "1 cases, 7 group keys rotated" in output
    assert set(CaseGroupKey.objects.filter(case=case).values_list("version", flat=True)) == {2}


def test_another_organisations_sheet_is_refused_and_nothing_changes() -> None:
    # Given a case and the sheet of another organisation's recovery key
    organisation = _organisation_with(_printed_sheet())
    case = make_case(actor=make_keyed_staff(Role.CASEWORKER, organisation))

    # When it is given, Then it is refused and the keys keep their version
    with pytest.raises(CommandError, match="does not give the organisation's recovery key"):
        _rotate(organisation, _printed_sheet())
    assert set(CaseGroupKey.objects.filter(case=case).values_list("version", flat=True)) == {1}
