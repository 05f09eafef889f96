"""Documents (SR-09): content-sniffed uploads encrypted as they arrive, never written in
plaintext, downloaded only as attachments by people holding the documents key; audited."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pytest_django import Settings

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.cases import document_storage
from safepassage.cases.models import Case, CaseDocument
from tests.cases.factories import (
    KeyedStaff,
    keyed_organisation,
    make_case,
    make_keyed_staff,
    sign_in_with_keys,
)

pytestmark = pytest.mark.django_db

MARKER = b"PassportNumber-7731-Zarema"
PDF = b"%PDF-1.7\n" + MARKER + b"\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def data_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "django-tmp")
    (tmp_path / "django-tmp").mkdir()
    return tmp_path


def _every_file(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def _writes(root: Path) -> tuple[int, ...]:
    return (
        CaseDocument.objects.count(),
        AuditEvent.objects.count(),
        len(mail.outbox),
        len(_every_file(root)),
    )


def _upload(client: Client, case: Case, name: str, content: bytes) -> int:
    response = client.post(
        reverse("cases:upload_document", kwargs={"case_id": case.public_id}),
        {"document": SimpleUploadedFile(name, content, content_type="text/html")},
    )
    return response.status_code


def _caseworker_with_case() -> tuple[KeyedStaff, Case]:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    return keyed, make_case(actor=keyed)


def test_an_upload_is_stored_encrypted_and_comes_back_as_an_attachment(data_dir: Path) -> None:
    # Given a caseworker on a case, and a PDF larger than Django keeps in memory
    keyed, case = _caseworker_with_case()
    client = sign_in_with_keys(Client(), keyed)
    big = PDF + MARKER * 200_000  # ~5 MB: Django's default handlers would spool it to disk

    # When they upload it
    assert _upload(client, case, "zarema-passport.pdf", big) == 302

    # Then only ciphertext is on disk, nothing was spooled, and the reader gets it back intact
    document = CaseDocument.objects.get()
    files = _every_file(data_dir)
    assert files == [document_storage.document_path(document.public_id)]
    assert all(MARKER not in path.read_bytes() for path in files)
    assert b"zarema" not in bytes(document.details)
    page = client.get(reverse("cases:detail", kwargs={"case_id": case.public_id})).text
    assert "zarema-passport.pdf" in page
    download = client.get(
        reverse("cases:download_document", kwargs={"document_id": document.public_id})
    )
    assert download.content == big
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"] == 'attachment; filename="zarema-passport.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    actions = list(AuditEvent.objects.values_list("action", "object_ref"))
    assert ("case.document_uploaded", str(case.public_id)) in actions
    assert ("case.document_downloaded", str(case.public_id)) in actions
    assert not AuditEvent.objects.filter(object_ref__icontains="zarema").exists()


def test_the_type_comes_from_the_content_not_the_name(data_dir: Path) -> None:
    keyed, case = _caseworker_with_case()
    client = sign_in_with_keys(Client(), keyed)

    refused = _upload(client, case, "passport.pdf", b"<html><script>alert(1)</script>")
    accepted = _upload(client, case, "scan.txt", _png())

    assert (refused, accepted) == (200, 302)
    document = CaseDocument.objects.get()
    download = client.get(
        reverse("cases:download_document", kwargs={"document_id": document.public_id})
    )
    assert download["Content-Disposition"] == 'attachment; filename="scan.txt.png"'
    assert len(_every_file(data_dir)) == 1


def test_a_document_over_the_size_limit_is_refused_and_leaves_no_file(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyed, case = _caseworker_with_case()
    client = sign_in_with_keys(Client(), keyed)
    monkeypatch.setattr(document_storage, "MAX_DOCUMENT_BYTES", 1000)
    before = _writes(data_dir)

    response = client.post(
        reverse("cases:upload_document", kwargs={"case_id": case.public_id}),
        {"document": SimpleUploadedFile("big.pdf", PDF)},
    )

    assert response.status_code == 200
    assert "10 MB" in response.text
    assert _writes(data_dir) == before


@pytest.mark.parametrize("role", [Role.FUNDRAISER, Role.VIEWER])
def test_roles_without_case_access_upload_nothing(role: str, data_dir: Path) -> None:
    _owner, case = _caseworker_with_case()
    client = sign_in_with_keys(Client(), make_keyed_staff(role, case.organisation))
    before = _writes(data_dir)

    assert _upload(client, case, "a.pdf", PDF) == 403

    assert _writes(data_dir) == before


def test_another_organisation_neither_uploads_nor_downloads(data_dir: Path) -> None:
    # Given a stored document
    keyed, case = _caseworker_with_case()
    assert _upload(sign_in_with_keys(Client(), keyed), case, "a.pdf", PDF) == 302
    document = CaseDocument.objects.get()
    other, _ = keyed_organisation()
    client = sign_in_with_keys(Client(), make_keyed_staff(Role.CASEWORKER, other))
    before = _writes(data_dir)

    # When a caseworker of another organisation tries both
    upload = _upload(client, case, "b.pdf", PDF)
    download = client.get(
        reverse("cases:download_document", kwargs={"document_id": document.public_id})
    )

    # Then both answer 404 and nothing is written or left on disk
    assert (upload, download.status_code) == (404, 404)
    assert MARKER not in download.content
    assert _writes(data_dir) == before


def test_a_tampered_file_is_refused_not_served(data_dir: Path) -> None:
    keyed, case = _caseworker_with_case()
    client = sign_in_with_keys(Client(), keyed)
    assert _upload(client, case, "a.pdf", PDF) == 302
    document = CaseDocument.objects.get()
    path = document_storage.document_path(document.public_id)
    stored = bytearray(path.read_bytes())
    stored[200] ^= 1
    path.write_bytes(bytes(stored))

    response = client.get(
        reverse("cases:download_document", kwargs={"document_id": document.public_id})
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert MARKER not in response.content
    assert not AuditEvent.objects.filter(action="case.document_downloaded").exists()


def _image_with_metadata(fmt: str) -> bytes:
    image = Image.new("RGB", (40, 20), "purple")
    out = io.BytesIO()
    if fmt == "JPEG":
        exif = Image.Exif()
        exif[0x013B] = MARKER.decode()  # Artist
        exif[0x010E] = MARKER.decode()  # ImageDescription
        image.save(out, format="JPEG", exif=exif.tobytes())
    else:
        info = PngInfo()
        info.add_text("Comment", MARKER.decode())
        image.save(out, format="PNG", pnginfo=info)
    return out.getvalue() + b"trailing " + MARKER


@pytest.mark.parametrize(("fmt", "name"), [("JPEG", "photo.jpg"), ("PNG", "scan.png")])
def test_images_are_re_encoded_without_metadata(fmt: str, name: str, data_dir: Path) -> None:
    # Given a photo whose metadata and trailing bytes name the person
    keyed, case = _caseworker_with_case()
    client = sign_in_with_keys(Client(), keyed)
    original = _image_with_metadata(fmt)
    assert MARKER in original

    # When it is uploaded and downloaded again
    assert _upload(client, case, name, original) == 302
    document = CaseDocument.objects.get()
    download = client.get(
        reverse("cases:download_document", kwargs={"document_id": document.public_id})
    )

    # Then the same picture comes back with no metadata and nothing after the image
    assert MARKER not in download.content
    with Image.open(io.BytesIO(download.content)) as image:
        assert (image.format, image.size) == (fmt, (40, 20))
        assert not image.getexif()
        assert "Comment" not in image.info


def test_a_file_that_only_looks_like_an_image_is_refused(data_dir: Path) -> None:
    keyed, case = _caseworker_with_case()
    client = sign_in_with_keys(Client(), keyed)
    before = _writes(data_dir)

    response = client.post(
        reverse("cases:upload_document", kwargs={"case_id": case.public_id}),
        {"document": SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"not an image" * 50)},
    )

    assert response.status_code == 200
    assert "cannot be read" in response.text
    assert _writes(data_dir) == before


def test_only_the_first_document_of_a_request_is_taken(data_dir: Path) -> None:
    keyed, case = _caseworker_with_case()
    client = sign_in_with_keys(Client(), keyed)

    response = client.post(
        reverse("cases:upload_document", kwargs={"case_id": case.public_id}),
        {
            "document": [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)],
            "other": SimpleUploadedFile("c.pdf", PDF),
        },
    )

    assert response.status_code == 302
    assert CaseDocument.objects.count() == 1
    assert len(_every_file(data_dir)) == 1


def test_a_document_uploaded_by_mistake_is_deleted_with_its_file(
    data_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    keyed, case = _caseworker_with_case()
    client = sign_in_with_keys(Client(), keyed)
    assert _upload(client, case, "wrong.pdf", PDF) == 302
    document = CaseDocument.objects.get()
    url = reverse("cases:delete_document", kwargs={"document_id": document.public_id})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 302
    assert not CaseDocument.objects.exists()
    assert _every_file(data_dir) == []
    assert AuditEvent.objects.filter(action="case.document_deleted").count() == 1


@pytest.mark.parametrize("role", [Role.FUNDRAISER, Role.VIEWER, Role.TRAVEL_COORDINATOR])
def test_roles_off_the_case_delete_no_document(role: str, data_dir: Path) -> None:
    keyed, case = _caseworker_with_case()
    assert _upload(sign_in_with_keys(Client(), keyed), case, "a.pdf", PDF) == 302
    document = CaseDocument.objects.get()
    client = sign_in_with_keys(Client(), make_keyed_staff(role, case.organisation))
    before = _writes(data_dir)

    response = client.post(
        reverse("cases:delete_document", kwargs={"document_id": document.public_id})
    )

    assert response.status_code in {403, 404}
    assert _writes(data_dir) == before
