"""SR-23 in Chromium without JavaScript: an export after 5 minutes asks for the password
and a code again, then for the file's passphrase (SR-29), then downloads the encrypted
file, which gpg opens."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.reauthentication import SESSION_KEY
from safepassage.accounts.roles import Role
from safepassage.site.sessions import SessionStore
from tests.browser_steps import sign_in_through_the_pages
from tests.exports.gpg import open_export
from tests.exports.helpers import EXPORT_PASSPHRASE
from tests.factories import STAFF_PASSWORD, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_stale_session_confirms_then_gets_the_export(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # Given a fundraiser who signed in (in a browser without JavaScript) ...
    page = page_without_js
    staff = make_staff(Role.FUNDRAISER)
    sign_in_through_the_pages(page, live_server.url, staff)
    expect(page.get_by_role("heading", level=1)).to_contain_text(staff.user.display_name)
    # ... more than 5 minutes ago (the session forgets when)
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    session.pop(SESSION_KEY)
    session.save()
    export = reverse(
        "donations:pledge_export", kwargs={"organisation_id": staff.organisation.public_id}
    )

    # When they open the export
    page.goto(live_server.url + export)

    # Then they are asked to confirm it is them, then for a passphrase, and the file downloads
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(staff.current_code())
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Encrypted export")
    page.get_by_label("Passphrase for the file").fill(EXPORT_PASSPHRASE)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the encrypted file").click()
    assert download.value.suggested_filename == "pledges.csv.gpg"
    with open(download.value.path(), "rb") as encrypted:
        plaintext = open_export(encrypted.read(), passphrase=EXPORT_PASSPHRASE)
    assert plaintext.startswith(b"pledge_id,")
