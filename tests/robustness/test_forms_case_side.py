"""Bad input on the case side, with real keys: a clear error and nothing lost.

The permission matrix's world has no keys (its cases are placeholders), so its case forms
stop at "your keys are not unlocked". Here a keyed organisation with a partner, a keyed
caseworker signed in with her keys, a real case and a request from the applicant intake
meet the bad input of tests/robustness/bad_input.py: the case's forms (notes, household,
tasks, triage, state, referral, documents with empty and mislabelled files), the applicant
messages reply, taking an intake case, and the applicant's own pages (the request form,
the codename sign-in, the withdrawal).
"""

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.cases.models import Case
from tests.cases.factories import (
    KeyedStaff,
    make_keyed_staff,
    referable_case,
    sign_in_with_keys,
)
from tests.factories import OrganisationFactory, make_staff
from tests.intake.factories import applicant_client, submit
from tests.robustness.bad_input import Target, send_bad_input

pytestmark = pytest.mark.django_db


@dataclass
class CaseWorld:
    caseworker: KeyedStaff
    case: Case
    intake_case: Case
    applicant: Client


def _case_world() -> CaseWorld:
    referable = referable_case()
    organisation = referable.case.organisation
    # A second caseworker to assign tasks to and add to the case.
    make_keyed_staff("caseworker", organisation)
    receipt = submit(organisation)
    return CaseWorld(
        caseworker=referable.sender,
        case=referable.case,
        intake_case=Case.objects.get(code=receipt.case_code),
        applicant=applicant_client(receipt),
    )


def _foreign_ids() -> tuple[str, ...]:
    """Public ids of an organisation that is no partner, and of its caseworker."""
    outsider = make_staff("caseworker", OrganisationFactory.create())
    return (str(outsider.organisation.public_id), str(outsider.user.public_id))


def _staff_client(world: CaseWorld) -> Client:
    return sign_in_with_keys(Client(enforce_csrf_checks=True), world.caseworker)


CASE_FORMS = (
    "cases:add_note",
    "cases:add_household_member",
    "cases:add_task",
    "cases:add_member",
    "cases:workflow_fields",
    "cases:transition",
    "cases:refer",
    "cases:upload_document",
    "intake_staff:reply",
)


@pytest.mark.parametrize("name", CASE_FORMS)
def test_a_case_form_answers_bad_input_with_a_page_and_a_refusal_writes_nothing(
    name: str,
) -> None:
    # given a keyed caseworker on a real case
    world = _case_world()
    url = reverse(name, kwargs={"case_id": world.case.public_id})
    host = "intake_staff:messages" if name == "intake_staff:reply" else "cases:detail"
    target = Target(
        name=name,
        client=_staff_client(world),
        url=url,
        pages=(reverse(host, kwargs={"case_id": world.case.public_id}),),
        # The reply page shows the messages again, and opening them is audited.
        audited=("case.messages_viewed",) if name == "intake_staff:reply" else (),
        foreign_ids=_foreign_ids(),
    )
    # when its forms are sent bad input, then every answer is a page or a redirect and a
    # refusal wrote, sent and queued nothing
    send_bad_input(target)


def test_creating_a_case_and_taking_an_intake_case_survive_bad_input() -> None:
    # given a keyed caseworker and a request from the intake nobody has taken yet
    world = _case_world()
    client = _staff_client(world)
    for target in (
        Target(name="cases:create", client=client, url=reverse("cases:create")),
        Target(
            name="cases:take",
            client=client,
            url=reverse("cases:take", kwargs={"case_id": world.intake_case.public_id}),
            pages=(reverse("cases:queue"),),
        ),
    ):
        # when they are sent bad input, then each answers with a page or a redirect
        send_bad_input(target)


@pytest.mark.parametrize("name", ["intake:start", "intake:sign_in"])
def test_the_applicants_forms_survive_bad_input(name: str) -> None:
    # given an organisation ready for requests and an anonymous applicant
    _case_world()
    target = Target(name=name, client=Client(enforce_csrf_checks=True), url=reverse(name))
    # when the request form and the codename sign-in are sent bad input, then each answers
    # with a page (never a server error) and a refusal keeps nothing
    send_bad_input(target)


def test_the_applicants_withdrawal_survives_bad_input() -> None:
    # given an applicant signed in with codename and case code
    world = _case_world()
    client = world.applicant
    client.handler.enforce_csrf_checks = True
    target = Target(name="intake:withdraw", client=client, url=reverse("intake:withdraw"))
    # when the withdrawal is sent bad input, then it answers with a page or a redirect
    send_bad_input(target)
