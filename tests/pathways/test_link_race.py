"""Two identical "link this case" requests at once: the second is refused, not a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.pathways import actions, selectors
from safepassage.pathways.errors import CaseAlreadyLinked, CaseNotLinked
from safepassage.pathways.models import CasePathway
from tests.factories import make_staff, sign_in
from tests.pathways.factories import link, make_clear_case, make_pathway

pytestmark = pytest.mark.django_db


def test_a_link_made_after_the_check_is_refused_under_the_lock() -> None:
    # Given a request that passed check_link_case, then another request linked the case
    staff = make_staff(Role.CASEWORKER)
    case = make_clear_case(organisation=staff.organisation, members=(staff.user,))
    pathway = make_pathway(organisation=staff.organisation)
    actions.check_link_case(case=case, pathway=pathway)
    link(case=case, pathway=pathway)
    audited = AuditEvent.objects.count()

    # When the first request performs the link
    with pytest.raises(CaseAlreadyLinked):
        actions.do_link_case(actor=staff.user, case=case, pathway=pathway)

    # Then nothing more was written
    assert CasePathway.objects.count() == 1
    assert AuditEvent.objects.count() == audited


def test_the_unique_constraint_answers_already_linked_when_both_checks_passed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given two requests whose checks both passed before either wrote (no lock to wait on)
    staff = make_staff(Role.CASEWORKER)
    case = make_clear_case(organisation=staff.organisation, members=(staff.user,))
    pathway = make_pathway(organisation=staff.organisation)
    link(case=case, pathway=pathway)
    monkeypatch.setattr(actions, "check_link_case", lambda **_: None)
    audited = AuditEvent.objects.count()

    # When the second one writes, the constraint turns it into the typed refusal
    with pytest.raises(CaseAlreadyLinked):
        actions.do_link_case(actor=staff.user, case=case, pathway=pathway)
    assert CasePathway.objects.count() == 1
    assert AuditEvent.objects.count() == audited


def test_the_page_shows_the_refusal_when_the_link_appeared_after_its_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a caseworker whose page check passes although the case is already linked
    staff = make_staff(Role.CASEWORKER)
    case = make_clear_case(organisation=staff.organisation, members=(staff.user,))
    pathway = make_pathway(organisation=staff.organisation)
    link(case=case, pathway=pathway)
    monkeypatch.setattr(actions, "check_link_case", lambda **_: None)
    monkeypatch.setattr(
        selectors,
        "list_linkable_pathway_choices",
        lambda **_: [(str(pathway.public_id), "Lithuania")],
    )
    audited = AuditEvent.objects.count()

    # When they post the link from the case's page
    response = sign_in(Client(), staff).post(
        reverse("pathways:case_pathways", kwargs={"case_id": case.public_id}),
        {"choice": str(pathway.public_id)},
    )

    # Then the form says so and nothing was written
    assert response.status_code == 200
    assert "already waiting on this pathway" in response.content.decode()
    assert CasePathway.objects.count() == 1
    assert AuditEvent.objects.count() == audited


def test_an_unlink_of_a_link_already_gone_writes_nothing() -> None:
    # Given a request that saw the link, then another request removed it
    staff = make_staff(Role.CASEWORKER)
    case = make_clear_case(organisation=staff.organisation, members=(staff.user,))
    pathway = make_pathway(organisation=staff.organisation)
    link(case=case, pathway=pathway)
    actions.check_unlink_case(case=case, pathway=pathway)
    CasePathway.objects.all().delete()
    audited = AuditEvent.objects.count()

    # When the first request unlinks, it is refused and records no audit event
    with pytest.raises(CaseNotLinked):
        actions.do_unlink_case(actor=staff.user, case=case, pathway=pathway)
    assert AuditEvent.objects.count() == audited
