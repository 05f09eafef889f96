"""Linking a case to a pathway by its case code (not a drop-down of every waiting case):
the code as caseworkers see it links the case; an unknown code, the code of a case the user
does not work on and the code of another organisation's case all get the same answer
(SR-15), with nothing written; the page does not grow with the number of cases."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import Membership
from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.cases.models import Case
from safepassage.pathways.models import CasePathway, Pathway
from tests.factories import StaffMember, make_staff, sign_in
from tests.pathways.factories import link, make_clear_case, make_pathway
from tests.site.list_queries import queries_to_get

pytestmark = pytest.mark.django_db

NOT_FOUND = "No open case you work on in this organisation has this code"


def _link_url(pathway: Pathway) -> str:
    return reverse("pathways:link_case", kwargs={"pathway_id": pathway.public_id})


def _detail_url(pathway: Pathway) -> str:
    return reverse("pathways:detail", kwargs={"pathway_id": pathway.public_id})


def _caseworker_with_case() -> tuple[StaffMember, Case, Pathway]:
    caseworker = make_staff(Role.CASEWORKER)
    case = make_clear_case(organisation=caseworker.organisation, members=(caseworker.user,))
    return caseworker, case, make_pathway(organisation=caseworker.organisation)


def _writes() -> tuple[int, int]:
    return CasePathway.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code,
        lambda code: code.lower(),
        lambda code: code.replace("-", " "),
        lambda code: f"  {code.replace('-', '')}  ",
    ],
    ids=["as shown", "lower case", "spaces", "no dashes"],
)
def test_a_caseworker_links_their_case_by_its_code(typed: object) -> None:
    # Given a caseworker on a waiting case and a pathway of their organisation
    caseworker, case, pathway = _caseworker_with_case()
    client = sign_in(Client(), caseworker)

    # When they type the case's code (as written down) and link it
    response = client.post(_link_url(pathway), {"code": typed(case.code)})  # type: ignore[operator]  # a lambda

    # Then the case waits on the pathway, audited
    assert response.status_code == 302
    assert CasePathway.objects.filter(case=case, pathway=pathway).exists()
    assert AuditEvent.objects.filter(action="pathway.case_linked").exists()


def _refused_answer(client: Client, pathway: Pathway, code: str) -> str:
    before = _writes()
    response = client.post(_link_url(pathway), {"code": code})
    assert response.status_code == 200
    assert _writes() == before
    page = response.content.decode()
    assert NOT_FOUND in page
    # Apart from the values (the code typed, the CSRF token) and the script nonce
    return re.sub(r'(value|nonce)="[^"]*"', "", page)


def test_unknown_unseen_and_foreign_codes_all_get_the_same_answer_and_nothing_is_written() -> None:
    # Given a caseworker, a case of their organisation they do not work on, a case of
    # another organisation they work on (they belong to it too), and a closed case of theirs
    caseworker, _case, pathway = _caseworker_with_case()
    not_theirs = make_clear_case(organisation=caseworker.organisation)
    other = make_staff(Role.CASEWORKER)
    Membership.objects.create(
        user=caseworker.user, organisation=other.organisation, role=Role.CASEWORKER
    )
    foreign = make_clear_case(organisation=other.organisation, members=(caseworker.user,))
    closed = make_clear_case(
        organisation=caseworker.organisation, state="closed", members=(caseworker.user,)
    )
    client = sign_in(Client(), caseworker)

    # When they type each code, and one that exists nowhere
    answers = {
        _refused_answer(client, pathway, code)
        for code in (not_theirs.code, foreign.code, closed.code, "ZZZZ-ZZZZ-ZZ", "nonsense")
    }

    # Then every answer is the same page (the code typed aside) and nothing was linked
    assert len(answers) == 1
    assert not CasePathway.objects.exists()


def test_a_case_already_waiting_is_said_to_be_waiting() -> None:
    caseworker, case, pathway = _caseworker_with_case()
    link(case=case, pathway=pathway)
    before = _writes()

    response = sign_in(Client(), caseworker).post(_link_url(pathway), {"code": case.code})

    assert response.status_code == 200
    assert "already waiting on this pathway" in response.content.decode()
    assert _writes() == before


def test_an_empty_code_is_asked_for() -> None:
    caseworker, _case, pathway = _caseworker_with_case()

    response = sign_in(Client(), caseworker).post(_link_url(pathway), {"code": ""})

    assert response.status_code == 200
    assert not CasePathway.objects.exists()


def test_roles_that_do_not_change_pathways_cannot_link_and_nothing_is_written() -> None:
    caseworker, case, pathway = _caseworker_with_case()
    viewer = make_staff(Role.VIEWER, caseworker.organisation)
    before = _writes()

    response = sign_in(Client(), viewer).post(_link_url(pathway), {"code": case.code})

    assert response.status_code == 403
    assert _writes() == before


def test_the_pages_do_not_grow_with_the_number_of_waiting_cases() -> None:
    # Given a caseworker with one waiting case, measured, then 40 more
    caseworker, case, pathway = _caseworker_with_case()
    client = sign_in(Client(), caseworker)
    few = {url: queries_to_get(client, url) for url in (_detail_url(pathway), _link_url(pathway))}
    sizes = {url: len(client.get(url).content) for url in few}
    more = [
        make_clear_case(organisation=caseworker.organisation, members=(caseworker.user,))
        for _ in range(40)
    ]

    # When the pathway's page and its link page are read again
    many = {url: queries_to_get(client, url) for url in few}

    # Then they run the same queries, stay the same size and list none of the cases
    assert many == few
    for url, size in sizes.items():
        page = client.get(url).content.decode()
        assert len(page.encode()) == size
        assert not any(other.code in page for other in [case, *more])
    # and the pathway's page offers the code field without JavaScript
    assert 'name="code"' in client.get(_detail_url(pathway)).content.decode()
