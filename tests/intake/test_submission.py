"""Intake on arrival (SR-05): sealed to public keys only, a new case in the triage queue,
readable by the case team after taking it and by nobody without keys; the codename is
never stored (SR-10, SR-14) and no client address or user agent is kept (SR-16)."""

import logging

import pytest
from django.db import connection
from django.test import Client

from safepassage.accounts.roles import Role
from safepassage.cases.models import Case, CaseGroupKey, CaseState, HolderKind
from safepassage.cases.sealing import case_key_id
from safepassage.cases.selectors import list_triage_queue, read_case_contents
from safepassage.core.crypto import (
    CryptoError,
    SensitiveGroup,
    generate_key_pair,
    generate_organisation_recovery_key,
    normalise_codename,
    parse_organisation_recovery_key,
    unwrap_group_key,
)
from safepassage.intake.models import Applicant
from safepassage.intake.submission_tokens import new_submission_token
from safepassage.intake.wordlists import WordListName, load_word_list
from tests.cases.factories import keyed_organisation, make_keyed_staff, sign_in_with_keys
from tests.intake.factories import ANSWERS, intake_world, submit, take

pytestmark = pytest.mark.django_db

CLIENT_ADDRESS = "203.0.113.77"
USER_AGENT = "CanaryBrowser/9.41 (UserAgentMarker)"


def _database_text() -> bytes:
    """Every row of every table, as bytes, to scan for values that must not be there."""
    chunks: list[bytes] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608  # table names from introspection
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        chunks.append(bytes(value))
                    elif value is not None:
                        chunks.append(str(value).encode("utf-8"))
    return b"\n".join(chunks)


def test_a_request_becomes_a_new_case_in_the_triage_queue() -> None:
    # given an organisation that can receive intakes
    world = intake_world()
    # when someone asks for help
    receipt = submit(world.organisation)
    # then a new, untaken case with clear workflow fields only waits in the queue
    case = Case.objects.get(code=receipt.case_code)
    assert case.state == CaseState.NEW
    assert (case.party_size, case.priority, case.origin, case.destination) == (3, 3, "", "")
    assert list(list_triage_queue(user=world.caseworker.user)) == [case]
    assert not case.members.exists()
    holders = set(CaseGroupKey.objects.filter(case=case).values_list("holder_kind", flat=True))
    assert holders == {HolderKind.TEAM, HolderKind.RECOVERY}


def test_the_caseworker_who_takes_it_reads_every_answer() -> None:
    # given a submitted request
    world = intake_world()
    receipt = submit(world.organisation)
    # when a case-team member takes it and opens it with their own keys
    case = take(world, receipt)
    contents = read_case_contents(
        case=case, user=world.caseworker.user, key_pair=world.caseworker.key_pair
    )
    # then every answer is there
    assert contents.groups["identity"] == {
        "full_name": ANSWERS["name"],
        "other_names": "",
        "travelling_with": ANSWERS["travelling_with"],
    }
    assert contents.groups["contact"] == {"contact": ANSWERS["contact"]}
    assert contents.groups["location"] == {"current_location": ANSWERS["location"]}
    assert contents.groups["narrative"] == {"story": ANSWERS["story"]}


def test_the_recovery_key_opens_it_and_other_keys_do_not() -> None:
    # given a submitted request
    world = intake_world()
    case = Case.objects.get(code=submit(world.organisation).case_code)
    copies = CaseGroupKey.objects.filter(case=case, group=SensitiveGroup.IDENTITY.value)
    recovery_copy = copies.get(holder_kind=HolderKind.RECOVERY)
    # when the offline recovery key opens its copy
    key = unwrap_group_key(
        envelope=bytes(recovery_copy.envelope),
        private_key=parse_organisation_recovery_key(
            text=world.recovery.private_key_text, expected_public_key=world.recovery.public_key
        ),
        case_id=case_key_id(case),
        group=SensitiveGroup.IDENTITY,
    )
    # then it is the identity key; a stranger's key opens no copy at all
    assert key.group is SensitiveGroup.IDENTITY
    stranger = generate_key_pair().private_key
    for copy in copies:
        with pytest.raises(CryptoError):
            unwrap_group_key(
                envelope=bytes(copy.envelope),
                private_key=stranger,
                case_id=case_key_id(case),
                group=SensitiveGroup.IDENTITY,
            )


