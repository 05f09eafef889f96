"""A campaign's cover file changes with its row: the file a new cover replaces is deleted
only once the change commits, and a change that fails keeps the old file and leaves no new
one behind. (The old file used to be deleted before the change committed: a change that
then failed left the campaign pointing at a file that no longer existed.)"""

import datetime
import io
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from PIL import Image
from pytest_django import Settings

from safepassage.accounts.roles import Role
from safepassage.donations import actions
from safepassage.donations.cover_images import EncodedImage, reencode_cover_image
from safepassage.donations.models import Campaign
from tests.factories import StaffMember, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _cover(colour: tuple[int, int, int]) -> EncodedImage:
    output = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(output, format="PNG")
    return reencode_cover_image(upload=io.BytesIO(output.getvalue()), size=output.tell())


def _details(slug: str = "winter-appeal") -> actions.CampaignDetails:
    return actions.CampaignDetails(
        slug=slug,
        title="Winter appeal",
        story="",
        goal_money=None,
        goal_currency="EUR",
        goal_miles=100_000,
        starts_on=datetime.date(2027, 1, 1),
        ends_on=None,
        cover_description="A square",
    )


def _files(settings: Settings) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path.name for path in root.rglob("*") if path.is_file())


def _campaign_with_cover(
    fundraiser: StaffMember, django_capture_on_commit_callbacks: Any
) -> Campaign:
    with django_capture_on_commit_callbacks(execute=True):
        return actions.do_create_campaign(
            actor=fundraiser.user,
            organisation=fundraiser.organisation,
            details=_details(),
            beneficiaries=[],
            cover=_cover((200, 0, 0)),
        )


def test_a_new_cover_replaces_the_old_file_once_the_change_commits(
    settings: Settings, django_capture_on_commit_callbacks: Any
) -> None:
    # given a campaign with a cover
    fundraiser = make_staff(Role.FUNDRAISER)
    campaign = _campaign_with_cover(fundraiser, django_capture_on_commit_callbacks)
    old = Path(str(campaign.cover_image.name)).name
    assert _files(settings) == [old]

    # when a new cover is saved
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        updated = actions.do_update_campaign(
            actor=fundraiser.user,
            campaign=campaign,
            details=_details(),
            beneficiaries=[],
            cover=_cover((0, 0, 200)),
        )
        new = Path(str(updated.cover_image.name)).name
        # then until the change commits both files are there
        assert _files(settings) == sorted([old, new])
    for callback in callbacks:
        callback()

    # and once it has, only the new one
    assert _files(settings) == [new]


@pytest.mark.parametrize("change", ["create", "update"])
def test_a_change_that_fails_keeps_the_old_cover_and_leaves_no_new_file(
    settings: Settings, django_capture_on_commit_callbacks: Any, change: str
) -> None:
    # given a campaign with a cover
    fundraiser = make_staff(Role.FUNDRAISER)
    campaign = _campaign_with_cover(fundraiser, django_capture_on_commit_callbacks)
    old_name = campaign.cover_image.name
    before = _files(settings)

    # when saving a new cover fails after its file was written (the audit trail fails)
    new_cover = _cover((0, 200, 0))
    save: Callable[[], Campaign] = (
        partial(
            actions.do_create_campaign,
            actor=fundraiser.user,
            organisation=fundraiser.organisation,
            details=_details(slug="second-appeal"),
            beneficiaries=[],
            cover=new_cover,
        )
        if change == "create"
        else partial(
            actions.do_update_campaign,
            actor=fundraiser.user,
            campaign=campaign,
            details=_details(),
            beneficiaries=[],
            cover=new_cover,
        )
    )
    failure = mock.patch.object(actions, "record_audit_event", side_effect=RuntimeError("down"))
    with failure, django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        save()

    # then the campaign still shows its old cover, whose file is there, and nothing else is
    assert list(Campaign.objects.all()) == [campaign]
    campaign.refresh_from_db()
    assert campaign.cover_image.name == old_name
    assert _files(settings) == before
