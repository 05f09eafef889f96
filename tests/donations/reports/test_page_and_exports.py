"""The reports page, its CSV tables and PDF: who may see them, and that they name no one."""

import csv
import datetime
import io
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.donations.reports import selectors
from safepassage.donations.reports.pdf import render_report_html
from safepassage.donations.reports.selectors import Period
from safepassage.donations.reports.tables import build_report
from safepassage.organisations.models import Organisation
from tests.donations.gift_factories import make_campaign
from tests.donations.reports.factories import cash_in_and_out, pledge, redeem
from tests.exports.helpers import EXPORT_PASSPHRASE, opened, post_export
from tests.factories import make_staff, sign_in
from tests.transparency.factories import gift_on, moved_case

pytestmark = pytest.mark.django_db

DONOR_NAME = "Donor Marker Ivanova"
DONOR_EMAIL = "donor-marker@example.org"
TABLES = ("money", "miles", "people", "cost", "expiry")


def _url(name: str, organisation_id: object, **kwargs: str) -> str:
    return reverse(name, kwargs={"organisation_id": organisation_id, **kwargs})


def _figures(organisation: Organisation) -> None:
    """Figures of every kind, with a donor's name and e-mail on a gift and a pledge."""
    today = timezone.localdate()
    campaign = make_campaign(organisation=organisation)
    named = gift_on(organisation=organisation, amount="1234.50", currency="EUR", on=today)
    named.is_anonymous = False
    named.donor_name_envelope = DONOR_NAME.encode()
    named.receipt_email_envelope = DONOR_EMAIL.encode()
    named.save()
    ref = pledge(
        code="UA", miles=50_000, campaign=campaign, expires_on=today + datetime.timedelta(days=20)
    )
    redeem(ref, 12_000)
    cash_in_and_out(
        organisation=organisation, received="900.00", paid="600.00", refunded="0", currency="EUR"
    )
    moved_case(on=today, party_size=2, organisation=organisation)


def test_an_admin_sees_every_figure_on_the_page(client: Client) -> None:
    # given
    staff = make_staff(Role.ADMIN)
    _figures(staff.organisation)
    sign_in(client, staff)
    # when
    response = client.get(_url("donations:report", staff.organisation.public_id))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    for text in ("1,234.50", "38,000", "12,000", "300.00", "6,000", "no one moved yet"):
        if text == "no one moved yet":
            assert text not in page
        else:
            assert text in page, text
    assert DONOR_NAME not in page
    assert DONOR_EMAIL not in page


def test_with_no_one_moved_the_page_says_so(client: Client) -> None:
    staff = make_staff(Role.VIEWER)
    cash_in_and_out(
        organisation=staff.organisation,
        received="50.00",
        paid="20.00",
        refunded="0",
        currency="EUR",
    )
    sign_in(client, staff)
    response = client.get(_url("donations:report", staff.organisation.public_id))
    assert response.status_code == 200
    assert "no one moved yet" in response.content.decode()


def test_the_page_in_russian_groups_numbers_and_names_the_month_in_the_genitive(
    client: Client,
) -> None:
    # given
    staff = make_staff(Role.ADMIN)
    _figures(staff.organisation)
    sign_in(client, staff)
    # when
    with translation.override("ru"):
        response = client.get(
            _url("donations:report", staff.organisation.public_id), HTTP_ACCEPT_LANGUAGE="ru"
        )
        today = formats.date_format(timezone.localdate(), "j E Y")
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "Собрано денег по месяцам" in page
    assert "12\xa0000" in page
    assert f"по {today}" in page


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2026-05-01", "end": "2026-04-01"},
        {"start": "not-a-date"},
        {"start": "1990-01-01", "end": "2026-01-01"},
    ],
)
def test_a_bad_range_is_a_clear_error_and_exports_nothing(
    client: Client, query: dict[str, str]
) -> None:
    staff = make_staff(Role.ADMIN)
    sign_in(client, staff)
    page = client.get(_url("donations:report", staff.organisation.public_id), query)
    assert page.status_code == 400
    assert b'role="alert"' in page.content or b"errorlist" in page.content
    for url in (
        _url("donations:report_csv", staff.organisation.public_id, table="money"),
        _url("donations:report_pdf", staff.organisation.public_id),
    ):
        assert client.get(url, query).status_code == 400
        assert (
            client.post(f"{url}?{urlencode(query)}", {"passphrase": EXPORT_PASSPHRASE}).status_code
            == 400
        )
    assert not AuditEvent.objects.filter(action="reports.exported_encrypted").exists()


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.TRAVEL_COORDINATOR])
def test_other_roles_are_refused_and_nothing_is_exported(client: Client, role: str) -> None:
    staff = make_staff(role)
    sign_in(client, staff)
    for url in (
        _url("donations:report", staff.organisation.public_id),
        _url("donations:report_csv", staff.organisation.public_id, table="money"),
        _url("donations:report_pdf", staff.organisation.public_id),
    ):
        assert client.get(url).status_code == 403
        assert post_export(client, url).status_code == 403
    assert not AuditEvent.objects.filter(action="reports.exported_encrypted").exists()


