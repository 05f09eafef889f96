"""Read the POST forms of a rendered page and count everything a submission could write,
for the bad-input tests (tests/robustness/test_forms_*.py)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.apps import apps
from django.core import mail

# Rows a request may write whatever it is sent: the session, sign-in bookkeeping and the
# rate limits' counters (a refused form still counts against its sender's limit).
NOT_WRITES = frozenset(
    {"sessions.session", "axes.accessattempt", "axes.accesslog", "site.ratelimitcounter"}
)


@dataclass
class FormField:
    name: str
    kind: str  # input type, "select", "textarea"
    value: str
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class PostForm:
    action: str
    enctype: str
    fields: list[FormField] = field(default_factory=list)
    method: str = "post"

    def data(self) -> dict[str, str | list[str]]:
        """A submission as a person would make it from the rendered form: every value kept,
        every select on its chosen (or first real) option, a radio group's checked (or
        first) button and every checkbox ticked but a formset's "delete" (the test fills in
        what is left empty)."""
        sent: dict[str, str | list[str]] = {}
        radios = {item.name for item in self.fields if item.kind == "radio" and item.checked}
        for item in self.fields:
            if item.kind in {"submit", "button", "reset", "image", "file"}:
                continue
            if item.kind == "radio" and (
                item.name in sent or (item.name in radios and not item.checked)
            ):
                continue
            if item.kind == "select" and not item.value:
                value = next((option for option in item.options if option), "")
            else:
                value = item.value
            if item.kind == "checkbox" and item.name.endswith("-DELETE"):
                continue  # a formset's "delete this row" stays unticked
            if item.kind == "checkbox" and item.name in sent:
                previous = sent[item.name]
                sent[item.name] = [*(previous if isinstance(previous, list) else [previous]), value]
            else:
                sent[item.name] = value
        return sent

    def names(self) -> list[str]:
        return sorted({item.name for item in self.fields if item.kind not in {"submit", "button"}})

    def files(self) -> list[str]:
        return [item.name for item in self.fields if item.kind == "file"]


class _FormReader(HTMLParser):
    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[PostForm] = []
        self.form: PostForm | None = None
        self.select: FormField | None = None
        self.textarea: FormField | None = None
        self.option_value: str | None = None
        self.option_selected = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            action = values.get("action") or self.page_path
            self.form = PostForm(
                action=action.split("#")[0],
                enctype=values.get("enctype", ""),
                method=values.get("method", "get").lower(),
            )
            self.forms.append(self.form)
            return
        if self.form is None or "disabled" in values:
            return
        name = values.get("name")
        if tag == "input" and name:
            kind = values.get("type", "text").lower()
            self.form.fields.append(
                FormField(
                    name,
                    kind,
                    values.get("value", "on" if kind in {"checkbox", "radio"} else ""),
                    checked="checked" in values,
                )
            )
        elif tag == "select" and name:
            self.select = FormField(name, "select", "")
            self.form.fields.append(self.select)
        elif tag == "option" and self.select is not None:
            self.option_value = values.get("value")
            self.option_selected = "selected" in values
            if self.option_value is not None:
                self._option(self.option_value)
        elif tag == "textarea" and name:
            self.textarea = FormField(name, "textarea", "")
            self.form.fields.append(self.textarea)

    def _option(self, value: str) -> None:
        assert self.select is not None
        self.select.options.append(value)
        if self.option_selected:
            self.select.value = value

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea.value += data
        elif self.select is not None and self.option_value is None and data.strip():
            self.option_value = data.strip()
            self._option(self.option_value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "option":
            self.option_value = None


def post_forms(html: str, *, page_path: str) -> list[PostForm]:
    reader = _FormReader(page_path)
    reader.feed(html)
    return [form for form in reader.forms if form.method == "post"]


def query_names(html: str, *, page_path: str) -> set[str]:
    """The names of the fields of the page's GET forms (its list filters)."""
    reader = _FormReader(page_path)
    reader.feed(html)
    return {name for form in reader.forms if form.method == "get" for name in form.names()}


def writes() -> dict[str, int]:
    """Rows of every model (but sessions and sign-in bookkeeping), and e-mails sent."""
    counts = {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label_lower not in NOT_WRITES and model._meta.managed
    }
    counts["mail.outbox"] = len(mail.outbox)
    return counts


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {key: (before[key], after[key]) for key in before if before[key] != after[key]}
