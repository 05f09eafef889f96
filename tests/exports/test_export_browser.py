"""SR-29 in Chromium without JavaScript: from the gift list to the export page, a short
passphrase is refused on the page, then the suggested one downloads a .gpg file that gpg
opens to the CSV."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from tests.browser_steps import sign_in_through_the_pages
from tests.exports.gpg import open_export
from tests.factories import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUGGESTION = re.compile(r"[a-z2-7]{5}(?:-[a-z2-7]{5}){4}")


def test_a_short_passphrase_is_refused_then_the_suggested_one_downloads_the_file(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # Given a viewer signed in, on the gift list, in a browser without JavaScript
    page = page_without_js
    staff = make_staff(Role.VIEWER)
    sign_in_through_the_pages(page, live_server.url, staff)
    page.goto(
        live_server.url
        + reverse("donations:gift_list", kwargs={"organisation_id": staff.organisation.public_id})
    )

    # When they follow the export link and submit a short passphrase
    page.get_by_role("link", name="Export these gifts as CSV").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Encrypted export")
    page.get_by_label("Passphrase for the file").fill("too short")
    page.get_by_role("button", name="Download the encrypted file").click()

    # Then the page says what is wrong, keeps nothing typed, and nothing was exported
    expect(page.get_by_role("alert")).to_contain_text(
        "Use at least 15 characters for the passphrase."
    )
    expect(page.get_by_label("Passphrase for the file")).to_have_value("")
    assert not AuditEvent.objects.filter(action="gifts.exported_encrypted").exists()

    # When they use the passphrase the page suggests
    match = SUGGESTION.search(page.content())
    assert match is not None
    page.get_by_label("Passphrase for the file").fill(match.group())
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the encrypted file").click()

    # Then the download is gifts.csv.gpg, which gpg opens with it to the CSV
    assert download.value.suggested_filename == "gifts.csv.gpg"
    with open(download.value.path(), "rb") as encrypted:
        plaintext = open_export(encrypted.read(), passphrase=match.group())
    assert plaintext.startswith(b"gift_id,")
    assert AuditEvent.objects.filter(action="gifts.exported_encrypted").count() == 1
