"""A caseworker gives a task and files a document in Chromium with JavaScript off."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.roles import Role
from tests.browser_steps import sign_in_through_the_pages
from tests.cases.factories import keyed_organisation, make_case, make_keyed_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n% a letter from the consulate\n%%EOF\n"


def test_a_task_and_a_document_on_a_case_without_javascript(
    live_server: LiveServer, page_without_js: Page, settings: Settings, tmp_path: Path
) -> None:
    # Given a caseworker with a case, and a browser with JavaScript off
    settings.DATA_DIR = tmp_path
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=keyed, full_name="Browser Tasked Person")
    page = page_without_js
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    sign_in_through_the_pages(page, live_server.url, keyed.staff)

    # When they add a task for themselves on the case
    page.goto(f"{live_server.url}/cases/{case.public_id}/")
    page.get_by_role("link", name="Add a task").click()
    page.get_by_label("What needs doing").fill("Book the consulate appointment")
    page.get_by_label("Due on").fill("2031-01-15")
    page.get_by_role("button", name="Save").click()

    # Then it is on the case and on their task list
    expect(page.get_by_text("Book the consulate appointment")).to_be_visible()
    page.goto(live_server.url + "/cases/tasks/")
    expect(page.get_by_text("Book the consulate appointment")).to_be_visible()
    expect(page.get_by_role("link", name=case.code)).to_be_visible()

    # When they upload a PDF and download it again
    page.goto(f"{live_server.url}/cases/{case.public_id}/")
    page.get_by_role("link", name="Upload a document").click()
    upload = tmp_path / "letter.pdf"
    upload.write_bytes(PDF)
    page.get_by_label("Document").set_input_files(str(upload))
    page.get_by_role("button", name="Save").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="letter.pdf").click()

    # Then the download is the same file, saved as an attachment
    download = download_info.value
    assert download.suggested_filename == "letter.pdf"
    assert Path(download.path()).read_bytes() == PDF
    # and every request the browser made went to the site's own origin
    assert [url for url in requests if not url.startswith(live_server.url)] == []
