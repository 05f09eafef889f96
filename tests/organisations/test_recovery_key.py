"""The offline recovery key command and create-organisation --recovery-public-key (SR-07)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from safepassage.cases.models import OrganisationKeyring, StaffKeyPair, TeamKeyCopy
from safepassage.core.crypto import (
    combine_recovery_shares,
    parse_organisation_recovery_key,
    public_key_from_text,
)
from safepassage.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _sheet(*arguments: str) -> list[str]:
    out = StringIO()
    call_command("recovery_key", "generate", *arguments, stdout=out)
    return [line.strip() for line in out.getvalue().splitlines()]


def test_generate_prints_a_matching_public_and_private_key_and_stores_nothing() -> None:
    lines = _sheet("--organisation-name", "Rainbow Route")

    public_text = next(line for line in lines if line.startswith("SPOPUB-"))
    private_text = next(line for line in lines if line.startswith("SPO-"))
    public_key = public_key_from_text(public_text)
    assert parse_organisation_recovery_key(text=private_text, expected_public_key=public_key)
    assert not OrganisationKeyring.objects.exists()


def test_generate_can_split_the_key_among_trustees() -> None:
    lines = _sheet("--shares", "3", "--threshold", "2")

    public_key = public_key_from_text(next(line for line in lines if line.startswith("SPOPUB-")))
    shares = [line.split(". ", 1)[1] for line in lines if line[:2] in {"1.", "2.", "3."}]
    assert len(shares) == 3
    assert combine_recovery_shares(shares=shares[1:], expected_public_key=public_key)


def test_create_organisation_stores_only_the_public_key_and_the_first_admin_gets_team_keys() -> (
    None
):
    # Given a recovery sheet made offline
    lines = _sheet()
    public_text = next(line for line in lines if line.startswith("SPOPUB-"))
    private_text = next(line for line in lines if line.startswith("SPO-"))

    # When the operator creates the organisation with its public key
    out = StringIO()
    call_command(
        "create_organisation",
        "--name",
        "Rainbow Route",
        "--kind",
        "case_organisation",
        "--admin-email",
        "founder@example.org",
        "--recovery-public-key",
        public_text,
        stdout=out,
    )
    path = out.getvalue().strip().splitlines()[-1].split("127.0.0.1:8000", 1)[1]
    password = "amber river crossing nineteen"
    Client().post(
        path, {"display_name": "Founder", "password": password, "password_again": password}
    )

    # Then the keyring holds the public key only; the first admin holds the team key
    keyring = OrganisationKeyring.objects.get(organisation__name="Rainbow Route")
    assert bytes(keyring.recovery_public_key) == public_key_from_text(public_text).raw
    assert private_text.encode() not in bytes(keyring.recovery_public_key)
    assert keyring.team_public_key is not None
    assert StaffKeyPair.objects.filter(user__email="founder@example.org").exists()
    assert TeamKeyCopy.objects.filter(user__email="founder@example.org").count() == 1


def test_a_mistyped_recovery_public_key_is_refused_and_nothing_is_created() -> None:
    public_text = next(line for line in _sheet() if line.startswith("SPOPUB-"))
    mistyped = public_text[:-3] + ("AAA" if not public_text.endswith("AAA") else "BBB")

    with pytest.raises(CommandError, match="recovery-public-key"):
        call_command(
            "create_organisation",
            "--name",
            "Rainbow Route",
            "--kind",
            "case_organisation",
            "--admin-email",
            "founder@example.org",
            "--recovery-public-key",
            mistyped,
            stdout=StringIO(),
        )

    assert not Organisation.objects.exists()
