"""SR-29: every staff export (gifts, pledges, report tables, report PDF) is given out only
encrypted for a passphrase typed on its page, opens with gpg to what the plain export held,
and is audited as encrypted; the passphrase is kept, logged, audited and shown nowhere."""

import csv
import html
import io
import logging
import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.donations.export_encryption import suggest_passphrase
from safepassage.donations.gifts import selectors as gift_selectors
from safepassage.donations.gifts.actions import EXPORTS_PER_HOUR
from safepassage.donations.gifts.forms import GiftFilterForm
from tests.donations.gift_factories import deliver, gift_event, make_campaign, written
from tests.exports.gpg import gpg_decrypt, open_export
from tests.exports.helpers import EXPORT_PASSPHRASE, body_of, opened, post_export
from tests.factories import STAFF_PASSWORD, StaffMember, make_staff, sign_in

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Export:
    url_name: str
    filename: str
    action: str
    extra: tuple[tuple[str, str], ...] = ()

    def url(self, staff: StaffMember) -> str:
        kwargs = {"organisation_id": staff.organisation.public_id, **dict(self.extra)}
        return reverse(self.url_name, kwargs=kwargs)


EXPORTS = [
    Export("donations:gift_export", "gifts.csv.gpg", "gifts.exported_encrypted"),
    Export("donations:pledge_export", "pledges.csv.gpg", "pledges.exported_encrypted"),
    Export(
        "donations:report_csv",
        "report-money.csv.gpg",
        "reports.exported_encrypted",
        (("table", "money"),),
    ),
    Export("donations:report_pdf", "report.pdf.gpg", "reports.exported_encrypted"),
]
IDS = [export.url_name.split(":")[1] for export in EXPORTS]


def _audit_text() -> str:
    return repr(list(AuditEvent.objects.values()))


@pytest.mark.parametrize("export", EXPORTS, ids=IDS)
def test_the_export_page_asks_for_a_passphrase_and_suggests_one_without_exporting(
    client: Client, export: Export
) -> None:
    # Given a fundraiser
    staff = make_staff(Role.FUNDRAISER)
    sign_in(client, staff)
    before = written()

    # When they open the export twice
    first = client.get(export.url(staff))
    second = client.get(export.url(staff))

    # Then a form with a password-type field and a fresh random suggestion each time
    page = first.content.decode()
    assert first.status_code == 200
    assert re.search(r'<input type="password" name="passphrase"[^>]*required', page)
    assert 'autocomplete="new-password"' in page
    suggestions = [
        re.search(r"[a-z2-7]{5}(?:-[a-z2-7]{5}){4}", response.content.decode())
        for response in (first, second)
    ]
    assert all(suggestions)
    assert suggestions[0].group() != suggestions[1].group()  # type: ignore[union-attr]  # both found above
    assert export.filename in page
    # and nothing is exported, audited or counted yet
    assert written() == before


def test_a_suggestion_is_25_random_base32_letters() -> None:
    suggestions = {suggest_passphrase() for _ in range(50)}

    assert len(suggestions) == 50
    for suggestion in suggestions:
        assert re.fullmatch(r"[a-z2-7]{5}(-[a-z2-7]{5}){4}", suggestion)


