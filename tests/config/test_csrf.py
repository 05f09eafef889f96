"""Form posts work under no-referrer (Origin: null) only from our own origin."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _post_login(origin: str, fetch_site: str | None) -> int:
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("accounts:login"))
    token = client.cookies["csrftoken"].value
    headers = {"Origin": origin}
    if fetch_site is not None:
        headers["Sec-Fetch-Site"] = fetch_site
    response = client.post(
        reverse("accounts:login"),
        {"email": "a@example.org", "password": "x", "csrfmiddlewaretoken": token},
        headers=headers,
    )
    return response.status_code


@pytest.mark.parametrize(
    ("origin", "fetch_site", "expected"),
    [
        ("null", "same-origin", 200),
        ("http://testserver", None, 200),
        ("null", "cross-site", 403),
        ("null", None, 403),
        ("https://evil.example", "cross-site", 403),
    ],
)
def test_origin_null_is_accepted_only_with_same_origin_fetch_metadata(
    origin: str, fetch_site: str | None, expected: int
) -> None:
    assert _post_login(origin, fetch_site) == expected


def test_a_post_without_the_token_is_refused_even_from_our_origin() -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        reverse("accounts:login"),
        {"email": "a@example.org", "password": "x"},
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
    )

    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


def test_removing_our_csrf_middleware_fails_the_system_check(settings) -> None:
    from safepassage.site.checks import check_csrf_middleware

    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if not name.endswith("NoReferrerCsrfViewMiddleware")
    ]

    assert [message.id for message in check_csrf_middleware()] == ["safepassage.E001"]