def test_another_organisations_admin_gets_404_and_nothing_is_exported(client: Client) -> None:
    staff = make_staff(Role.ADMIN)
    other = make_staff(Role.ADMIN)
    _figures(staff.organisation)
    sign_in(client, other)
    for url in (
        _url("donations:report", staff.organisation.public_id),
        _url("donations:report_csv", staff.organisation.public_id, table="money"),
        _url("donations:report_pdf", staff.organisation.public_id),
    ):
        assert client.get(url).status_code == 404
    for url in (
        _url("donations:report_csv", staff.organisation.public_id, table="money"),
        _url("donations:report_pdf", staff.organisation.public_id),
    ):
        assert post_export(client, url).status_code == 404
    assert not AuditEvent.objects.filter(action="reports.exported_encrypted").exists()


def test_an_unknown_table_is_404(client: Client) -> None:
    staff = make_staff(Role.ADMIN)
    sign_in(client, staff)
    url = _url("donations:report_csv", staff.organisation.public_id, table="donors")
    assert client.get(url).status_code == 404


def test_every_csv_table_holds_the_figures_and_no_personal_data(client: Client) -> None:
    # given
    staff = make_staff(Role.ADMIN)
    _figures(staff.organisation)
    sign_in(client, staff)
    bodies = {}
    # when
    for table in TABLES:
        response = post_export(
            client, _url("donations:report_csv", staff.organisation.public_id, table=table)
        )
        assert response["Content-Disposition"] == f'attachment; filename="report-{table}.csv.gpg"'
        bodies[table] = list(csv.reader(io.StringIO(opened(response).decode())))
    # then
    month = f"{timezone.localdate():%Y-%m}"
    assert bodies["money"][1:] == [[month, "EUR", "1234.50", "1"]]
    assert bodies["miles"][1:] == [["UA", "50000", "12000"]]
    assert bodies["people"][1:] == [[month, "2"]]
    assert bodies["cost"][1:] == [["EUR", "600.00", "2", "300.00"], ["miles", "12000", "2", "6000"]]
    assert bodies["expiry"][1:] == [["UA", "38000", "38000"]]
    everything = repr(bodies)
    assert DONOR_NAME not in everything
    assert DONOR_EMAIL not in everything
    assert AuditEvent.objects.filter(action="reports.exported_encrypted").count() == len(TABLES)


def test_csv_cells_a_spreadsheet_would_run_are_neutralised() -> None:
    lines = list(
        selectors.iter_csv(
            header=("program",), rows=[("=HYPERLINK(1)",), ("+1",), ("-2",), ("@x",)]
        )
    )
    assert lines[1:] == ["'=HYPERLINK(1)\r\n", "'+1\r\n", "'-2\r\n", "'@x\r\n"]


def test_the_pdf_is_a_pdf_of_the_organisations_figures(client: Client) -> None:
    # given
    staff = make_staff(Role.ADMIN)
    _figures(staff.organisation)
    sign_in(client, staff)
    # when
    response = post_export(client, _url("donations:report_pdf", staff.organisation.public_id))
    # then
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf.gpg"'
    pdf = opened(response)
    assert pdf.startswith(b"%PDF-")
    today = timezone.localdate()
    document = render_report_html(
        page=build_report(
            organisation=staff.organisation, period=Period(start=today, end=today), today=today
        )
    )
    for text in (staff.organisation.name, "1,234.50", "12,000", "300.00", "38,000"):
        assert text in document, text
    assert DONOR_NAME not in document
    assert DONOR_EMAIL.encode() not in pdf
    assert AuditEvent.objects.filter(action="reports.exported_encrypted").count() == 1