@pytest.mark.parametrize("export", EXPORTS, ids=IDS)
def test_the_file_is_encrypted_named_gpg_not_cached_and_audited_as_encrypted(
    client: Client, export: Export, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a viewer
    staff = make_staff(Role.VIEWER)
    sign_in(client, staff)
    caplog.set_level(logging.DEBUG)

    # When they export with a passphrase
    response = post_export(client, export.url(staff))
    encrypted = body_of(response)

    # Then the file is an OpenPGP message named .gpg, never cached, that gpg opens
    assert response["Content-Type"] == "application/pgp-encrypted"
    assert response["Content-Disposition"] == f'attachment; filename="{export.filename}"'
    assert response["Cache-Control"] == "no-store"
    assert encrypted[:2] == b"\xc3\x0d"  # a symmetric-key session key packet (SKESK v4)
    plaintext = open_export(encrypted, passphrase=EXPORT_PASSPHRASE)
    assert plaintext.startswith(b"%PDF-" if export.filename.endswith(".pdf.gpg") else b"")
    assert plaintext
    # and one audit event says it was an encrypted export, with references only
    event = AuditEvent.objects.get(action=export.action)
    assert event.actor == str(staff.user.public_id)
    assert event.organisation == str(staff.organisation.public_id)
    # and the passphrase is nowhere: not in the file, the audit rows or the logs
    assert EXPORT_PASSPHRASE.encode() not in encrypted
    assert EXPORT_PASSPHRASE not in _audit_text()
    assert EXPORT_PASSPHRASE not in caplog.text


BAD_PASSPHRASES = {
    "empty": ("", "This field is required."),
    "fourteen characters": ("abcdefghijk-lm", "Use at least 15 characters for the passphrase."),
    "only spaces, too short": (" " * 10, "Use at least 15 characters for the passphrase."),
    "a common password": ("passwordpassword", ""),
    "the service's name": ("safepassage-export-file", ""),
    "the sign-in password": (STAFF_PASSWORD, "Do not use your sign-in password"),
    "a line break": ("first line of it\nsecond line", "no line breaks or control characters"),
    "a NUL": ("a passphrase with a \x00 in it", ""),
}


@pytest.mark.parametrize("export", EXPORTS, ids=IDS)
@pytest.mark.parametrize("bad", BAD_PASSPHRASES.values(), ids=BAD_PASSPHRASES.keys())
def test_a_bad_passphrase_is_a_clear_error_and_nothing_is_written_or_counted(
    client: Client, export: Export, bad: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    # Given a fundraiser
    staff = make_staff(Role.FUNDRAISER)
    sign_in(client, staff)
    caplog.set_level(logging.DEBUG)
    before = written()
    passphrase, message = bad

    # When they submit the export page with a passphrase the rules refuse
    response = post_export(client, export.url(staff), passphrase=passphrase)

    # Then the page comes back with the error in its summary, and no file
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "There is a problem" in page
    assert message in page
    # nothing is exported, audited or counted against the hourly allowance
    assert written() == before
    # and the passphrase typed is not written back into the page or the logs
    if passphrase.strip():
        assert passphrase not in page
        assert passphrase not in caplog.text


def test_a_bad_passphrase_does_not_use_up_the_allowance(client: Client) -> None:
    # Given a viewer with one export left this hour, after many refused passphrases
    staff = make_staff(Role.VIEWER)
    sign_in(client, staff)
    gifts = Export("donations:gift_export", "gifts.csv.gpg", "gifts.exported_encrypted")
    for _ in range(EXPORTS_PER_HOUR - 1):
        assert post_export(client, gifts.url(staff)).status_code == 200
    for _ in range(5):
        post_export(client, gifts.url(staff), passphrase="short")

    # When they export with a good passphrase, then it still goes out; the next is refused
    assert post_export(client, gifts.url(staff))["Content-Type"] == "application/pgp-encrypted"
    assert post_export(client, gifts.url(staff)).status_code == 429


def test_the_suggested_passphrase_is_accepted(client: Client) -> None:
    # Given the suggestion on the page
    staff = make_staff(Role.ADMIN)
    sign_in(client, staff)
    url = EXPORTS[1].url(staff)
    page = client.get(url).content.decode()
    match = re.search(r"[a-z2-7]{5}(?:-[a-z2-7]{5}){4}", page)
    assert match is not None
    suggestion = match.group()

    # When it is used, then the file opens with it
    assert opened(post_export(client, url, passphrase=suggestion), passphrase=suggestion)


def test_a_wrong_passphrase_does_not_open_the_download(client: Client) -> None:
    staff = make_staff(Role.ADMIN)
    sign_in(client, staff)

    encrypted = body_of(post_export(client, EXPORTS[1].url(staff)))

    decrypted = gpg_decrypt(encrypted, passphrase=EXPORT_PASSPHRASE + "x")
    assert decrypted.returncode != 0
    assert b"pledge_id" not in decrypted.plaintext


@pytest.mark.parametrize("export", EXPORTS, ids=IDS)
@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.TRAVEL_COORDINATOR])
def test_the_wrong_role_gets_no_file_and_nothing_is_written(
    client: Client, export: Export, role: str
) -> None:
    staff = make_staff(role)
    sign_in(client, staff)
    before = written()

    response = post_export(client, export.url(staff))

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert written() == before


