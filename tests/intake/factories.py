"""An organisation that can receive intakes, its caseworkers, and submitted requests."""

from dataclasses import dataclass

from django.test import Client

from safepassage.accounts.roles import Role
from safepassage.cases.actions import do_take_case
from safepassage.cases.models import Case
from safepassage.core.crypto import OrganisationRecoveryKey
from safepassage.intake.actions import IntakeAnswers, IntakeReceipt, do_submit_intake
from safepassage.intake.submission_tokens import new_submission_token
from safepassage.intake.wordlists import WordListName
from safepassage.organisations.models import Organisation
from tests.cases.factories import KeyedStaff, keyed_organisation, make_keyed_staff

ANSWERS = {
    "name": "Canary-Name-7f3a",
    "contact": "Canary-Contact-91bd",
    "location": "Canary-Location-c0de",
    "travelling_with": "Canary-Travel-55e1",
    "story": "Canary-Story-a11c",
}


@dataclass
class IntakeWorld:
    organisation: Organisation
    recovery: OrganisationRecoveryKey
    caseworker: KeyedStaff


def intake_world() -> IntakeWorld:
    """An organisation with a recovery key and a caseworker holding the case-team key."""
    organisation, recovery = keyed_organisation()
    caseworker = make_keyed_staff(Role.CASEWORKER, organisation)
    return IntakeWorld(organisation=organisation, recovery=recovery, caseworker=caseworker)


def submit(
    organisation: Organisation,
    *,
    word_list: WordListName = WordListName.ENGLISH,
    **answers: str,
) -> IntakeReceipt:
    return do_submit_intake(
        organisation=organisation,
        answers=IntakeAnswers(**(ANSWERS | answers), party_size=3, urgency="days"),
        word_list=word_list,
    )


def take(world: IntakeWorld, receipt: IntakeReceipt) -> Case:
    case = Case.objects.get(code=receipt.case_code)
    do_take_case(actor=world.caseworker.user, key_pair=world.caseworker.key_pair, case=case)
    return case


def applicant_client(receipt: IntakeReceipt) -> Client:
    """A browser-less applicant signed in with codename and case code."""
    client = Client()
    response = client.post(
        "/help/check/", {"codename": receipt.codename, "case_code": receipt.case_code}
    )
    assert response.status_code == 302, response.content
    return client


def request_form(organisation: Organisation, **fields: str) -> dict[str, str]:
    """What the intake form posts, with a fresh one-time submission token."""
    return {
        "submission": new_submission_token(),
        "organisation": str(organisation.public_id),
        "party_size": "1",
        "urgency": "weeks",
        "word_list": "en",
        **ANSWERS,
        **fields,
    }
