"""The shared list pagination: a valid page for any ?page=, links that keep the filters."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from safepassage.site.pagination import ListPage, paginate

ROWS = list(range(1, 121))  # 3 pages of 50


def _page(query: str, *, parameter: str = "page") -> ListPage:
    return paginate(RequestFactory().get(f"/list?{query}"), ROWS, parameter=parameter)


def test_the_first_page_by_default() -> None:
    page = _page("")

    assert list(page) == ROWS[:50]
    assert page.number == 1
    assert page.paginator.num_pages == 3


def test_page_two_shows_the_next_rows() -> None:
    assert list(_page("page=2")) == ROWS[50:100]


@pytest.mark.parametrize(
    ("query", "number"),
    [("page=abc", 1), ("page=", 1), ("page=-4", 3), ("page=999999", 3), ("page=0", 3)],
)
def test_a_page_that_does_not_exist_shows_a_real_one(query: str, number: int) -> None:
    assert _page(query).number == number


@given(st.text(max_size=20))
def test_any_page_parameter_gives_a_page_of_rows(value: str) -> None:
    page = paginate(RequestFactory().get("/list", {"page": value}), ROWS)

    assert 1 <= page.number <= 3
    assert len(page.object_list) in {20, 50}


def test_links_keep_the_filters_and_drop_the_old_page_number() -> None:
    page = _page("status=confirmed&page=2&sort=-date")

    html = render_to_string("site/pagination.html", {"page": page})

    assert 'href="?status=confirmed&amp;sort=-date&amp;page=1" rel="prev"' in html
    assert 'href="?status=confirmed&amp;sort=-date&amp;page=3" rel="next"' in html
    assert "Page 2 of 3" in html


def test_two_lists_on_one_page_keep_each_others_page() -> None:
    page = _page("queue_page=3&mine_page=2", parameter="mine_page")

    html = render_to_string("site/pagination.html", {"page": page, "label": "My cases"})

    assert list(page) == ROWS[50:100]
    assert 'href="?queue_page=3&amp;mine_page=1"' in html
    assert 'aria-label="My cases"' in html


def test_one_page_of_rows_shows_no_links() -> None:
    page = paginate(RequestFactory().get("/list"), ROWS[:10])

    assert render_to_string("site/pagination.html", {"page": page}).strip() == ""


def test_the_links_read_in_russian() -> None:
    from django.utils import translation

    with translation.override("ru"):
        html = render_to_string("site/pagination.html", {"page": _page("page=2")})

    assert "Страница 2 из 3" in html
    assert "Предыдущая страница" in html
    assert "Следующая страница" in html
