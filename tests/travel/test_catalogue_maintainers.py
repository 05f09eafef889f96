"""Who may edit the network-wide travel catalogue (decision 0017): catalogue maintainers named
by the operator, never an organisation role; edits need a recent authentication."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import Membership
from safepassage.accounts.roles import INSTANCE_PERMISSIONS, ROLE_PERMISSIONS, Role
from safepassage.audit.models import AuditEvent
from safepassage.donations.models import Program
from safepassage.travel.actions import CATALOGUE_MAINTAINERS_GROUP
from safepassage.travel.demo import seed_demo_catalogue_maintainer
from safepassage.travel.models import (
    AllianceMembership,
    AwardChart,
    CarrierAlliance,
    CashRule,
    ChartBand,
    ProgramCarrier,
)
from tests.factories import StaffMember, make_staff, sign_in
from tests.travel.factories import chart_form_data

pytestmark = pytest.mark.django_db

MAINTAIN = "travel.maintain_catalogue"


def _catalogue() -> tuple[object, ...]:
    """Everything a catalogue edit could write, plus audit events and mail."""
    return (
        sorted(ProgramCarrier.objects.values_list("program__code", "carrier", "relation")),
        sorted(AllianceMembership.objects.values_list("alliance__code", "carrier", "suspended")),
        sorted(ChartBand.objects.values_list("chart__program__code", "min_miles", "miles")),
        sorted(CashRule.objects.values_list("chart__program__code", "route_type", "taxes")),
        sorted(AwardChart.objects.values_list("program__code", "name", "source")),
        AuditEvent.objects.count(),
        len(mail.outbox),
    )


def _grant(staff: StaffMember) -> None:
    call_command("catalogue_maintainers", "grant", "--email", staff.user.email, stdout=None)


def _ey_post(**changes: str) -> dict[str, str]:
    return chart_form_data(AwardChart.objects.get(program__code="EY"), **changes)


def _remove_post() -> dict[str, str]:
    row = ProgramCarrier.objects.order_by("pk").first()
    assert row is not None
    return {"kind": "program", "id": str(row.pk)}


def _alliance_post() -> dict[str, str]:
    alliance = CarrierAlliance.objects.order_by("pk").first()
    assert alliance is not None
    return {
        "alliance": str(alliance.pk),
        "carrier": "ZZ",
        "source": "an admin's guess",
        "as_of": "2026-11-25",
    }


EDITS: dict[str, tuple[str, dict[str, str], Callable[[], dict[str, str]]]] = {
    "chart": (
        "travel:chart_edit",
        {"program_code": "EY"},
        lambda: _ey_post(**{"bands-0-miles": "1"}),
    ),
    "program carrier": (
        "travel:program_carrier_add",
        {},
        lambda: {
            "program": str(Program.objects.get(code="TK").pk),
            "carrier": "ZZ",
            "relation": "bilateral",
            "source": "an admin's guess",
            "as_of": "2026-11-25",
        },
    ),
    "alliance member": ("travel:alliance_member_add", {}, _alliance_post),
    "removal": ("travel:partnership_remove", {}, _remove_post),
}


def test_no_organisation_role_grants_the_catalogue() -> None:
    # The permission is instance-level: no role of any organisation holds it
    assert all(MAINTAIN not in granted for granted in ROLE_PERMISSIONS.values())
    assert MAINTAIN in INSTANCE_PERMISSIONS
    # and every instance-level name is a real permission
    for name in INSTANCE_PERMISSIONS:
        app_label, codename = name.split(".")
        assert Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).exists()


@pytest.mark.parametrize("edit", sorted(EDITS))
@pytest.mark.parametrize("role", [Role.ADMIN, Role.TRAVEL_COORDINATOR])
def test_an_organisation_admin_cannot_change_the_shared_catalogue(edit: str, role: str) -> None:
    # Given an organisation admin (or coordinator) who is not a catalogue maintainer
    client = sign_in(Client(), make_staff(role))
    name, kwargs, post = EDITS[edit]
    before = _catalogue()

    # When they open the edit page and post a change
    page = client.get(reverse(name, kwargs=kwargs))
    response = client.post(reverse(name, kwargs=kwargs), post())

    # Then both are refused and nothing is written, audited or sent
    assert (page.status_code, response.status_code) == (403, 403)
    assert _catalogue() == before


def test_the_programs_page_offers_no_edit_links_to_an_admin() -> None:
    client = sign_in(Client(), make_staff(Role.ADMIN))
    page = client.get(reverse("travel:programs")).content.decode()
    assert reverse("travel:chart_edit", kwargs={"program_code": "EY"}) not in page
    assert reverse("travel:partnership_remove") not in page


def test_a_maintainer_named_by_the_operator_corrects_a_chart() -> None:
    # Given a coordinator the operator made a catalogue maintainer
    staff = make_staff(Role.TRAVEL_COORDINATOR)
    _grant(staff)
    client = sign_in(Client(), staff)
    url = reverse("travel:chart_edit", kwargs={"program_code": "EY"})

    # When they open the chart and change a band
    assert client.get(url).status_code == 200
    response = client.post(url, _ey_post(**{"bands-0-miles": "7500"}))

    # Then it is saved and audited with their public id
    assert response.status_code == 302
    assert ChartBand.objects.get(chart__program__code="EY", min_miles=0).miles == 7500
    event = AuditEvent.objects.get(action="travel.award_chart_saved", object_ref="EY")
    assert event.actor == str(staff.user.public_id)
    programs = client.get(reverse("travel:programs")).content.decode()
    assert reverse("travel:chart_edit", kwargs={"program_code": "EY"}) in programs


def test_a_maintainer_with_a_stale_session_confirms_first_and_nothing_changes() -> None:
    # Given a maintainer whose last full authentication is old (SR-23)
    staff = make_staff(Role.ADMIN)
    _grant(staff)
    client = sign_in(Client(), staff, recently_authenticated=False)
    before = _catalogue()

    # When they post a chart change
    response = client.post(
        reverse("travel:chart_edit", kwargs={"program_code": "EY"}),
        _ey_post(**{"bands-0-miles": "1"}),
    )

    # Then they are sent to confirm it is them, and nothing changed
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert _catalogue() == before


def test_the_operator_grants_lists_and_revokes_with_audit_events(
    capsys: pytest.CaptureFixture[str],
) -> None:
    staff = make_staff(Role.ADMIN)
    user = staff.user

    call_command("catalogue_maintainers", "grant", "--email", user.email.upper())
    call_command("catalogue_maintainers", "grant", "--email", user.email)
    call_command("catalogue_maintainers", "list")
    assert user.has_perm(MAINTAIN)

    call_command("catalogue_maintainers", "revoke", "--email", user.email)
    output = capsys.readouterr().out
    assert "may now maintain" in output
    assert "already maintains" in output
    assert f"{user.public_id} {user.email}" in output
    assert "no longer maintains" in output
    user = type(user).objects.get(pk=user.pk)  # a fresh object: permissions are cached
    assert not user.has_perm(MAINTAIN)
    actions = list(
        AuditEvent.objects.filter(object_ref=str(user.public_id))
        .filter(action__startswith="travel.catalogue_maintainer_")
        .values_list("action", flat=True)
    )
    assert actions == ["travel.catalogue_maintainer_granted", "travel.catalogue_maintainer_revoked"]
    assert user.email not in "".join(AuditEvent.objects.values_list("object_ref", flat=True))


def test_the_operator_cannot_name_someone_without_a_role() -> None:
    staff = make_staff(Role.ADMIN)
    Membership.objects.filter(user=staff.user).delete()
    events = AuditEvent.objects.count()

    with pytest.raises(CommandError):
        call_command("catalogue_maintainers", "grant", "--email", staff.user.email)
    with pytest.raises(CommandError):
        call_command("catalogue_maintainers", "grant", "--email", "nobody@example.invalid")

    assert not Group.objects.filter(name=CATALOGUE_MAINTAINERS_GROUP, user=staff.user).exists()
    assert AuditEvent.objects.count() == events


def test_the_group_grants_only_the_catalogue_only_while_the_user_has_a_role() -> None:
    # Given a maintainer, and someone added the group a case permission by hand
    staff = make_staff(Role.FUNDRAISER)
    _grant(staff)
    group = Group.objects.get(name=CATALOGUE_MAINTAINERS_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="cases", codename="view_case")
    )
    user = type(staff.user).objects.get(pk=staff.user.pk)

    # Then the group grants the catalogue, nothing else, and never per organisation
    assert user.has_perm(MAINTAIN)
    assert not user.has_perm("cases.view_case")
    assert not user.has_perm(MAINTAIN, staff.organisation)

    # And someone who left every organisation loses it even while still in the group
    Membership.objects.filter(user=user).delete()
    user = type(user).objects.get(pk=user.pk)
    assert not user.has_perm(MAINTAIN)


def test_the_demo_names_one_catalogue_maintainer() -> None:
    admin, other_admin = make_staff(Role.ADMIN), make_staff(Role.ADMIN)

    seed_demo_catalogue_maintainer(email=admin.user.email)

    assert type(admin.user).objects.get(pk=admin.user.pk).has_perm(MAINTAIN)
    assert not type(other_admin.user).objects.get(pk=other_admin.user.pk).has_perm(MAINTAIN)


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "program", "id": "abc"},
        {"kind": "program", "id": "99999999999999999999999"},
        {"kind": "program", "id": "²"},  # a digit to str.isdigit(), not to int()
        {"kind": "alliance", "id": "١"},  # noqa: RUF001  # Arabic-Indic one: int() reads it as 1
        {"kind": "alliance", "id": "999999"},
        {"kind": "carrier", "id": "1"},
        {},
    ],
)
def test_a_malformed_removal_is_not_found_and_nothing_changes(body: dict[str, str]) -> None:
    staff = make_staff(Role.ADMIN)
    _grant(staff)
    client = sign_in(Client(), staff)
    before = _catalogue()

    response = client.post(reverse("travel:partnership_remove"), body)

    assert response.status_code == 404
    assert _catalogue() == before