def test_another_organisations_caseworker_reads_nothing() -> None:
    # given a request to one organisation and a caseworker of another
    world = intake_world()
    case = Case.objects.get(code=submit(world.organisation).case_code)
    other_organisation, _recovery = keyed_organisation()
    outsider = make_keyed_staff(Role.CASEWORKER, other_organisation)
    # when they open it with their keys
    contents = read_case_contents(case=case, user=outsider.user, key_pair=outsider.key_pair)
    # then nothing opens, and the case is not in their queue
    assert set(contents.groups.values()) == {None}
    assert case not in list_triage_queue(user=outsider.user)


def test_intake_needs_no_private_key_on_the_server() -> None:
    # given an organisation whose team and recovery keys exist only as public keys
    # (nobody on the server holds any private half: no staff key pair, no team key copy)
    from safepassage.cases.models import OrganisationKeyring, StaffKeyPair, TeamKeyCopy
    from tests.factories import OrganisationFactory

    organisation = OrganisationFactory.create()
    team = generate_key_pair()
    OrganisationKeyring.objects.create(
        organisation=organisation,
        recovery_public_key=generate_organisation_recovery_key().public_key.raw,
        team_public_key=team.public_key.raw,
    )
    assert not StaffKeyPair.objects.exists()
    assert not TeamKeyCopy.objects.exists()
    # when a request arrives
    receipt = submit(organisation)
    # then it is stored, and only the (offline) team private key opens the team copy
    case = Case.objects.get(code=receipt.case_code)
    team_copy = CaseGroupKey.objects.get(
        case=case, group=SensitiveGroup.NARRATIVE.value, holder_kind=HolderKind.TEAM
    )
    key = unwrap_group_key(
        envelope=bytes(team_copy.envelope),
        private_key=team.private_key,
        case_id=case_key_id(case),
        group=SensitiveGroup.NARRATIVE,
    )
    assert key.group is SensitiveGroup.NARRATIVE


@pytest.mark.parametrize("word_list", list(WordListName))
def test_the_codename_is_seven_words_of_the_chosen_list(word_list: WordListName) -> None:
    world = intake_world()
    receipt = submit(world.organisation, word_list=word_list)
    assert len(receipt.codename.split()) == 7
    assert load_word_list(word_list).contains_codename(receipt.codename)


def test_no_answer_codename_address_or_user_agent_is_stored_or_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given an organisation that can receive intakes, and every log record captured
    world = intake_world()
    caplog.set_level(logging.DEBUG)
    client = Client(REMOTE_ADDR=CLIENT_ADDRESS, HTTP_USER_AGENT=USER_AGENT)
    # when someone submits the form, checks their request and sends a message
    response = client.post(
        "/help/",
        {
            "submission": new_submission_token(),
            "organisation": str(world.organisation.public_id),
            "party_size": "2",
            "urgency": "immediate",
            "word_list": "ru",
            **ANSWERS,
        },
    )
    assert response.status_code == 200
    codename = response.context["receipt"].codename
    case_code = response.context["receipt"].case_code
    client.post("/help/check/", {"codename": codename, "case_code": case_code})
    client.post("/help/status/", {"body": "Canary-Message-3e9f"})
    # then neither the database nor any log line holds any of it
    stored = _database_text()
    logged = "\n".join(
        record.getMessage() + repr(record.args) + repr(record.__dict__) for record in caplog.records
    ).encode("utf-8")
    markers = [*ANSWERS.values(), "Canary-Message-3e9f", CLIENT_ADDRESS, USER_AGENT]
    markers += [codename, normalise_codename(codename), *codename.split()[:1]]
    for marker in markers:
        for haystack, where in ((stored, "database"), (logged, "logs")):
            assert marker.encode("utf-8") not in haystack, f"{marker!r} found in the {where}"
    assert Applicant.objects.count() == 1


def test_the_demo_holds_one_intake_with_a_message_for_the_case_team() -> None:
    from io import StringIO

    from django.core.management import call_command

    from safepassage.intake.models import Message

    call_command("demo", stdout=StringIO())
    applicant = Applicant.objects.select_related("case").get()
    assert applicant.case.state == CaseState.NEW
    assert applicant.case.organisation.name == "Northern Path"
    assert Message.objects.filter(case=applicant.case).count() == 1


def test_staff_see_the_intake_name_as_what_the_person_asked_to_be_called() -> None:
    # Given a request whose person gave a name (any name or nickname, the form says)
    world = intake_world()
    case = take(world, submit(world.organisation))
    client = sign_in_with_keys(Client(), world.caseworker)

    # When the caseworker opens the case
    page = client.get(f"/cases/{case.public_id}/").content.decode()

    # Then the name is not presented as a full (passport) name
    assert ANSWERS["name"] in page
    assert "Name they gave (not necessarily their real name)" in page
    assert "<dt>Full name</dt>" not in page
