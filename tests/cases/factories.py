"""Staff with key pairs, organisations with recovery keys, and signed-in clients holding keys."""

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.key_session import cookie_name, seal_private_key_into_session
from safepassage.accounts.models import User
from safepassage.accounts.roles import Role
from safepassage.cases.actions import (
    CaseDetails,
    WorkflowFields,
    do_add_case_member,
    do_add_household_member,
    do_add_note,
    do_create_case,
    new_case_code,
)
from safepassage.cases.key_actions import do_enrol_staff_keys, do_set_organisation_recovery_key
from safepassage.cases.models import (
    Case,
    CaseDocument,
    CaseMember,
    CaseReferral,
    CaseTask,
    OrganisationKeyring,
)
from safepassage.cases.task_actions import do_add_task
from safepassage.core.crypto import (
    KeyPair,
    OrganisationRecoveryKey,
    PrivateKey,
    parse_organisation_recovery_key,
)
from safepassage.core.crypto import generate_organisation_recovery_key as new_recovery_key
from safepassage.organisations.models import Organisation, Partnership
from tests.factories import STAFF_PASSWORD, OrganisationFactory, StaffMember, make_staff, sign_in


@dataclass
class KeyedStaff:
    staff: StaffMember
    key_pair: KeyPair
    personal_recovery_key: str

    @property
    def user(self) -> User:
        return self.staff.user


def keyed_organisation() -> tuple[Organisation, OrganisationRecoveryKey]:
    """A new organisation whose recovery public key is set; returns the offline key too."""
    organisation = OrganisationFactory.create()
    recovery = new_recovery_key()
    do_set_organisation_recovery_key(
        organisation=organisation, recovery_public_key=recovery.public_key
    )
    return organisation, recovery


def make_keyed_staff(role: str, organisation: Organisation) -> KeyedStaff:
    """A staff member (password ``STAFF_PASSWORD``) with an enrolled key pair."""
    staff = make_staff(role, organisation)
    key_pair, personal = do_enrol_staff_keys(user=staff.user, password=STAFF_PASSWORD)
    return KeyedStaff(staff=staff, key_pair=key_pair, personal_recovery_key=personal)


def sign_in_with_keys(client: Client, keyed: KeyedStaff) -> Client:
    """Signed in fully, with the private key in the session as the real login leaves it."""
    sign_in(client, keyed.staff)
    session = client.session
    secret = seal_private_key_into_session(
        session=session, user=keyed.staff.user, key_pair=keyed.key_pair
    )
    session.save()
    client.cookies[cookie_name()] = secret
    return client


def make_case(
    *, actor: KeyedStaff, full_name: str = "Test Person", story: str = "A story.", **values: str
) -> Case:
    return do_create_case(
        actor=actor.staff.user,
        organisation=actor.staff.organisation,
        details=CaseDetails(full_name=full_name, story=story, **values),
        workflow=WorkflowFields(priority=2, risk=2, origin="GRV", destination="BER"),
    )


def make_full_case(
    *,
    owner: KeyedStaff,
    colleague: KeyedStaff,
    document: bytes,
    note: str = "A note",
    relative: str = "Household person",
    task: str = "A task",
    **details: str,
) -> Case:
    """A case with a value in every sealed column of the cases app (details, a note, a
    household member, a task, a document uploaded through the page) and ``colleague`` on
    it; ``details`` are make_case's (full_name, story, contact...)."""
    case = make_case(actor=owner, **details)
    do_add_case_member(actor=owner.user, key_pair=owner.key_pair, case=case, member=colleague.user)
    do_add_note(actor=owner.user, key_pair=owner.key_pair, case=case, body=note)
    do_add_household_member(
        actor=owner.user,
        key_pair=owner.key_pair,
        case=case,
        full_name=relative,
        relationship="sister",
        birth_year="1990",
    )
    do_add_task(
        actor=owner.user,
        key_pair=owner.key_pair,
        case=case,
        assignee=colleague.user,
        due_on=timezone.localdate(),
        text=task,
    )
    response = sign_in_with_keys(Client(), owner).post(
        reverse("cases:upload_document", kwargs={"case_id": case.public_id}),
        {"document": SimpleUploadedFile("a.pdf", document)},
    )
    assert response.status_code == 302
    return Case.objects.get(pk=case.pk)


