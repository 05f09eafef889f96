"""Send bad input to a page's forms and check the answers (tests/robustness/test_forms_*.py).

A :class:`Target` is one URL name, a client that may use it and the forms that post to it
(read from the rendered pages). :func:`send_bad_input` sends them, each submission inside
a savepoint that is rolled back afterwards so that every one meets the same world:

- hand-picked: the form as a person fills it in, every field missing, 100 kB long,
  carrying a NUL byte, blank or sent twice, invalid UTF-8 and a lone surrogate in a raw
  body, JSON and plain-text bodies, and for file fields an empty and a mislabelled file;
- Hypothesis: one or two fields of the filled-in form left out or given a hostile value
  (out-of-range and non-numbers, impossible dates, unknown choices, ids that are not UUIDs
  or are nobody's), a few examples per URL, derandomized.

Every answer must be a page or a redirect, never a server error (the test client raises
whatever a view lets out, so a traceback fails the test too). A refusal (a 4xx page, or a
page showing a bound form with errors) must have written nothing: no row of any model
(bar sessions, sign-in bookkeeping and rate-limit counters), no e-mail, no task or e-mail
queued to leave with the transaction (``transaction.on_commit``). Refused sign-ins may
record the attempt, and a page shown again record the case data it decrypted, in the audit
trail (``Target(audited=...)`` names those actions).
"""

import json
from urllib.parse import quote_from_bytes, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.forms import BaseForm
from django.http import HttpResponse, HttpResponseBase
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from safepassage.audit.models import AuditEvent
from safepassage.site.models import RateLimitCounter
from tests.robustness.forms import PostForm, changed, post_forms, writes

# A page with a form per row (a list of partnerships) is sent at most this many of them.
MAX_FORMS = 2
REFUSAL_RECORDS = frozenset({"audit.auditevent", "audit.audithead"})
EXAMPLES_PER_URL = 6

# What a person would type into a field the page left empty, by the field's name, so that
# a form's baseline is a submission it accepts and each hostile value is the only fault.
FILL = {
    "title": "Flights for Anna",
    "slug": "flights-for-anna",
    "story": "A family needs to leave.",
    "description": "An evening of music.",
    "venue": "Community hall",
    "starts_on": "2027-03-01",
    "ends_on": "2027-06-30",
    "starts_at": "2027-03-01T18:00",
    "ends_at": "2027-03-01T21:00",
    "goal_miles": "100000",
    "goal_money": "5000",
    "goal_currency": "EUR",
    "amount": "25.00",
    "currency": "EUR",
    "donor_name": "Sam Donor",
    "donor_email": "sam@example.org",
    "email": "fuzz@example.org",
    "received_on": "2026-11-20",
    "miles": "40000",
    "max_travellers": "2",
    "expires_on": "2027-12-31",
    "cap": "1000",
    "ratio": "1",
    "sponsor_name": "A sponsor",
    "full_name": "Anna Example",
    "contact": "Signal +000",
    "current_location": "Somewhere",
    "origin": "MOW",
    "destination": "DE",
    "other_names": "",
    "birth_year": "1990",
    "relationship": "sibling",
    "body": "A note.",
    "text": "Call the consulate.",
    "due_on": "2027-01-15",
    "reason": "Checked by phone.",
    "consent_given_by": "Anna Example",
    "consent_given_on": "2026-11-20",
    "name": "Consulate desk",
    "affiliation": "Embassy",
    "reach": "By e-mail",
    "notes": "Notes.",
    "typical_processing_days": "30",
    "total": "100",
    "used": "10",
    "year": "2027",
    "earliest_departure": "2027-02-01",
    "latest_departure": "2027-02-20",
    "max_connections": "1",
    "minimum_connection_minutes": "90",
    "other_destinations": "",
    "destinations": "BER",
    "carriers": "LH",
    "itinerary": "MOW-BER",
    "taxes": "50.00",
    "cash_price": "300.00",
    "cash_budget": "1000",
    "time_limit_seconds": "5",
    "locator": "ABC123",
    "miles_charged": "20000",
    "name_1": "Anna Example",
    "birth_date_1": "1990-05-01",
    "document_1": "P1234567",
    "limit": "5",
    "code": "123456",
    "password": "wrong password",
    "confirm": "on",
    "source": "Airline website",
    "as_of": "2026-11-01",
    "carrier": "LH",
    "passphrase": "a long export passphrase 42",
    "location": "A city",
    "party_size": "1",
}
# Fields whose right value is the empty option the page offers first.
LEAVE_EMPTY = frozenset({"transfer_partner"})
HUGE = "x" * 100_000
HOSTILE_VALUES = (
    "",
    " ",
    HUGE,
    "a\x00b",
    "-1",
    "-40000",
    "0",
    "1" + "0" * 30,
    "NaN",
    "Infinity",
    "-inf",
    "1e309",
    "1e-400",
    "0.1",
    "12,5",
    "\uff10\uff11\uff12",  # full-width digits
    "\u0663",  # an Arabic-Indic three
    "2026-02-30",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "99999-01-01",
    "2026-13-01T25:61",
    "not-a-uuid",
    "00000000-0000-4000-8000-000000000000",
    "zzz-unknown-choice",
    "on",
    "true",
    "<script>x</script>",
    "../../etc/passwd",
    "%00",
)


