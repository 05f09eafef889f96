"""Every page of the permission matrix, as each role that may open it sees it, loads
nothing from another origin and carries no inline script or style (SR-13, SR-34): the CSP
header (checked on every URL by ``tests/test_permission_matrix.py``) would block them, so
a page relying on one would be broken, and a link to a third party would leak the reader."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.test_permission_matrix import (
    MATRIX,
    URL_KWARGS,
    World,
    client_for,
    world,  # noqa: F401  (the matrix's fixture)
)

pytestmark = pytest.mark.django_db

# Elements whose address the browser fetches (or submits to) without the reader clicking.
LOADED = {
    "script": "src",
    "link": "href",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "embed": "src",
    "object": "data",
    "form": "action",
}


class _PageAudit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_script_without_src = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        address = values.get(LOADED.get(tag, ""))
        if address and _elsewhere(address):
            self.problems.append(f"<{tag}> loads {address}")
        if tag == "script" and not values.get("src"):
            self._in_script_without_src = True
        if tag == "style":
            self.problems.append("<style> block")
        if "style" in values:
            self.problems.append(f"style= attribute on <{tag}>")
        self.problems += [f"{name} handler on <{tag}>" for name in values if name.startswith("on")]
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            content = values.get("content") or ""
            if "url=" in content.lower() and _elsewhere(content.lower().split("url=", 1)[1]):
                self.problems.append(f"refresh to {content}")

    def handle_data(self, data: str) -> None:
        if self._in_script_without_src and data.strip():
            self.problems.append("inline <script>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script_without_src = False


def _elsewhere(address: str) -> bool:
    address = address.strip().lower()
    return address.startswith(("http:", "https:", "//", "data:", "javascript:"))


@pytest.mark.parametrize("role", ["anonymous", "admin", "travel_coordinator", "caseworker"])
def test_no_page_loads_anything_from_another_origin(role: str, world: World) -> None:  # noqa: F811
    client = client_for(role, world)
    problems = []
    pages = 0
    for name, row in MATRIX.items():
        if row[role] != 200:
            continue
        url = reverse(name, kwargs=URL_KWARGS.get(name, lambda _world: {})(world))
        response = client.get(url)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        audit = _PageAudit()
        audit.feed(response.content.decode())
        problems += [f"{name}: {problem}" for problem in audit.problems]
    assert pages > 5
    assert problems == []


def test_the_audit_names_each_kind_of_outside_load_and_inline_code() -> None:
    audit = _PageAudit()
    audit.feed(
        '<link rel="stylesheet" href="https://cdn.example/x.css"><script>alert(1)</script>'
        '<img src="//tracker.example/p.gif"><p style="color:red" onclick="x()">a</p>'
        '<form action="https://elsewhere.example/"></form><style>p{}</style>'
        '<script src="/static/site/ok.js"></script><a href="https://example.org/">a link</a>'
    )
    assert len(audit.problems) == 7
