"""Pathway pages: who may read and change a board, what is stored, what is audited."""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.pathways.models import CasePathway, Pathway, PathwayContact, PathwayQuota, Stance
from tests.factories import make_staff, sign_in
from tests.pathways.factories import link, make_clear_case, make_pathway

pytestmark = pytest.mark.django_db


def test_a_caseworker_opens_a_board_and_it_is_audited() -> None:
    # given a caseworker
    caseworker = make_staff(Role.CASEWORKER)
    client = sign_in(Client(), caseworker)

    # when they open a board for Lithuania
    response = client.post(
        reverse("pathways:create"),
        {
            "organisation": str(caseworker.organisation.public_id),
            "country": "LT",
            "stance": Stance.PLEDGED,
            "notes": "Ministry agreed in principle.",
        },
    )

    # then the pathway exists with sealed notes, and the audit names only ids
    pathway = Pathway.objects.get(organisation=caseworker.organisation)
    assert response.status_code == 302
    assert pathway.country == "LT"
    assert pathway.notes is not None
    assert b"Ministry" not in bytes(pathway.notes)
    event = AuditEvent.objects.get(action="pathway.created")
    assert event.object_ref == str(pathway.public_id)
    assert event.actor == str(caseworker.user.public_id)
    page = client.get(reverse("pathways:detail", kwargs={"pathway_id": pathway.public_id}))
    assert "Ministry agreed in principle." in page.content.decode()


def test_an_unknown_country_and_a_second_board_for_a_country_are_refused() -> None:
    caseworker = make_staff(Role.CASEWORKER)
    make_pathway(organisation=caseworker.organisation, country="FR")
    client = sign_in(Client(), caseworker)
    data = {"organisation": str(caseworker.organisation.public_id), "stance": Stance.PLEDGED}

    for country in ("FR", "XX"):
        response = client.post(reverse("pathways:create"), data | {"country": country})
        assert response.status_code == 200

    assert Pathway.objects.count() == 1
    assert not AuditEvent.objects.filter(action="pathway.created").exists()


def test_contacts_are_sealed_shown_to_a_coordinator_and_editable_only_by_case_team() -> None:
    # given a pathway and a travel coordinator of the same organisation
    admin = make_staff(Role.ADMIN)
    coordinator = make_staff(Role.TRAVEL_COORDINATOR, admin.organisation)
    pathway = make_pathway(organisation=admin.organisation)
    add_contact = reverse("pathways:add_contact", kwargs={"pathway_id": pathway.public_id})
    contact = {"kind": "official", "name": "Ona Official", "affiliation": "MFA", "reach": "x"}

    # when the admin adds a contact and the coordinator tries to
    sign_in(Client(), admin).post(add_contact, contact)
    refused = sign_in(Client(), coordinator).post(add_contact, contact | {"name": "Other"})

    # then one sealed contact exists, the coordinator reads it but could add nothing
    stored = PathwayContact.objects.get()
    assert refused.status_code == 403
    assert b"Ona" not in bytes(stored.details)
    assert AuditEvent.objects.filter(action="pathway.contact_added").count() == 1
    page = sign_in(Client(), coordinator).get(
        reverse("pathways:detail", kwargs={"pathway_id": pathway.public_id})
    )
    assert "Ona Official" in page.content.decode()


@pytest.mark.parametrize("role", [Role.FUNDRAISER, Role.VIEWER])
def test_roles_without_pathway_permissions_see_and_change_nothing(role: str) -> None:
    # given a pathway with a contact
    admin = make_staff(Role.ADMIN)
    pathway = make_pathway(organisation=admin.organisation)
    sign_in(Client(), admin).post(
        reverse("pathways:add_contact", kwargs={"pathway_id": pathway.public_id}),
        {"kind": "ngo", "name": "Secret Name", "affiliation": "", "reach": ""},
    )
    events = AuditEvent.objects.count()
    client = sign_in(Client(), make_staff(role, admin.organisation))

    # when they try to read and change it
    detail = client.get(reverse("pathways:detail", kwargs={"pathway_id": pathway.public_id}))
    edit = client.post(
        reverse("pathways:edit", kwargs={"pathway_id": pathway.public_id}),
        {"stance": Stance.NO_ACTION, "notes": ""},
    )

    # then both are refused and nothing changed
    assert detail.status_code == 403
    assert edit.status_code == 403
    assert "Secret Name" not in detail.content.decode()
    pathway.refresh_from_db()
    assert pathway.stance == Stance.PLEDGED
    assert AuditEvent.objects.count() == events


def test_another_organisations_admin_gets_404_and_changes_nothing() -> None:
    admin = make_staff(Role.ADMIN)
    pathway = make_pathway(organisation=admin.organisation)
    outsider = sign_in(Client(), make_staff(Role.ADMIN))
    kwargs = {"pathway_id": pathway.public_id}

    detail = outsider.get(reverse("pathways:detail", kwargs=kwargs))
    quota = outsider.post(
        reverse("pathways:quota", kwargs=kwargs), {"year": 2026, "total": 10, "used": 1}
    )

    assert detail.status_code == 404
    assert quota.status_code == 404
    assert not PathwayQuota.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="pathway.").exists()