HOSTILE = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.text(max_size=40),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats().map(repr),
    st.dates().map(str),
)
# What Hypothesis does with a field it picks: leave it out, or send something hostile.
MUTATION = st.one_of(st.just(("drop", "")), st.tuples(st.just("set"), HOSTILE))
# Files a person might pick by mistake, or a hostile sender make up.
BAD_FILES = (
    ("an empty file", "empty.pdf", b"", "application/pdf"),
    ("a file that is not what it says", "photo.png", b"%PDF-1.4 not a picture", "image/png"),
    ("a file with a long, odd name", "../" + "n" * 300 + "\x00.pdf", b"%PDF-1.4\n", "text/plain"),
)


def resolves_to(path: str, name: str) -> bool:
    try:
        return resolve(urlsplit(path).path).view_name == name
    except Resolver404:
        return False


def page_forms(client: Client, url: str, name: str) -> list[PostForm]:
    """The POST forms of the page at ``url`` that are sent to the URL named ``name``."""
    response = client.get(url)
    if response.status_code != 200 or response.streaming:
        return []
    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    forms = post_forms(response.content.decode(), page_path=url)
    return [form for form in forms if resolves_to(form.action, name)]


def csrf_token(client: Client) -> str:
    """The CSRF token a rendered page would carry (the cookie's secret, unmasked)."""
    cookie = client.cookies.get("csrftoken")
    if cookie is None:
        client.get(reverse("site:home"))
        cookie = client.cookies["csrftoken"]
    return str(cookie.value)


def refused(response: HttpResponseBase) -> bool:
    """A 4xx page, or a page showing a bound form with errors."""
    if response.status_code >= 400:
        return True
    contexts = getattr(response, "context", None) or []
    for context in contexts if isinstance(contexts, list) else [contexts]:
        for value in context.flatten().values():
            if isinstance(value, BaseForm) and value.is_bound and value.errors:
                return True
    return False


class _Undo(Exception):
    """Raised to roll a submission back: every one starts from the same world."""


