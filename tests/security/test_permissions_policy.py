"""SR-34: the restrictive ``Permissions-Policy`` header, exactly, on every URL of the
permission matrix (the other SR-34 headers are checked on every URL for every role by
``tests/test_permission_matrix.py``)."""

import pytest
from django.urls import reverse

from tests.test_permission_matrix import MATRIX, URL_KWARGS, build_world, client_for

pytestmark = pytest.mark.django_db

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_every_page_denies_every_powerful_browser_feature(role: str) -> None:
    """SR-34: camera, microphone, location, sensors, payment, USB and cohort tracking
    are off for every page, refusals and redirects included."""
    world = build_world()
    client = client_for(role, world)
    wrong = []
    for name in MATRIX:
        url = reverse(name, kwargs=URL_KWARGS.get(name, lambda _world: {})(world))
        value = client.get(url).headers.get("Permissions-Policy")
        if value != PERMISSIONS_POLICY:
            wrong.append(f"{name}: {value!r}")

    assert wrong == []
