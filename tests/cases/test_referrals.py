"""Referrals (SR-28, issue 4 item 5): partners only, consent sealed, keys re-wrapped to the
receiving team, keep or drop access, revocation; audited on both sides."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.reauthentication import SESSION_KEY as AUTHENTICATED_AT
from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.cases.errors import NotPartners
from safepassage.cases.key_actions import do_share_team_keys
from safepassage.cases.models import Case, CaseGroupKey, CaseMember, CaseReferral, HolderKind
from safepassage.cases.referral_actions import (
    Consent,
    check_refer_case,
    do_accept_referral,
    do_refer_case,
)
from safepassage.cases.selectors import list_my_cases
from safepassage.core.crypto import (
    CryptoError,
    OrganisationRecoveryKey,
    PublicKey,
    SensitiveGroup,
    unwrap_group_key,
)
from safepassage.organisations.models import Organisation, OrganisationKind, Partnership
from tests.cases.factories import (
    KeyedStaff,
    keyed_organisation,
    make_case,
    make_keyed_staff,
    recovery_private_key,
    sign_in_with_keys,
)
from tests.factories import OrganisationFactory, make_staff

pytestmark = pytest.mark.django_db

STORY = "Story-marker-of-the-referred-case"
CONSENT_BY = "Consent-given-by-marker"


def _partners(first: Organisation, second: Organisation) -> None:
    Partnership.objects.create(organisation=first, partner=second)
    Partnership.objects.create(organisation=second, partner=first)


def _network() -> tuple[KeyedStaff, KeyedStaff, Case, OrganisationRecoveryKey]:
    """A caseworker of A with a case, a caseworker of partner B (holding B's team key)."""
    sender_organisation, sender_recovery = keyed_organisation()
    receiver_organisation, _ = keyed_organisation()
    _partners(sender_organisation, receiver_organisation)
    sender = make_keyed_staff(Role.CASEWORKER, sender_organisation)
    receiver = make_keyed_staff(Role.CASEWORKER, receiver_organisation)
    return sender, receiver, make_case(actor=sender, story=STORY), sender_recovery


def _refer_form(receiver: KeyedStaff, *, keep: bool = True) -> dict[str, object]:
    return {
        "to_organisation": str(receiver.staff.organisation.public_id),
        "groups": ["identity", "contact"],
        "sender_keeps_access": "on" if keep else "",
        "consent_given_by": CONSENT_BY,
        "consent_given_on": "2026-11-20",
        "consent_how": "In person, with an interpreter",
    }


def _writes() -> tuple[int, ...]:
    return (
        CaseReferral.objects.count(),
        CaseGroupKey.objects.count(),
        CaseMember.objects.count(),
        AuditEvent.objects.count(),
        len(mail.outbox),
    )


def _detail(client: Client, case: Case) -> str:
    response = client.get(reverse("cases:detail", kwargs={"case_id": case.public_id}))
    return response.text if response.status_code == 200 else str(response.status_code)


def test_a_partner_caseworker_accepts_a_referral_and_reads_the_shared_groups() -> None:
    # Given partners A and B and a case of A
    sender, receiver, case, _ = _network()
    sender_client = sign_in_with_keys(Client(), sender)

    # When A refers it to B, keeping access, and B's caseworker accepts it
    response = sender_client.post(
        reverse("cases:refer", kwargs={"case_id": case.public_id}), _refer_form(receiver)
    )
    assert response.status_code == 302
    referral = CaseReferral.objects.get()
    receiver_client = sign_in_with_keys(Client(), receiver)
    assert _detail(receiver_client, case) == "404"  # not before accepting
    queue = receiver_client.get(reverse("cases:queue")).text
    assert case.code in queue
    accept = receiver_client.post(
        reverse("cases:accept_referral", kwargs={"referral_id": referral.public_id})
    )

    # Then B's caseworker reads the story and the shared groups, not the unshared ones
    assert accept.status_code == 302
    page = _detail(receiver_client, case)
    assert STORY in page
    assert "Test Person" in page
    assert CONSENT_BY in page
    held = set(
        CaseGroupKey.objects.filter(case=case, user=receiver.user).values_list("group", flat=True)
    )
    assert held == {"narrative", "identity", "contact"}
    assert not CaseGroupKey.objects.filter(case=case, holder_kind=HolderKind.TEAM).exists()
    assert case in list_my_cases(user=receiver.user)
    # and the partner adds to it: a note sealed under the shared narrative key
    note = receiver_client.post(
        reverse("cases:add_note", kwargs={"case_id": case.public_id}), {"body": "Partner note"}
    )
    assert note.status_code == 302
    assert "Partner note" in _detail(sender_client, case)
    # and A still reads it; consent is sealed; both sides' audit trails record it
    assert STORY in _detail(sender_client, case)
    assert CONSENT_BY.encode() not in bytes(referral.consent)
    events = set(AuditEvent.objects.values_list("action", "organisation"))
    for action in ("case.referred", "case.referral_accepted"):
        assert (f"{action}.sent", str(sender.staff.organisation.public_id)) in events
        assert (f"{action}.received", str(receiver.staff.organisation.public_id)) in events


def test_the_receiving_recovery_key_opens_the_shared_groups() -> None:
    sender, _receiver, case, _ = _network()
    receiver_organisation, receiver_recovery = keyed_organisation()
    _partners(sender.staff.organisation, receiver_organisation)
    make_keyed_staff(Role.CASEWORKER, receiver_organisation)

    do_refer_case(
        actor=sender.user,
        key_pair=sender.key_pair,
        case=case,
        to_organisation=receiver_organisation,
        groups=[],
        consent=Consent(given_by="x", given_on=timezone.localdate(), how_obtained="y"),
        sender_keeps_access=True,
        expires_on=None,
    )

    copy = CaseGroupKey.objects.get(
        case=case,
        holder_kind=HolderKind.RECOVERY,
        recipient_fingerprint=PublicKey(raw=receiver_recovery.public_key.raw).fingerprint,
    )
    key = unwrap_group_key(
        envelope=bytes(copy.envelope),
        private_key=recovery_private_key(receiver_recovery),
        case_id=str(case.public_id),
        group=SensitiveGroup.NARRATIVE,
    )
    assert key.group is SensitiveGroup.NARRATIVE


def test_organisations_that_are_not_partners_both_ways_get_nothing() -> None:
    sender, _receiver, case, _ = _network()
    stranger_organisation, _ = keyed_organisation()
    Partnership.objects.create(
        organisation=sender.staff.organisation, partner=stranger_organisation
    )
    stranger = make_keyed_staff(Role.CASEWORKER, stranger_organisation)
    before = _writes()

    response = sign_in_with_keys(Client(), sender).post(
        reverse("cases:refer", kwargs={"case_id": case.public_id}), _refer_form(stranger)
    )

    assert response.status_code == 200  # not a choice: the form refuses it
    assert _writes() == before
    assert _detail(sign_in_with_keys(Client(), stranger), case) == "404"


@pytest.mark.parametrize("kind", [OrganisationKind.FUND, OrganisationKind.EVENT_ORGANISER])
def test_a_partner_that_runs_no_cases_is_not_offered_and_gets_nothing(kind: str) -> None:
    # Given a case organisation whose partners include a fund or an event organiser (they
    # share campaigns and events, not cases)
    sender, receiver, case, _ = _network()
    other = make_staff(Role.ADMIN, OrganisationFactory.create(kind=kind)).organisation
    _partners(sender.staff.organisation, other)
    client = sign_in_with_keys(Client(), sender)
    url = reverse("cases:refer", kwargs={"case_id": case.public_id})

    # When the caseworker opens the referral form
    page = client.get(url).text

    # Then only the case organisation is offered
    assert receiver.staff.organisation.name in page
    assert other.name not in page
    # and a crafted post to the other one writes nothing
    before = _writes()
    form = {**_refer_form(receiver), "to_organisation": str(other.public_id)}
    assert client.post(url, form).status_code == 200
    assert _writes() == before
    with pytest.raises(NotPartners):
        check_refer_case(case=case, to_organisation=other)


def test_a_fund_that_runs_cases_is_offered() -> None:
    # Given a partner fund with its own case team (a fund doing casework)
    sender, _receiver, case, _ = _network()
    fund, _ = keyed_organisation()
    Organisation.objects.filter(pk=fund.pk).update(kind=OrganisationKind.FUND)
    fund_caseworker = make_keyed_staff(Role.CASEWORKER, fund)
    do_share_team_keys(user=fund_caseworker.user, key_pair=fund_caseworker.key_pair)
    _partners(sender.staff.organisation, fund)

    # When the caseworker opens the referral form
    page = sign_in_with_keys(Client(), sender).get(
        reverse("cases:refer", kwargs={"case_id": case.public_id})
    )

    # Then the fund is offered, and a referral to it passes the checks
    assert f'value="{fund.public_id}"' in page.text
    check_refer_case(case=case, to_organisation=fund)


def test_an_organisation_outside_the_referral_cannot_accept_it_or_read_the_case() -> None:
    sender, receiver, case, _ = _network()
    sign_in_with_keys(Client(), sender).post(
        reverse("cases:refer", kwargs={"case_id": case.public_id}), _refer_form(receiver)
    )
    referral = CaseReferral.objects.get()
    other_organisation, _ = keyed_organisation()
    _partners(sender.staff.organisation, other_organisation)
    other = make_keyed_staff(Role.CASEWORKER, other_organisation)
    client = sign_in_with_keys(Client(), other)
    before = _writes()

    url = reverse("cases:accept_referral", kwargs={"referral_id": referral.public_id})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert _detail(client, case) == "404"
    assert case.code not in client.get(reverse("cases:queue")).text
    assert _writes() == before


def test_revoking_removes_every_copy_made_for_the_partner_and_their_access() -> None:
    # Given an accepted referral
    sender, receiver, case, _ = _network()
    sender_client = sign_in_with_keys(Client(), sender)
    sender_client.post(
        reverse("cases:refer", kwargs={"case_id": case.public_id}), _refer_form(receiver)
    )
    referral = CaseReferral.objects.get()
    do_accept_referral(actor=receiver.user, key_pair=receiver.key_pair, referral=referral)
    receiver_client = sign_in_with_keys(Client(), receiver)
    assert STORY in _detail(receiver_client, case)

    # When the sender ends it
    response = sender_client.post(
        reverse("cases:revoke_referral", kwargs={"referral_id": referral.public_id})
    )

    # Then no wrapped copy for the partner remains and their caseworker gets 404
    assert response.status_code == 302
    assert not CaseGroupKey.objects.filter(referral=referral).exists()
    assert not CaseGroupKey.objects.filter(user=receiver.user).exists()
    assert not CaseMember.objects.filter(case=case, user=receiver.user).exists()
    assert _detail(receiver_client, case) == "404"
    assert STORY in _detail(sender_client, case)
    assert AuditEvent.objects.filter(action="case.referral_revoked.received").exists()


def test_handing_over_drops_every_copy_of_the_sending_side() -> None:
    # Given partners and a case of A with two caseworkers of A on it
    sender, receiver, case, sender_recovery = _network()
    sender_client = sign_in_with_keys(Client(), sender)

    # When A hands it over without keeping access
    response = sender_client.post(
        reverse("cases:refer", kwargs={"case_id": case.public_id}),
        _refer_form(receiver, keep=False),
    )

    # Then the case belongs to B, A's people and A's recovery key hold no copy, A gets 404
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.organisation == receiver.staff.organisation
    assert not CaseGroupKey.objects.filter(case=case, user=sender.user).exists()
    assert not CaseMember.objects.filter(case=case).exists()
    sender_fingerprint = PublicKey(raw=sender_recovery.public_key.raw).fingerprint
    assert not CaseGroupKey.objects.filter(recipient_fingerprint=sender_fingerprint).exists()
    for copy in CaseGroupKey.objects.filter(case=case):
        with pytest.raises(CryptoError):
            unwrap_group_key(
                envelope=bytes(copy.envelope),
                private_key=recovery_private_key(sender_recovery),
                case_id=str(case.public_id),
                group=SensitiveGroup(copy.group),
            )
    assert _detail(sender_client, case) == "404"
    # and B takes it with every group
    referral = CaseReferral.objects.get()
    do_accept_referral(actor=receiver.user, key_pair=receiver.key_pair, referral=referral)
    assert STORY in _detail(sign_in_with_keys(Client(), receiver), case)
    assert CaseGroupKey.objects.filter(case=case, user=receiver.user).count() == len(SensitiveGroup)


@pytest.mark.parametrize("role", [Role.TRAVEL_COORDINATOR, Role.FUNDRAISER, Role.VIEWER])
def test_roles_that_do_not_manage_cases_refer_nothing(role: str) -> None:
    sender, receiver, case, _ = _network()
    client = sign_in_with_keys(Client(), make_keyed_staff(role, sender.staff.organisation))
    before = _writes()

    response = client.post(
        reverse("cases:refer", kwargs={"case_id": case.public_id}), _refer_form(receiver)
    )

    assert response.status_code == 403
    assert _writes() == before


def test_an_expired_referral_no_longer_opens_the_case() -> None:
    sender, receiver, case, _ = _network()
    referral = do_refer_case(
        actor=sender.user,
        key_pair=sender.key_pair,
        case=case,
        to_organisation=receiver.staff.organisation,
        groups=[],
        consent=Consent(given_by="x", given_on=timezone.localdate(), how_obtained="y"),
        sender_keeps_access=True,
        expires_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    do_accept_referral(actor=receiver.user, key_pair=receiver.key_pair, referral=referral)
    client = sign_in_with_keys(Client(), receiver)
    assert STORY in _detail(client, case)

    CaseReferral.objects.filter(pk=referral.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )

    assert _detail(client, case) == "404"


def test_a_referral_needs_a_recent_authentication_and_a_stale_post_writes_nothing() -> None:
    # Given a caseworker whose last full authentication is older than 5 minutes (SR-23)
    sender, receiver, case, _ = _network()
    client = sign_in_with_keys(Client(), sender)
    session = client.session
    session.pop(AUTHENTICATED_AT)
    session.save()
    before = _writes()

    # When they post a referral
    response = client.post(
        reverse("cases:refer", kwargs={"case_id": case.public_id}), _refer_form(receiver)
    )

    # Then they are sent to confirm who they are, and nothing was written
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert _writes() == before


def test_a_handed_over_case_is_accepted_not_taken_as_a_new_request() -> None:
    # Given a new case handed over to the partner (no team copies of its own organisation)
    sender, receiver, case, _ = _network()
    sign_in_with_keys(Client(), sender).post(
        reverse("cases:refer", kwargs={"case_id": case.public_id}),
        _refer_form(receiver, keep=False),
    )
    client = sign_in_with_keys(Client(), receiver)
    before = _writes()

    # When the receiving caseworker tries to take it from the triage queue
    response = client.post(reverse("cases:take", kwargs={"case_id": case.public_id}))

    # Then nothing is written (they would hold no key); accepting the referral works
    assert response.status_code == 200
    assert _writes() == before
    referral = CaseReferral.objects.get()
    client.post(reverse("cases:accept_referral", kwargs={"referral_id": referral.public_id}))
    assert STORY in _detail(client, case)
