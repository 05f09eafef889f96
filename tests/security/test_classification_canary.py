"""SR-01 checked against the data: the registries say where personal data may sit in clear,
and a marker written through the real flows must be found nowhere else.

Staff markers (an e-mail address, a display name, a browser's user agent) go through an
invitation, a failed and a successful sign-in and the worker; donor markers (names and
addresses) through the public pledge form, a signed gift webhook and the worker. Then every
column of every table is read: a staff marker may only be in a column classified
``personal``, a donor marker in none at all (donor details are sealed, SR-32).
"""

import uuid
from collections.abc import Iterable

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from safepassage.accounts.actions import do_invite_member
from safepassage.accounts.models import Membership
from safepassage.accounts.roles import Role
from safepassage.core.classification import FieldClass
from safepassage.donations.models import Gift, Pledge
from safepassage.donations.pledges.tokens import new_submission_token
from safepassage.site.field_registry import installed_field_kinds
from tests.canary_support import encoded_forms
from tests.donations.gift_factories import deliver, gift_event, make_campaign
from tests.donations.pledges.factories import in_days, make_program
from tests.factories import OrganisationFactory, UserFactory, make_staff, sign_in

pytestmark = pytest.mark.django_db(transaction=True)  # the worker closes its connection


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")


def _columns_holding(markers: Iterable[str]) -> set[str]:
    """``app.Model.field`` of every column whose value holds a marker in any encoded form."""
    forms = [form for marker in markers for form in encoded_forms(marker)]
    found: set[str] = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:  # the same table as its base, read there
            continue
        names = [field.name for field in model._meta.concrete_fields]
        attnames = [field.attname for field in model._meta.concrete_fields]
        for row in model._default_manager.values_list(*attnames):
            for name, value in zip(names, row, strict=True):
                raw = bytes(value) if isinstance(value, (bytes, memoryview)) else str(value)
                stored = raw if isinstance(raw, bytes) else raw.encode()
                if any(form in stored for form in forms):
                    found.add(f"{model._meta.app_label}.{model.__name__}.{name}")
    return found


def test_staff_markers_sit_only_in_columns_classified_personal() -> None:
    # Given a staff member whose address, name and browser are markers
    tag = uuid.uuid4().hex
    email, name, agent = f"canary-{tag}@example.org", f"Canary{tag}Name", f"CanaryAgent{tag}"
    user = UserFactory.create(email=email, display_name=name)
    admin = make_staff(Role.ADMIN)
    Membership.objects.create(user=user, organisation=admin.organisation, role=Role.CASEWORKER)

    # When they are invited elsewhere, fail a sign-in, sign in and the worker runs
    do_invite_member(
        inviter=admin.user,
        organisation=OrganisationFactory.create(),
        email=email,
        role=Role.VIEWER,
    )
    Client(HTTP_USER_AGENT=agent).post(
        reverse("accounts:login"), {"email": email, "password": "not the password"}
    )
    sign_in(Client(HTTP_USER_AGENT=agent), admin).get(reverse("site:dashboard"))
    _run_worker()

    # Then every column holding a marker is classified personal
    kinds = installed_field_kinds()
    holding = _columns_holding([email, name, agent])
    assert {"accounts.User.email", "accounts.Invitation.email"} <= holding, holding
    assert not _columns_holding([agent]), "axes keeps no user agent (decision 0048)"
    assert not _columns_holding([name]), "display names are sealed (decision 0052)"
    for column in holding:
        model, field = column.rsplit(".", 1)
        assert kinds[model][field].kind is FieldClass.PERSONAL, column


def test_donor_markers_are_in_no_column_at_all() -> None:
    # Given donors whose names and addresses are markers
    tag = uuid.uuid4().hex
    pledger, pledger_email = f"Canary{tag}Pledger", f"pledger-{tag}@example.org"
    giver, giver_email = f"Canary{tag}Giver", f"giver-{tag}@example.org"
    campaign = make_campaign()

    # When one pledges through the public form, one gives through the provider, not
    # anonymously, and the worker sends their e-mails
    Client().post(
        reverse("donations:pledge"),
        {
            "program": make_program().pk,
            "miles": 40_000,
            "expires_on": in_days(200).isoformat(),
            "donor_name": pledger,
            "email": pledger_email,
            "submission_token": new_submission_token(),
        },
    )
    response = deliver(
        Client(),
        gift_event(
            id=f"evt_{tag}",
            campaign=str(campaign.public_id),
            donor={"name": giver, "email": giver_email, "anonymous": False},
        ),
    )
    _run_worker()

    # Then both were stored, sealed, and no column of any table holds them in any encoding
    assert response.status_code in {200, 201, 202}
    assert Pledge.objects.exclude(donor_email_envelope=None).count() == 1
    assert Gift.objects.exclude(donor_name_envelope=None).count() == 1
    assert _columns_holding([pledger, pledger_email, giver, giver_email]) == set()


def test_the_scan_finds_a_marker_in_a_clear_column() -> None:
    # Given a marker written into a clear column on purpose
    tag = f"Canary{uuid.uuid4().hex}"
    OrganisationFactory.create(description=f"run by {tag}")

    # Then the scan names that column: it is not blind
    assert _columns_holding([tag]) == {"organisations.Organisation.description"}
