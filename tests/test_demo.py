"""``safepassage demo`` seeds a network with a user per role, once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import Membership
from safepassage.accounts.roles import Role
from safepassage.audit.selectors import get_chain_head, iter_chain_entries
from safepassage.core.audit_chain import verify_chain
from safepassage.organisations.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db


def test_demo_seeds_every_role_and_kind_and_its_credentials_work() -> None:
    out = StringIO()

    call_command("demo", stdout=out)

    assert set(Organisation.objects.values_list("kind", flat=True)) == set(OrganisationKind.values)
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    line = next(line for line in out.getvalue().splitlines() if "caseworker@" in line)
    email, password = line.split()[1], line.split()[-1]
    client = Client()
    client.post(reverse("accounts:login"), {"email": email, "password": password})
    code_out = StringIO()
    call_command("demo", "--code", email, stdout=code_out)
    client.post(reverse("accounts:two_factor"), {"code": code_out.getvalue().strip()})
    assert client.get(reverse("site:dashboard")).status_code == 200
    assert verify_chain(list(iter_chain_entries()), head=get_chain_head()) == []


def test_demo_runs_once_and_never_prints_credentials_again() -> None:
    call_command("demo", stdout=StringIO())
    out = StringIO()

    call_command("demo", stdout=out)

    assert "exists already" in out.getvalue()
    assert "password" not in out.getvalue()


def test_codes_are_only_printed_for_demo_users() -> None:
    with pytest.raises(CommandError, match="demo users only"):
        call_command("demo", "--code", "someone@example.org")
