# ruff: noqa: RUF001  (Russian interface text: Cyrillic letters that look Latin are meant)
"""Every date a person types is kept to a window of days someone could mean (decision 0047):
year 1, 9999 or a year typed as 26 is refused with a message naming the field, and a form
refused so writes nothing."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.cases.forms import ReferralForm, TaskForm
from safepassage.donations.forms import CampaignForm, EndSponsorMatchForm, ProgramFactForm
from safepassage.donations.gifts.forms import GiftFilterForm
from safepassage.donations.models import Campaign, Pledge
from safepassage.donations.pledges.forms import ChangePledgeForm, PledgeForm
from safepassage.donations.reports.forms import ReportPeriodForm
from safepassage.donations.staff_reports.forms import PledgeFilterForm
from safepassage.events.forms import EventForm, ProgrammeItemForm
from safepassage.site.date_fields import (
    FIRST_DAY,
    PLANNING,
    RECORDED,
    SOURCES,
    TRAVEL,
    DateWindow,
    check_date_in_window,
)
from safepassage.travel.forms import (
    AllianceMembershipForm,
    AwardChartForm,
    CashRuleForm,
    ChartZoneFormSet,
    ProgramCarrierForm,
    TravelRequestForm,
)
from tests.donations.factories import ensure_catalogue
from tests.donations.pledges.factories import anonymous_pledge_form, make_program
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db

# (name, how to build the form from its data, the field, its window)
FormMaker = Callable[[dict[str, Any]], forms.BaseForm]
NO_CAMPAIGNS = Campaign.objects.none()


def _campaign_form(data: dict[str, Any]) -> forms.BaseForm:
    return CampaignForm(data, organisations=[])


def _event_form(data: dict[str, Any]) -> forms.BaseForm:
    return EventForm(data, organisations=[], campaigns=NO_CAMPAIGNS)


def _pledge_filter(data: dict[str, Any]) -> forms.BaseForm:
    from safepassage.donations.models import Program

    return PledgeFilterForm(data, campaigns=NO_CAMPAIGNS, programs=Program.objects.none())


def _travel_request(data: dict[str, Any]) -> forms.BaseForm:
    return TravelRequestForm(data, travellers=[], pathway_countries=[])


DATE_FIELDS: list[tuple[FormMaker, str, DateWindow]] = [
    (_campaign_form, "starts_on", PLANNING),
    (_campaign_form, "ends_on", PLANNING),
    (EndSponsorMatchForm, "ends_on", PLANNING),
    (ProgramFactForm, "as_of", SOURCES),
    (PledgeForm, "expires_on", PLANNING),
    (PledgeForm, "contact_before", PLANNING),
    (lambda data: ChangePledgeForm(data, pledge=None), "expires_on", PLANNING),
    (lambda data: GiftFilterForm(data, campaigns=NO_CAMPAIGNS), "received_from", PLANNING),
    (lambda data: GiftFilterForm(data, campaigns=NO_CAMPAIGNS), "received_until", PLANNING),
    (
        lambda data: ReportPeriodForm(data, today=timezone.localdate()),
        "start",
        PLANNING,
    ),
    (lambda data: ReportPeriodForm(data, today=timezone.localdate()), "end", PLANNING),
    (_pledge_filter, "created_from", PLANNING),
    (_pledge_filter, "created_until", PLANNING),
    (lambda data: TaskForm(data, assignees=[]), "due_on", PLANNING),
    (lambda data: ReferralForm(data, partners=[]), "expires_on", PLANNING),
    (lambda data: ReferralForm(data, partners=[]), "consent_given_on", RECORDED),
    (_travel_request, "earliest_departure", TRAVEL),
    (_travel_request, "latest_departure", TRAVEL),
    (ProgramCarrierForm, "as_of", SOURCES),
    (AllianceMembershipForm, "as_of", SOURCES),
    (AwardChartForm, "as_of", SOURCES),
    (CashRuleForm, "as_of", SOURCES),
    (ChartZoneFormSet.form, "as_of", SOURCES),
]
DATE_TIME_FIELDS: list[tuple[FormMaker, str]] = [
    (_event_form, "starts_at"),
    (_event_form, "ends_at"),
    (ProgrammeItemForm, "starts_at"),
]


def _label(form: forms.BaseForm, field: str) -> str:
    return str(form.fields[field].label)


def _out_of_range(form: forms.BaseForm, field: str) -> bool:
    form.is_valid()
    return form.has_error(field, code="out_of_range")


@pytest.mark.parametrize(("make", "field", "window"), DATE_FIELDS)
def test_a_date_field_accepts_its_first_and_last_day_and_refuses_the_days_beyond(
    make: FormMaker, field: str, window: DateWindow
) -> None:
    ensure_catalogue()
    latest = window.latest(today=timezone.localdate())
    day = datetime.timedelta(days=1)
    # the first and last days of the window are not refused for being out of range
    for inside in (window.earliest, latest):
        assert not _out_of_range(make({field: inside.isoformat()}), field), inside
    # the day before, the day after, and the calendar's ends are, naming the field
    for outside in (window.earliest - day, latest + day, datetime.date.min, datetime.date.max):
        form = make({field: outside.isoformat()})
        assert _out_of_range(form, field), outside
        assert form.errors[field] == [
            f"{_label(form, field)}: choose a day from "
            f"{window.earliest.day} {window.earliest:%B %Y} to {latest.day} {latest:%B %Y} "
            "(check the year)."
        ]


@pytest.mark.parametrize(("make", "field"), DATE_TIME_FIELDS)
def test_an_event_time_keeps_to_the_planning_window(make: FormMaker, field: str) -> None:
    latest = PLANNING.latest(today=timezone.localdate())
    assert not _out_of_range(make({field: f"{FIRST_DAY.isoformat()}T00:00"}), field)
    assert not _out_of_range(make({field: f"{latest.isoformat()}T23:59"}), field)
    for outside in ("1999-12-31T23:59", f"{latest + datetime.timedelta(days=1)}T00:00"):
        form = make({field: outside})
        assert _out_of_range(form, field), outside
        assert _label(form, field) in form.errors[field][0]


def test_the_refusal_is_in_russian_on_a_russian_page() -> None:
    with translation.override("ru"):
        form = _campaign_form({"starts_on": "0001-01-01"})
        form.is_valid()
        assert str(form.errors["starts_on"][0]).startswith(
            "Дата начала: выберите день с 1 января 2000 по "
        )


@given(
    today=st.dates(min_value=datetime.date(2001, 1, 1), max_value=datetime.date(9000, 12, 31)),
    years=st.integers(min_value=0, max_value=20),
    days=st.integers(min_value=0, max_value=3),
)
def test_the_last_day_is_the_same_day_years_ahead_or_the_28th_after_a_leap_day(
    today: datetime.date, years: int, days: int
) -> None:
    latest = DateWindow(years_ahead=years, days_ahead=days).latest(today=today)
    same_day = latest - datetime.timedelta(days=days)
    assert same_day.year == today.year + years
    assert same_day.month == today.month
    assert same_day.day == today.day or (today.day, same_day.day) == (29, 28)
    check_date_in_window(
        value=latest, window=DateWindow(years_ahead=years, days_ahead=days), label="x", today=today
    )


# A form refused for a far date writes, sends and queues nothing.


def test_a_campaign_starting_in_year_one_or_ending_in_9999_is_refused_and_nothing_is_written() -> (
    None
):
    # given a fundraiser
    fundraiser = make_staff(Role.FUNDRAISER)
    client = sign_in(Client(), fundraiser)
    audit_before = AuditEvent.objects.count()
    form = {
        "organisation": fundraiser.organisation.pk,
        "title": "Winter appeal",
        "slug": "winter-appeal",
        "goal_currency": "EUR",
        "goal_miles": "1000000",
    }
    for dates in (
        {"starts_on": "0001-01-01"},
        {"starts_on": "2026-12-01", "ends_on": "9999-12-31"},
    ):
        # when they create a campaign with a far date
        response = client.post(reverse("donations:campaign_create"), form | dates)
        # then the form names the field and nothing is written
        assert response.status_code == 200
        assert "choose a day from 1 January 2000 to" in response.text
    assert not Campaign.objects.exists()
    assert AuditEvent.objects.count() == audit_before


def test_a_pledge_expiring_in_9999_is_refused_and_nothing_is_written_or_sent(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given the public pledge form
    program = make_program()
    with django_capture_on_commit_callbacks() as callbacks:
        # when a donor says their miles expire on 31 December 9999
        response = Client().post(
            reverse("donations:pledge"), anonymous_pledge_form(program.pk, expires_on="9999-12-31")
        )
    # then the form names the field and nothing is written, sent or queued
    assert response.status_code == 200
    assert "They expire on: choose a day from" in response.text
    assert not Pledge.objects.exists()
    assert mail.outbox == []
    assert callbacks == []
