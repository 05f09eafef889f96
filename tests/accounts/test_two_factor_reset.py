"""An admin (or the operator) resets a colleague's lost second factor; the colleague enrols a
new authenticator only with the one-time enrolment code (decision 0025)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import DjangoCaptureOnCommitCallbacks

from safepassage.accounts.actions import new_authenticator
from safepassage.accounts.models import Authenticator, Membership, TwoFactorReset
from safepassage.accounts.roles import Role
from safepassage.accounts.tasks import send_two_factor_reset_email
from safepassage.accounts.two_factor_reset_actions import hash_enrolment_code
from safepassage.audit.models import AuditEvent
from tests.accounts.factories import (
    ENROLMENT_CODE,
    colleagues,
    enter_password,
    reset_two_factor,
    reset_url,
)
from tests.factories import (
    OrganisationFactory,
    StaffMember,
    make_staff,
    sign_in,
)

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("site:dashboard")


def _enrol(client: Client) -> None:
    response = client.get(reverse("accounts:enrol"))
    assert response.status_code == 200
    device = Authenticator.objects.get(confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    response = client.post(reverse("accounts:enrol"), {"code": code})
    assert response["Location"] == reverse("accounts:recovery_codes")


def _two_factor_state(member: StaffMember) -> tuple[object, ...]:
    member.user.refresh_from_db()
    return (
        member.user.session_epoch,
        list(TOTPDevice.objects.filter(user=member.user).values_list("pk", flat=True)),
        list(StaticToken.objects.filter(device__user=member.user).values_list("token", flat=True)),
        TwoFactorReset.objects.count(),
    )


def test_the_whole_path_from_reset_to_a_new_authenticator() -> None:
    # Given a caseworker signed in somewhere, with an authenticator and recovery codes
    admin, member = colleagues()
    their_old_session = sign_in(Client(), member)
    assert their_old_session.get(DASHBOARD).status_code == 200

    # When their admin resets their second factor from the organisation page
    page = sign_in(Client(), admin).get(
        reverse("organisations:detail", kwargs={"organisation_id": admin.organisation.public_id})
    )
    assert reset_url(member) in page.content.decode()
    code = reset_two_factor(admin, member)

    # Then the authenticator and recovery codes are gone, every session ended, only a hash kept
    assert not TOTPDevice.objects.filter(user=member.user).exists()
    assert not StaticDevice.objects.filter(user=member.user).exists()
    assert their_old_session.get(DASHBOARD).status_code == 302
    reset = TwoFactorReset.objects.get(user=member.user)
    assert reset.code_hash == hash_enrolment_code(code)
    assert code not in str(TwoFactorReset.objects.values().get())
    assert reset.expires_at - timezone.now() > timedelta(hours=71)

    # And the colleague, after their password, is asked for the code, then enrols
    client = Client()
    enter_password(client, member)
    assert client.get(reverse("accounts:two_factor"))["Location"] == reverse("accounts:enrol")
    assert client.get(reverse("accounts:enrol"))["Location"] == reverse("accounts:enrolment_code")
    response = client.post(reverse("accounts:enrolment_code"), {"code": code.lower()})
    assert response["Location"] == reverse("accounts:enrol")
    _enrol(client)

    # Then they are signed in with a new authenticator and the reset is done
    assert client.get(DASHBOARD).status_code == 200
    reset.refresh_from_db()
    assert reset.code_used_at is not None
    assert reset.enrolled_at is not None
    assert TOTPDevice.objects.filter(user=member.user, confirmed=True).count() == 1


def test_a_stolen_password_alone_cannot_enrol_a_new_authenticator() -> None:
    # Given a reset colleague whose password someone else knows
    admin, member = colleagues()
    reset_two_factor(admin, member)
    thief = Client()
    enter_password(thief, member)

    # When the thief tries to enrol, with a device made behind the page's back or not
    page = thief.get(reverse("accounts:enrol"))
    device = new_authenticator(user=member.user, name="thief", confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    posted = thief.post(reverse("accounts:enrol"), {"code": code})

    # Then both go to the enrolment-code page; no authenticator is confirmed
    assert page["Location"] == reverse("accounts:enrolment_code")
    assert posted["Location"] == reverse("accounts:enrolment_code")
    assert not TOTPDevice.objects.filter(user=member.user, confirmed=True).exists()
    assert thief.get(DASHBOARD).status_code == 302
    page = thief.get(reverse("accounts:enrolment_code"))
    assert "Ask your organisation" in page.content.decode()


@pytest.mark.parametrize("problem", ["wrong", "expired", "used", "superseded"])
def test_a_wrong_expired_used_or_superseded_code_is_refused(problem: str) -> None:
    # Given a reset colleague at the enrolment-code step
    admin, member = colleagues()
    code = reset_two_factor(admin, member)
    if problem == "wrong":
        code = "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GG"
    elif problem == "expired":
        TwoFactorReset.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    elif problem == "used":
        first = Client()
        enter_password(first, member)
        assert first.post(reverse("accounts:enrolment_code"), {"code": code}).status_code == 302
    else:
        reset_two_factor(admin, member)
    client = Client()
    enter_password(client, member)

    # When they enter the code
    response = client.post(reverse("accounts:enrolment_code"), {"code": code})

    # Then it is refused with a pointer to their admin, and they cannot enrol
    assert response.status_code == 200
    assert "expired (codes last 72 hours)" in response.content.decode()
    assert client.get(reverse("accounts:enrol"))["Location"] == reverse("accounts:enrolment_code")
    failure = AuditEvent.objects.get(action="two_factor.enrolment_code", outcome="failure")
    assert failure.object_ref == str(member.user.public_id)


@pytest.mark.django_db(transaction=True)
def test_the_reset_is_audited_by_reference_and_the_colleague_is_told_by_email() -> None:
    # Given an admin and a colleague
    admin, member = colleagues()

    # When the admin resets the colleague's second factor and the worker runs
    code = reset_two_factor(admin, member)
    assert mail.outbox == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    # Then one audit event names the admin, the colleague and the organisation by id only
    event = AuditEvent.objects.get(action="two_factor.reset")
    assert event.actor == str(admin.user.public_id)
    assert event.object_ref == str(member.user.public_id)
    assert event.organisation == str(admin.organisation.public_id)
    assert member.user.email not in str(event.__dict__)
    # And the colleague got an e-mail that says what happened, without the code
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.user.email]
    assert "reset by an administrator of your organisation" in message.body
    assert "If this was not expected" in message.body
    assert code not in message.body
    assert code.replace("-", "") not in message.body.replace("-", "")


@pytest.mark.parametrize("who", ["caseworker", "other_organisation_admin"])
def test_the_wrong_role_is_refused_and_nothing_is_written_or_sent(
    who: str, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    # Given a caseworker, and a caseworker colleague or another organisation's admin
    admin, member = colleagues()
    if who == "caseworker":
        intruder = make_staff(Role.CASEWORKER, admin.organisation)
    else:
        intruder = make_staff(Role.ADMIN)
    before = _two_factor_state(member)

    # When they post the reset of the caseworker's second factor
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = sign_in(Client(), intruder).post(reset_url(member))
    assert callbacks == []  # no e-mail task was enqueued

    # Then they are refused (403 for the role, 404 outside the organisation), nothing changed
    assert response.status_code == (403 if who == "caseworker" else 404)
    assert _two_factor_state(member) == before
    assert not AuditEvent.objects.filter(action="two_factor.reset").exists()
    assert mail.outbox == []


def test_an_admin_cannot_reset_their_own_second_factor() -> None:
    # Given an admin
    admin, _member = colleagues()
    before = _two_factor_state(admin)

    # When they try to reset their own second factor
    client = sign_in(Client(), admin)
    shown = client.get(reset_url(admin))
    response = client.post(reset_url(admin))

    # Then they are told to ask another admin or the operator, and nothing changed
    assert response.status_code == 200
    assert "cannot reset your own" in shown.content.decode()
    assert "cannot reset your own" in response.content.decode()
    assert _two_factor_state(admin) == before
    assert not AuditEvent.objects.filter(action="two_factor.reset").exists()


def test_an_admin_cannot_reset_a_colleague_who_also_works_elsewhere() -> None:
    # Given a caseworker who also works for a second organisation
    admin, member = colleagues()
    Membership.objects.create(
        user=member.user, organisation=OrganisationFactory.create(), role=Role.CASEWORKER
    )
    before = _two_factor_state(member)

    # When the first organisation's admin tries to reset their second factor
    response = sign_in(Client(), admin).post(reset_url(member))

    # Then the page names the operator's command and nothing changed
    assert response.status_code == 200
    assert "safepassage reset-two-factor" in response.content.decode()
    assert _two_factor_state(member) == before


def test_a_stale_session_is_sent_to_reauthenticate_before_resetting() -> None:
    # Given an admin who signed in long ago
    admin, member = colleagues()
    before = _two_factor_state(member)
    client = sign_in(Client(), admin, recently_authenticated=False)

    # When they post the reset
    response = client.post(reset_url(member))

    # Then they are sent to confirm who they are first, and nothing changed
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert _two_factor_state(member) == before


def test_the_operator_resets_the_last_admin_and_the_code_works() -> None:
    # Given the only admin of an organisation, who lost their phone and recovery codes
    admin, _member = colleagues()
    out = StringIO()

    # When the operator runs the command
    call_command("reset_two_factor", "--email", admin.user.email.upper(), stdout=out)

    # Then their authenticator is gone, the code is printed, audited as the system
    assert not TOTPDevice.objects.filter(user=admin.user).exists()
    match = ENROLMENT_CODE.search(out.getvalue())
    assert match is not None
    event = AuditEvent.objects.get(action="two_factor.reset")
    assert (event.actor, event.object_ref) == ("system", str(admin.user.public_id))
    # And the printed code lets them enrol again
    client = Client()
    enter_password(client, admin)
    client.post(reverse("accounts:enrolment_code"), {"code": match.group(0)})
    _enrol(client)
    assert client.get(DASHBOARD).status_code == 200


def test_the_command_refuses_an_unknown_address() -> None:
    with pytest.raises(CommandError, match="No staff account"):
        call_command("reset_two_factor", "--email", "nobody@example.org", stdout=StringIO())
    assert not TwoFactorReset.objects.exists()


def test_the_email_and_the_enrolment_code_page_speak_russian() -> None:
    # Given a reset colleague who reads Russian
    admin, member = colleagues()
    reset_two_factor(admin, member)

    # When the e-mail is sent in Russian and they open the code page in Russian
    send_two_factor_reset_email.call(user_id=str(member.user.public_id), language="ru")
    client = Client(headers={"accept-language": "ru"})
    enter_password(client, member)
    page = client.get(reverse("accounts:enrolment_code"), headers={"accept-language": "ru"})

    # Then both are in Russian
    assert mail.outbox[0].subject == "Ваш двухфакторный вход в SafePassage сброшен"
    assert "Администратор вашей организации сбросил" in mail.outbox[0].body
    assert "Введите код подключения от вашего администратора" in page.content.decode()