@pytest.mark.parametrize("export", EXPORTS, ids=IDS)
def test_another_organisation_s_admin_gets_no_file_and_nothing_is_written(
    client: Client, export: Export
) -> None:
    victim = make_staff(Role.ADMIN)
    sign_in(client, make_staff(Role.ADMIN))
    before = written()

    response = post_export(client, export.url(victim))

    assert response.status_code == 404
    assert written() == before


@pytest.mark.parametrize("export", EXPORTS, ids=IDS)
def test_a_stale_session_s_post_gives_no_file_and_writes_nothing(export: Export) -> None:
    # Given a session whose last full sign-in is more than 5 minutes old
    staff = make_staff(Role.FUNDRAISER)
    client = sign_in(Client(), staff, recently_authenticated=False)
    before = written()

    # When the export page is submitted
    response = post_export(client, export.url(staff))

    # Then it is sent to confirm who they are first, and nothing goes out
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert written() == before


def test_the_opened_gift_export_is_the_plain_csv_with_the_same_rows_and_columns(
    client: Client,
) -> None:
    # Given gifts through the provider, one named
    staff = make_staff(Role.FUNDRAISER)
    campaign = make_campaign(organisation=staff.organisation, title="Spring, with a comma")
    for number in range(3):
        deliver(
            Client(),
            gift_event(
                campaign=str(campaign.public_id),
                id=f"evt_{number}",
                donor={"name": "Ruslan", "email": "ruslan@example.org", "anonymous": False},
            ),
        )
    sign_in(client, staff)
    query = f"campaign={campaign.public_id}"

    # When they export the filtered list and open it with gpg
    plaintext = opened(post_export(client, EXPORTS[0].url(staff), query=query)).decode()

    # Then it is byte for byte the CSV the plain export wrote for the same filters
    campaigns = gift_selectors.list_organisation_campaigns(organisation=staff.organisation)
    filters = GiftFilterForm({"campaign": str(campaign.public_id)}, campaigns=campaigns).filters()
    gifts = gift_selectors.list_gifts(organisation=staff.organisation, filters=filters)
    plain = "".join(gift_selectors.iter_gift_csv(gifts=gifts.iterator()))
    assert plaintext == plain
    rows = list(csv.reader(io.StringIO(plaintext)))
    assert len(rows) == 4
    assert len({len(row) for row in rows}) == 1
    assert "Ruslan" not in plaintext


def test_a_failing_export_logs_no_passphrase_and_error_reports_hide_it(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Given an export that fails after the passphrase was accepted
    staff = make_staff(Role.ADMIN)
    client = sign_in(Client(raise_request_exception=False), staff)

    def fail(**_kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("safepassage.donations.gifts.actions.do_record_gift_export", fail)
    caplog.set_level(logging.DEBUG)

    # When it is submitted
    response = post_export(client, EXPORTS[0].url(staff))

    # Then the error is logged without the passphrase, and an error report would mask it
    assert response.status_code == 500
    assert EXPORT_PASSPHRASE not in caplog.text
    logged = [record for record in caplog.records if hasattr(record, "request")]
    assert logged
    reported = SafeExceptionReporterFilter().get_post_parameters(logged[-1].request)
    assert reported["passphrase"] != EXPORT_PASSPHRASE
    assert EXPORT_PASSPHRASE not in repr(reported)


def test_the_export_page_and_its_errors_are_in_russian(client: Client) -> None:
    # Given a fundraiser reading Russian
    staff = make_staff(Role.FUNDRAISER)
    sign_in(client, staff)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ru"
    url = EXPORTS[1].url(staff)

    # When they open the export page and submit a short passphrase
    page = html.unescape(client.get(url).content.decode())
    refused = html.unescape(post_export(client, url, passphrase="коротко").content.decode())

    # Then the page, its help text and the error are in Russian
    assert "Зашифрованный экспорт" in page
    assert "Парольная фраза для файла" in page
    assert "Kleopatra" in page
    assert "Скачать зашифрованный файл" in page
    assert "Парольная фраза должна быть не короче 15 символов." in refused
