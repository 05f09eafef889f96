"""SR-21: the password step's lock grows step by step, per account and per source, on a
controlled clock: 1 minute after the fifth failure, then twice as long after each further
failure up to 4 hours; attempts during a lock are refused unchecked (audited as denied,
not counted); a success forgives the account's failures; an address that names no
account is throttled and answered exactly alike."""

import datetime
import re

import pytest
from axes.handlers import proxy as axes_proxy
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from safepassage.accounts.roles import Role
from safepassage.accounts.throttling import FIRST_LOCK, LONGEST_LOCK, lock_duration
from safepassage.audit.models import AuditEvent
from tests.factories import STAFF_PASSWORD, StaffMember, make_staff

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
WRONG = "not the password of anyone here"
START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


class Clock:
    """The time every part of the sign-in sees (Django's and django-axes')."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    controlled = Clock()
    monkeypatch.setattr(timezone, "now", controlled)
    monkeypatch.setattr(axes_proxy, "now", controlled)
    return controlled


def _try(email: str, *, password: str = WRONG, address: str = "198.51.100.1") -> HttpResponse:
    response = Client(REMOTE_ADDR=address).post(LOGIN, {"email": email, "password": password})
    assert isinstance(response, HttpResponse)
    return response


def _fail(staff: StaffMember, times: int, *, address: str = "198.51.100.1") -> None:
    for _ in range(times):
        assert _try(staff.user.email, address=address).status_code == 200


def _waits(response: HttpResponse, wait: str) -> bool:
    return response.status_code == 429 and f"Wait {wait}, then try again." in response.text


def test_the_lock_starts_at_one_minute_and_doubles_with_each_further_failure(
    clock: Clock,
) -> None:
    # Given five wrong passwords for one account, from five addresses
    staff = make_staff(Role.CASEWORKER)
    for number in range(4):
        _fail(staff, 1, address=f"198.51.100.{number + 10}")
    fifth = _try(staff.user.email, address="198.51.100.20")

    # Then the fifth locks for 1 minute, even the right password from a new address
    assert _waits(fifth, "1 minute")
    clock.advance(seconds=59)
    assert _waits(
        _try(staff.user.email, password=STAFF_PASSWORD, address="203.0.113.9"), "1 minute"
    )

    # When the minute is over, a sixth wrong password locks for 2 minutes, a seventh for 4
    clock.advance(seconds=2)
    assert _waits(_try(staff.user.email, address="198.51.100.21"), "2 minutes")
    clock.advance(minutes=1, seconds=59)
    assert _try(staff.user.email, password=STAFF_PASSWORD).status_code == 429
    clock.advance(seconds=2)
    assert _waits(_try(staff.user.email, address="198.51.100.22"), "4 minutes")

    # and only when that wait is over does the right password work
    clock.advance(minutes=3, seconds=59)
    assert _try(staff.user.email, password=STAFF_PASSWORD).status_code == 429
    clock.advance(seconds=2)
    assert _try(staff.user.email, password=STAFF_PASSWORD).status_code == 302


def test_attempts_during_a_lock_are_refused_unchecked_audited_and_not_counted(
    clock: Clock,
) -> None:
    # Given an account locked for 1 minute
    staff = make_staff(Role.VIEWER)
    _fail(staff, 4)
    assert _waits(_try(staff.user.email), "1 minute")

    # When ten more attempts come in during the lock, one of them with the right password
    for _ in range(9):
        _try(staff.user.email)
    assert _try(staff.user.email, password=STAFF_PASSWORD).status_code == 429

    # Then each is audited as denied, and none made the next lock longer than 2 minutes
    outcomes = list(
        AuditEvent.objects.filter(action="login.password", object_ref=str(staff.user.public_id))
        .order_by("pk")
        .values_list("outcome", flat=True)
    )
    assert outcomes == ["failure"] * 4 + ["denied"] * 11
    clock.advance(seconds=61)
    assert _waits(_try(staff.user.email), "2 minutes")


def test_a_success_starts_the_count_of_the_account_again(clock: Clock) -> None:
    # Given an account locked twice, and then signed into once the lock was over
    staff = make_staff(Role.CASEWORKER)
    _fail(staff, 4)
    _try(staff.user.email)
    clock.advance(seconds=61)
    assert _waits(_try(staff.user.email), "2 minutes")
    clock.advance(minutes=2, seconds=1)
    assert _try(staff.user.email, password=STAFF_PASSWORD).status_code == 302

    # When the next wrong passwords come
    _fail(staff, 4)
    fifth = _try(staff.user.email)

    # Then they count from one again: four are allowed, the fifth locks for 1 minute
    assert _waits(fifth, "1 minute")


def test_one_source_guessing_many_accounts_waits_longer_each_time(clock: Clock) -> None:
    # Given five wrong passwords from one address against five accounts
    victims = [make_staff(Role.VIEWER) for _ in range(7)]
    for victim in victims[:4]:
        _fail(victim, 1, address="198.51.100.7")
    assert _waits(_try(victims[4].user.email, address="198.51.100.7"), "1 minute")

    # When it tries again after the minute, against yet another account
    clock.advance(seconds=61)
    sixth = _try(victims[5].user.email, address="198.51.100.7")

    # Then that address waits 2 minutes, whatever account it types, while the accounts
    # themselves are free from elsewhere
    assert _waits(sixth, "2 minutes")
    assert _waits(
        _try(victims[6].user.email, password=STAFF_PASSWORD, address="198.51.100.7"), "2 minutes"
    )
    assert (
        _try(victims[6].user.email, password=STAFF_PASSWORD, address="203.0.113.9").status_code
        == 302
    )


def test_signing_into_ones_own_account_does_not_wipe_the_count_of_the_source(
    clock: Clock,
) -> None:
    # Given four wrong passwords against colleagues from one address
    insider = make_staff(Role.CASEWORKER)
    colleagues = [make_staff(Role.CASEWORKER, insider.organisation) for _ in range(5)]
    for colleague in colleagues[:4]:
        _fail(colleague, 1, address="198.51.100.8")

    # When the same address signs into its own account in between
    assert (
        _try(insider.user.email, password=STAFF_PASSWORD, address="198.51.100.8").status_code == 302
    )

    # Then the next guess from that address is still the fifth failure of the source
    assert _waits(_try(colleagues[4].user.email, address="198.51.100.8"), "1 minute")


def _page(response: HttpResponse, email: str) -> str:
    """The answer as the person sees it, with the address they typed and the form's
    one-time CSRF token taken out."""
    text = response.text.replace(email, "ADDRESS")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", text)


def test_an_address_that_names_no_account_is_throttled_and_answered_exactly_alike(
    clock: Clock,
) -> None:
    # Given a real account and an address nobody has, each tried from its own address
    staff = make_staff(Role.CASEWORKER)
    nobody = "nobody-at-all@example.org"

    def attempts(email: str, address: str) -> list[tuple[int, str]]:
        answers = []
        start = clock.now
        for _ in range(6):
            response = _try(email, address=address)
            answers.append((response.status_code, _page(response, email)))
        clock.advance(seconds=61)
        for _ in range(2):
            response = _try(email, address=address)
            answers.append((response.status_code, _page(response, email)))
        clock.now = start
        return answers

    # When both get the same attempts at the same times
    real = attempts(staff.user.email, "198.51.100.30")
    unknown = attempts(nobody, "198.51.100.31")

    # Then every answer is the same: status and page, the waits included
    assert [status for status, _page in real] == [200] * 4 + [429] * 2 + [429] * 2
    assert real == unknown
    assert "Wait 2 minutes, then try again." in real[6][1]


@given(failures=st.integers(min_value=0, max_value=10_000))
def test_each_further_failure_waits_longer_up_to_the_cap(failures: int) -> None:
    duration = lock_duration(failures)
    if failures < 5:
        assert duration is None
        return
    assert duration is not None
    assert FIRST_LOCK <= duration <= LONGEST_LOCK
    following = lock_duration(failures + 1)
    assert following is not None
    assert following == min(LONGEST_LOCK, duration * 2)


def test_the_wait_is_told_in_russian_with_the_right_plural(clock: Clock) -> None:
    staff = make_staff(Role.CASEWORKER)
    _fail(staff, 4)

    def russian(address: str) -> str:
        client = Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="ru")
        response = client.post(LOGIN, {"email": staff.user.email, "password": WRONG})
        assert response.status_code == 429
        return response.text

    assert "Подождите 1 минуту и попробуйте снова." in russian("198.51.100.40")
    clock.advance(seconds=61)
    assert "Подождите 2 минуты и попробуйте снова." in russian("198.51.100.41")