def test_a_quota_cannot_be_used_beyond_its_places() -> None:
    admin = make_staff(Role.ADMIN)
    pathway = make_pathway(organisation=admin.organisation)
    client = sign_in(Client(), admin)
    url = reverse("pathways:quota", kwargs={"pathway_id": pathway.public_id})

    refused = client.post(url, {"year": 2026, "total": 5, "used": 6})
    accepted = client.post(url, {"year": 2026, "total": 5, "used": 2})

    assert refused.status_code == 200
    assert accepted.status_code == 302
    assert PathwayQuota.objects.get().used == 2
    board = client.get(reverse("pathways:board")).content.decode()
    assert "Lithuania" in board


def test_a_caseworker_links_and_unlinks_their_case_from_the_board_and_the_case_page() -> None:
    # given a caseworker on a case and two pathways
    caseworker = make_staff(Role.CASEWORKER)
    case = make_clear_case(organisation=caseworker.organisation, members=(caseworker.user,))
    lithuania = make_pathway(organisation=caseworker.organisation, country="LT")
    france = make_pathway(organisation=caseworker.organisation, country="FR")
    client = sign_in(Client(), caseworker)

    # when they link it to Lithuania from the board and to France from the case page
    client.post(
        reverse("pathways:link_case", kwargs={"pathway_id": lithuania.public_id}),
        {"code": case.code},
    )
    client.post(
        reverse("pathways:case_pathways", kwargs={"case_id": case.public_id}),
        {"choice": str(france.public_id)},
    )
    client.post(
        reverse(
            "pathways:unlink_case",
            kwargs={"pathway_id": lithuania.public_id, "case_id": case.public_id},
        )
    )

    # then the case waits on France only, with each step audited by reference
    assert list(CasePathway.objects.values_list("pathway__country", flat=True)) == ["FR"]
    assert AuditEvent.objects.filter(action="pathway.case_linked").count() == 2
    unlinked = AuditEvent.objects.get(action="pathway.case_unlinked")
    assert unlinked.object_ref == str(lithuania.public_id)
    assert AuditEvent.objects.get(action="case.pathway_unlinked").object_ref == str(case.public_id)


def test_a_case_cannot_be_linked_by_someone_not_working_on_it() -> None:
    caseworker = make_staff(Role.CASEWORKER)
    case = make_clear_case(organisation=caseworker.organisation)
    pathway = make_pathway(organisation=caseworker.organisation)
    client = sign_in(Client(), caseworker)

    response = client.post(
        reverse("pathways:link_case", kwargs={"pathway_id": pathway.public_id}),
        {"code": case.code},
    )

    assert response.status_code == 200  # the code of a case they do not work on is refused
    assert not CasePathway.objects.exists()
    assert (
        client.get(
            reverse("pathways:case_pathways", kwargs={"case_id": case.public_id})
        ).status_code
        == 404
    )


def test_the_board_lists_waiting_cases_with_workflow_fields_only() -> None:
    caseworker = make_staff(Role.CASEWORKER)
    pathway = make_pathway(organisation=caseworker.organisation)
    waiting = make_clear_case(organisation=caseworker.organisation, party_size=3)
    gone = make_clear_case(organisation=caseworker.organisation, state="arrived")
    link(case=waiting, pathway=pathway)
    link(case=gone, pathway=pathway)
    client = sign_in(Client(), caseworker)

    board = client.get(reverse("pathways:board")).content.decode()
    detail = client.get(
        reverse("pathways:detail", kwargs={"pathway_id": pathway.public_id})
    ).content.decode()

    assert "<td>1</td>" in board  # one waiting; the arrived case no longer waits
    assert waiting.code in detail
    assert gone.code in detail


def test_an_admin_removes_a_contact_and_a_visa_type_and_both_are_audited() -> None:
    # given a pathway with one contact and one visa type
    admin = make_staff(Role.ADMIN)
    pathway = make_pathway(organisation=admin.organisation)
    client = sign_in(Client(), admin)
    kwargs = {"pathway_id": pathway.public_id}
    client.post(
        reverse("pathways:add_contact", kwargs=kwargs),
        {"kind": "ngo", "name": "N", "affiliation": "", "reach": ""},
    )
    client.post(
        reverse("pathways:add_visa_type", kwargs=kwargs),
        {"name": "D", "typical_processing_days": "30", "notes": "Bring two photos."},
    )
    contact, visa = pathway.contacts.get(), pathway.visa_types.get()
    assert visa.notes is not None
    assert b"photos" not in bytes(visa.notes)

    # when the admin confirms both removals (a GET only asks)
    remove_contact = reverse(
        "pathways:remove_contact", kwargs=kwargs | {"contact_id": contact.public_id}
    )
    remove_visa = reverse(
        "pathways:remove_visa_type", kwargs=kwargs | {"visa_type_id": visa.public_id}
    )
    client.get(remove_contact)
    assert pathway.contacts.exists()
    client.post(remove_contact)
    client.post(remove_visa)

    # then both are gone, each removal audited by reference
    assert not pathway.contacts.exists()
    assert not pathway.visa_types.exists()
    assert AuditEvent.objects.get(action="pathway.contact_removed").object_ref == str(
        contact.public_id
    )
    assert AuditEvent.objects.get(action="pathway.visa_type_removed").object_ref == str(
        visa.public_id
    )
