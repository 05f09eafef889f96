"""Read a rendered page the way the Russian walk needs it (tests/site/test_russian_walk.py).

``audit_page(html)`` returns the page's declared language, its headings, its form fields
without a name a screen reader can read out, its table headers without ``scope`` and the
visible text (text nodes and the attributes people see or hear: placeholder, title, alt,
aria-label, a button's value), each piece whitespace-collapsed; also images without ``alt``,
ids used twice (a label's ``for`` would be ambiguous) and links or buttons with no name a
screen reader could read.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

INVISIBLE = frozenset({"script", "style", "template", "title"})
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
SPOKEN_ATTRIBUTES = ("placeholder", "title", "alt", "aria-label")
UNLABELLED_TYPES = frozenset({"hidden", "submit", "button", "reset", "image"})


@dataclass
class Field:
    tag: str
    name: str
    id: str
    labelled_by_attribute: bool
    inside_label: bool


@dataclass
class PageAudit:
    language: str | None = None
    h1_count: int = 0
    fields: list[Field] = field(default_factory=list)
    label_targets: set[str] = field(default_factory=set)
    headers_without_scope: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    images_without_alt: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    nameless_controls: list[str] = field(default_factory=list)

    def duplicate_ids(self) -> list[str]:
        return sorted({name for name in self.ids if self.ids.count(name) > 1})

    def unlabelled_fields(self) -> list[str]:
        return [
            f"<{item.tag} name={item.name!r} id={item.id!r}>"
            for item in self.fields
            if not (
                item.labelled_by_attribute
                or item.inside_label
                or (item.id and item.id in self.label_targets)
            )
        ]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.audit = PageAudit()
        self.stack: list[str] = []
        self.open_th: list[str] | None = None
        # links and buttons being read: [tag, href, has a name]
        self.open_controls: list[list[str | bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if values.get("id"):
            self.audit.ids.append(values["id"])
        if tag == "img" and "alt" not in values:
            self.audit.images_without_alt.append(values.get("src", ""))
        if tag == "img" and values.get("alt") and self.open_controls:
            self.open_controls[-1][2] = True
        if tag in {"a", "button"} and (tag == "button" or "href" in values):
            named = bool(values.get("aria-label") or values.get("aria-labelledby"))
            self.open_controls.append([tag, values.get("href", ""), named])
        if tag == "html":
            self.audit.language = values.get("lang")
        elif tag == "h1":
            self.audit.h1_count += 1
        elif tag == "label" and values.get("for"):
            self.audit.label_targets.add(values["for"])
        elif tag == "th" and "scope" not in values:
            self.audit.headers_without_scope.append("")
            self.open_th = []
        if tag in {"input", "select", "textarea"}:
            kind = values.get("type", "text") if tag == "input" else tag
            if kind not in UNLABELLED_TYPES:
                self.audit.fields.append(
                    Field(
                        tag=tag,
                        name=values.get("name", ""),
                        id=values.get("id", ""),
                        labelled_by_attribute=bool(
                            values.get("aria-label") or values.get("aria-labelledby")
                        ),
                        inside_label="label" in self.stack,
                    )
                )
            if kind in {"submit", "button", "reset"} and values.get("value"):
                self._add_text(values["value"])
        for name in SPOKEN_ATTRIBUTES:
            if values.get(name):
                self._add_text(values[name])
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in {"a", "button"} and self.open_controls and self.open_controls[-1][0] == tag:
            control, href, named = self.open_controls.pop()
            if not named:
                self.audit.nameless_controls.append(f"<{control} href={href!r}>")
        if tag == "th" and self.open_th is not None:
            self.audit.headers_without_scope[-1] = " ".join(self.open_th)
            self.open_th = None
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if INVISIBLE & set(self.stack):
            return
        if self.open_th is not None and data.strip():
            self.open_th.append(data.strip())
        if self.open_controls and data.strip():
            self.open_controls[-1][2] = True
        self._add_text(data)

    def _add_text(self, text: str) -> None:
        collapsed = re.sub(r"\s+", " ", text).strip()
        if collapsed:
            self.audit.texts.append(collapsed)


def audit_page(html: str) -> PageAudit:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.audit