class Target:
    """One URL name, a client that may use it and the forms that post to it."""

    def __init__(
        self,
        *,
        name: str,
        client: Client,
        url: str,
        pages: tuple[str, ...] = (),
        audited: tuple[str, ...] = (),
        foreign_ids: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.client = client
        self.url = url
        self.audited = audited
        self.foreign_ids = foreign_ids
        found: list[PostForm] = []
        for page in (url, *pages):
            found += page_forms(client, page, name)
        shapes: dict[tuple[str, tuple[str, ...]], PostForm] = {}
        for form in found:
            shapes.setdefault((form.action, tuple(form.names())), form)
        # No page renders it for this world: send it the fields nobody rendered.
        self.forms = list(shapes.values())[:MAX_FORMS] or [PostForm(action=url, enctype="")]
        self.token = csrf_token(client)

    def baseline(self, form: PostForm) -> dict[str, object]:
        """The form as rendered, its empty fields filled in as a person would."""
        data: dict[str, object] = dict(form.data())
        for name in form.names():
            if name in FILL and not str(data.get(name, "")).strip():
                data[name] = FILL[name]
        for name in LEAVE_EMPTY & set(data):
            data[name] = ""
        return data | {"csrfmiddlewaretoken": self.token}

    def fields(self, form: PostForm) -> list[str]:
        names = [name for name in form.names() if name != "csrfmiddlewaretoken"]
        return names or ["unexpected"]

    def submit(self, form: PostForm, what: str, **kwargs: object) -> HttpResponseBase:
        """Send one submission, check its answer, then undo whatever it did."""
        RateLimitCounter.objects.all().delete()
        try:
            with transaction.atomic():
                before, callbacks = writes(), len(connection.run_on_commit)
                last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
                response = self.client.post(form.action, **kwargs)  # type: ignore[arg-type]  # the client's own keywords
                self._check(response, before, callbacks, last_event or 0, what)
                raise _Undo
        except _Undo:
            pass
        return response

    def _check(
        self,
        response: HttpResponseBase,
        before: dict[str, int],
        callbacks: int,
        last_event: int,
        what: str,
    ) -> None:
        where = f"{self.name} {what}"
        assert response.status_code < 500, f"{where}: {response.status_code}"
        if isinstance(response, HttpResponse) and response["Content-Type"].startswith("text/"):
            assert b"Traceback" not in response.content, where
        if not refused(response):
            return
        # The audit trail may record what the refusal did on its way: a failed sign-in, the
        # case data the re-shown page decrypted (``audited``: those actions' prefixes).
        events = AuditEvent.objects.filter(pk__gt=last_event).values_list("action", flat=True)
        unexpected = [action for action in events if not action.startswith(self.audited or ("-",))]
        assert unexpected == [], (
            f"{where}: refused ({response.status_code}) but audited {unexpected}"
        )
        allowed = REFUSAL_RECORDS
        written = {
            key: value for key, value in changed(before, writes()).items() if key not in allowed
        }
        assert written == {}, f"{where}: refused ({response.status_code}) but wrote {written}"
        # E-mails and tasks leave with the transaction (on_commit): a refusal queues none.
        queued = len(connection.run_on_commit) - callbacks
        assert queued == 0, f"{where}: refused ({response.status_code}) but queued {queued}"


DATE_KINDS = frozenset({"date", "datetime-local", "time", "month"})
NUMBER_KINDS = frozenset({"number"})
CHOICE_KINDS = frozenset({"select", "radio"})
EXTREME_DATES = ("9999-12-31", "0001-01-01", "2026-02-30", "9999-12-31T23:59")
EXTREME_NUMBERS = ("-1", "1" + "0" * 30, "1e309", "NaN", "-0.001", "\uff11\uff12")


def _typed(form: PostForm, kinds: frozenset[str]) -> list[str]:
    return sorted({item.name for item in form.fields if item.kind in kinds})


def _hand_picked(target: Target, form: PostForm) -> None:
    base = target.baseline(form)
    token = {"csrfmiddlewaretoken": target.token}
    fields = target.fields(form)
    target.submit(form, "filled in", data=base)
    target.submit(form, "with every field missing", data=token)
    for label, value in (("100 kB", HUGE), ("a NUL byte", "a\x00b"), ("blank", " ")):
        target.submit(form, f"with every field {label}", data=base | dict.fromkeys(fields, value))
    target.submit(
        form, "with every field twice", data=base | {field: ["1", "2"] for field in fields}
    )
    for label, raw in (("invalid UTF-8", b"\xff\xfe\xc3("), ("a lone surrogate", b"\xed\xa0\x80")):
        body = "&".join(
            [f"csrfmiddlewaretoken={target.token}"]
            + [f"{field}={quote_from_bytes(raw)}" for field in fields]
        )
        target.submit(
            form, f"with {label}", data=body, content_type="application/x-www-form-urlencoded"
        )
    for label, body, content_type in (
        ("as JSON", json.dumps(base), "application/json"),
        ("as plain text", "garbage\x00", "text/plain"),
    ):
        target.submit(
            form, label, data=body, content_type=content_type, headers={"X-CSRFToken": target.token}
        )
    for field in _typed(form, DATE_KINDS):
        for value in EXTREME_DATES:
            target.submit(form, f"with {field}={value}", data=base | {field: value})
    for field in _typed(form, NUMBER_KINDS):
        for value in EXTREME_NUMBERS:
            target.submit(form, f"with {field}={value}", data=base | {field: value})
    # Another organisation's ids are never among a choice's options: always refused.
    for field in _typed(form, CHOICE_KINDS):
        for foreign_id in target.foreign_ids:
            response = target.submit(
                form, f"with {field}=a foreign id", data=base | {field: foreign_id}
            )
            assert refused(response), f"{target.name}: {field} took another organisation's id"
    for field in form.files():
        for label, file_name, content, content_type in BAD_FILES:
            upload = SimpleUploadedFile(file_name, content, content_type=content_type)
            target.submit(form, f"with {label} as {field}", data=base | {field: upload})


def send_bad_input(target: Target, *, examples: int = EXAMPLES_PER_URL) -> None:
    """Send ``target``'s forms the hand-picked bad input, then Hypothesis' mixes."""
    first = target.forms[0]
    if target.submit(first, "empty", data={"csrfmiddlewaretoken": target.token}).status_code == 405:
        return  # a page that takes no POST
    for form in target.forms:
        _hand_picked(target, form)

    @settings(max_examples=examples, derandomize=True, database=None)
    @given(data=st.data())
    def mixes(data: st.DataObject) -> None:
        form = data.draw(st.sampled_from(target.forms), label="form")
        sent = target.baseline(form)
        picked = data.draw(st.lists(st.sampled_from(target.fields(form)), min_size=1, max_size=2))
        for field in picked:
            how, value = data.draw(MUTATION, label=field)
            if how == "drop":
                sent.pop(field, None)
            else:
                sent[field] = value
        target.submit(form, f"with {sent!r:.300}", data=sent)

    mixes()
