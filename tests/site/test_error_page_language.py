"""The error pages speak the reader's language and say so in ``lang`` (screen readers pick
the voice from it), without any detail of the error."""

from django.test import RequestFactory
from django.utils import translation

from safepassage.site.views import server_error_view


def test_the_server_error_page_in_russian_declares_russian() -> None:
    # given a reader whose language is Russian
    with translation.override("ru"):
        # when a page fails
        response = server_error_view(RequestFactory().get("/"))
    # then the page is in Russian and its html element says so
    body = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="ru">' in body
    assert "Что-то пошло не так" in body
    assert "Traceback" not in body


def test_the_server_error_page_in_english_declares_english() -> None:
    with translation.override("en"):
        response = server_error_view(RequestFactory().get("/"))
    assert '<html lang="en">' in response.content.decode()