def has_keyring(organisation: Organisation) -> bool:
    return OrganisationKeyring.objects.filter(organisation=organisation).exists()


def clear_case_for(*, organisation: Organisation, members: list[User]) -> Case:
    """The organisation's first case, created without keys if needed (for URL-level tests
    that never read sealed values), with ``members`` on it."""
    case = Case.objects.filter(organisation=organisation).order_by("pk").first()
    if case is None:
        today = timezone.localdate()
        case = Case.objects.create(
            organisation=organisation,
            code=new_case_code(),
            opened_on=today,
            state_changed_on=today,
        )
        CaseMember.objects.bulk_create(
            CaseMember(case=case, user=member, added_on=today) for member in members
        )
    return case


def clear_task_for(*, case: Case, assignee: User) -> CaseTask:
    """A task on ``case`` whose text envelope is a placeholder (for URL-level tests only)."""
    task = CaseTask.objects.filter(case=case).order_by("pk").first()
    if task is None:
        today = timezone.localdate()
        task = CaseTask.objects.create(
            case=case,
            assignee=assignee,
            created_by=assignee,
            created_on=today,
            due_on=today,
            text=b"placeholder",
        )
    return task


def clear_document_for(*, case: Case, uploader: User) -> CaseDocument:
    """A document row on ``case`` with placeholder envelopes and no file (URL-level tests)."""
    document = CaseDocument.objects.filter(case=case).order_by("pk").first()
    if document is None:
        document = CaseDocument.objects.create(
            case=case,
            uploaded_by=uploader,
            uploaded_on=timezone.localdate(),
            file_key=b"placeholder",
            details=b"placeholder",
        )
    return document


def recovery_private_key(recovery: OrganisationRecoveryKey) -> PrivateKey:
    """The private half of an organisation recovery key, as typed from its paper sheet."""
    return parse_organisation_recovery_key(
        text=recovery.private_key_text, expected_public_key=recovery.public_key
    )


def clear_referral_for(
    *, case: Case, to_organisation: Organisation, referred_by: User
) -> CaseReferral:
    """A waiting referral with a placeholder consent envelope (URL-level tests only)."""
    referral = CaseReferral.objects.filter(case=case, to_organisation=to_organisation).first()
    if referral is None:
        referral = CaseReferral.objects.create(
            case=case,
            from_organisation=case.organisation,
            to_organisation=to_organisation,
            referred_by=referred_by,
            referred_on=timezone.localdate(),
            sender_keeps_access=True,
            consent=b"placeholder",
        )
    return referral


def matrix_received_referral(*, organisation: Organisation) -> CaseReferral:
    """A referral to ``organisation`` of a case of another organisation (one per organisation)."""
    existing = CaseReferral.objects.filter(to_organisation=organisation).first()
    if existing is not None:
        return existing
    sender = make_staff("caseworker", OrganisationFactory.create())
    case = clear_case_for(organisation=sender.organisation, members=[sender.user])
    return clear_referral_for(case=case, to_organisation=organisation, referred_by=sender.user)


@dataclass
class ReferableCase:
    """A case of one organisation, ready to refer to a partner that has a caseworker."""

    case: Case
    sender: KeyedStaff
    receiver: Organisation

    def referral_form(self) -> dict[str, object]:
        """The referral form as a caseworker fills it in (identity shared, consent today)."""
        return {
            "to_organisation": str(self.receiver.public_id),
            "groups": ["identity"],
            "sender_keeps_access": "on",
            "consent_given_by": "The person",
            "consent_given_on": timezone.localdate().isoformat(),
            "consent_how": "In person",
        }


def referable_case() -> ReferableCase:
    """Two keyed organisations that list each other as partners, a caseworker in each,
    and a case of the first."""
    sender_organisation, _ = keyed_organisation()
    receiver_organisation, _ = keyed_organisation()
    Partnership.objects.create(organisation=sender_organisation, partner=receiver_organisation)
    Partnership.objects.create(organisation=receiver_organisation, partner=sender_organisation)
    sender = make_keyed_staff(Role.CASEWORKER, sender_organisation)
    make_keyed_staff(Role.CASEWORKER, receiver_organisation)
    return ReferableCase(
        case=make_case(actor=sender), sender=sender, receiver=receiver_organisation
    )
