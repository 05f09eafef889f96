"""Bad input on the two forms the matrix's walk cannot reach (decision 0046's addendum):

- removing a security key: the matrix's world has no key (its row answers 404 for every
  role), so here a caseworker who registered one through the security page meets the bad
  input of tests/robustness/bad_input.py on its removal page;
- a campaign's cover image: the walk sends an empty, a mislabelled and an oddly named file;
  here the create and edit pages also get files that are not images, an image bomb,
  huge dimensions, an animated image, a vector image and a real image under the wrong name.
  Each refusal says what is wrong with the cover, writes no row, no audit event and no file.
"""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from pytest_django import Settings

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.donations.models import Campaign
from tests.accounts.security_key_factories import register_key
from tests.accounts.software_authenticator import SoftwareAuthenticator
from tests.donations.factories import CampaignFactory
from tests.factories import StaffMember, make_staff, sign_in
from tests.robustness.bad_input import Target, send_bad_input

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _browser(staff: StaffMember) -> Client:
    """Signed in at http://localhost (where WebAuthn allows plain http), checking CSRF."""
    staff.user.refresh_from_db()  # a key change rotated the session epoch
    return sign_in(Client(enforce_csrf_checks=True, HTTP_HOST="localhost"), staff)


def test_bad_input_to_removing_a_security_key_writes_nothing_when_refused() -> None:
    # given a caseworker with a security key, on its removal page
    caseworker = make_staff(Role.CASEWORKER)
    key = register_key(caseworker, SoftwareAuthenticator())
    target = Target(
        name="accounts:remove_security_key",
        client=_browser(caseworker),
        url=reverse("accounts:remove_security_key", args=[key.public_id]),
        pages=(reverse("accounts:security"),),
    )
    # when it is sent bad input, then (inside) every answer is a page or a redirect and
    # every refusal wrote, sent and queued nothing
    send_bad_input(target)


# --- The campaign cover ------------------------------------------------------------------


def _image(image_format: str, size: tuple[int, int] = (40, 30), **options: object) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(output, format=image_format, **options)
    return output.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _huge_png(width: int, height: int) -> bytes:
    """A PNG of a few hundred bytes that says it is ``width`` x ``height`` black-and-white
    pixels: gigabytes once decoded."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * (1 + width // 8) * 64, 9)  # the first rows only
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)
REFUSED_COVERS = [
    ("an empty file", "cover.jpg", b"", "The submitted file is empty."),
    ("text named .jpg", "cover.jpg", b"not a picture at all\n" * 50, "not an image we can read"),
    ("a PDF named .png", "cover.png", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "not an image we can read"),
    (
        "a script named .php",
        "cover.php",
        b"<?php system($_GET['c']); ?>",
        "not an image we can read",
    ),
    ("a vector image with a script", "cover.svg", SVG, "not an image we can read"),
    (
        "an HTML page named .webp",
        "cover.webp",
        b"<html><script>x</script></html>",
        "not an image we can read",
    ),
    ("a truncated JPEG", "cover.jpg", _image("JPEG")[:200], "not an image we can read"),
    ("a TIFF", "cover.tiff", _image("TIFF"), "not an image we can read"),
    ("huge dimensions (50 megapixels)", "cover.png", _huge_png(10_000, 5_000), "too many pixels"),
    ("an image bomb (400 megapixels)", "cover.png", _huge_png(20_000, 20_000), "too many pixels"),
]
ACCEPTED_COVERS = [
    ("a JPEG named .png", "cover.png", _image("JPEG")),
    ("a PNG with no extension", "cover", _image("PNG")),
    ("an animated GIF", "cover.gif", _image("GIF", save_all=True)),
]


def _campaign_form(staff: StaffMember, cover: SimpleUploadedFile) -> dict[str, object]:
    return {
        "organisation": staff.organisation.pk,
        "title": "Winter appeal",
        "slug": "winter-appeal",
        "goal_currency": "EUR",
        "goal_miles": "1000000",
        "starts_on": "2027-01-01",
        "cover": cover,
        "cover_description": "A blue square",
    }


def _files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("label", "name", "content", "message"), REFUSED_COVERS, ids=[c[0] for c in REFUSED_COVERS]
)
def test_a_hostile_cover_is_refused_with_a_clear_error_and_nothing_is_written(
    settings: Settings, label: str, name: str, content: bytes, message: str
) -> None:
    # given a fundraiser and a campaign of theirs with no cover
    fundraiser = make_staff(Role.FUNDRAISER)
    client = sign_in(Client(), fundraiser)
    client.raise_request_exception = True
    campaign = CampaignFactory.create(organisation=fundraiser.organisation, slug="old-appeal")
    audit_before = AuditEvent.objects.count()
    pages = (
        reverse("donations:campaign_create"),
        reverse("donations:campaign_edit", kwargs={"campaign_id": campaign.public_id}),
    )
    for page in pages:
        # when they send the hostile file as the cover
        upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
        response = client.post(page, _campaign_form(fundraiser, upload))
        # then the form is shown again with the cover's error next to the cover field
        assert response.status_code == 200, label
        assert message in str(response.context["form"].errors.get("cover")), label
    # and nothing is written: no campaign, no change, no audit event, no file
    assert list(Campaign.objects.all()) == [campaign]
    campaign.refresh_from_db()
    assert (campaign.slug, campaign.cover_image.name) == ("old-appeal", "")
    assert AuditEvent.objects.count() == audit_before
    assert _files(Path(settings.MEDIA_ROOT)) == []


@pytest.mark.parametrize(
    ("label", "name", "content"), ACCEPTED_COVERS, ids=[c[0] for c in ACCEPTED_COVERS]
)
def test_a_real_image_under_any_name_is_re_encoded_and_its_name_never_kept(
    settings: Settings, label: str, name: str, content: bytes
) -> None:
    # given a fundraiser
    fundraiser = make_staff(Role.FUNDRAISER)
    client = sign_in(Client(), fundraiser)
    # when they send a real image whose name or kind is unusual
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    response = client.post(reverse("donations:campaign_create"), _campaign_form(fundraiser, upload))
    # then it is saved as our own JPEG under a name of ours
    assert response.status_code == 302, label
    campaign = Campaign.objects.get()
    assert campaign.cover_content_type == "image/jpeg"
    stored = _files(Path(settings.MEDIA_ROOT))
    assert len(stored) == 1
    assert stored[0].suffix == ".jpg"
    assert len(stored[0].stem) == 32  # a random hex name, never the one sent
    with Image.open(stored[0]) as image:
        assert image.format == "JPEG"
