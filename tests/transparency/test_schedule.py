"""The scheduler publishes the transparency figures daily (each period once)."""

import datetime

from safepassage.site.scheduler import discover
from safepassage.transparency.tasks import publish_transparency_snapshot


def test_the_publication_is_registered_daily() -> None:
    periodic = discover().tasks[publish_transparency_snapshot.module_path]

    assert periodic.every == datetime.timedelta(days=1)
