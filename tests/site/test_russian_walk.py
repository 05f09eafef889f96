"""Every page of the permission matrix, in Russian (PRODUCT.md: staff and applicants work in
English or Russian).

For each URL a role may open (a 200 cell in tests/test_permission_matrix.py) the walk
renders the page once in English and once in Russian, with the matrix's world (a case, a
trip with a booking, campaigns, pledges, gifts, events, pathways, travel requests) so lists
have rows, and checks the Russian page:

- ``<html lang="ru">`` (screen readers choose the voice from it);
- no English leaked: a piece of visible text identical in both renderings that reads as
  English words is a string nobody translated, unless it is data or a name (ALLOWED below),
  and a Russian sentence holds no English word but stored data, links and a few names
  (TERMS, LITERALS);
- exactly one ``<h1>``;
- every form field has a label (``<label for>``, a wrapping label or ``aria-label``);
- every table header has ``scope``;
- images have ``alt``, no id is used twice, every link and button has a name.

Form pages whose form has required fields are also posted empty, so the error messages and
the error summary are checked the same way. To stay near 30 seconds the walk opens each
URL once, as the first role of WALK_ORDER that may open it (the other roles see the same
templates), except the pages in EVERY_ROLE, whose content depends on the role;
tests/test_permission_matrix.py already proves each role's status. The applicant's own
pages (status, withdrawal) and the 404 pages need an applicant or a missing page, and get
a test of their own.
"""

import re
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import User
from safepassage.accounts.roles import Role
from tests.factories import make_staff, sign_in
from tests.intake.factories import applicant_client, intake_world, submit
from tests.site.page_audit import PageAudit, audit_page
from tests.test_permission_matrix import (  # the matrix's world fixture, reused as it is
    MATRIX,
    ROLES_BY_REACH,
    URL_KWARGS,
    Cell,
    World,
    client_for,
    world,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db

__all__ = ["world"]

WALK_ORDER = ROLES_BY_REACH

# Pages whose content depends on the role: walked as every role that may open them.
EVERY_ROLE = frozenset({"site:dashboard", "organisations:detail", "site:home"})

# Text that is the same in both languages on purpose. Each entry is a regular expression
# matched against a whole piece of visible text.
ALLOWED = [
    re.compile(pattern)
    for pattern in (
        r"SafePassage",  # the product's name
        r"English",  # the language switch names each language in itself
        r"[^@\s]+@[^@\s]+",  # e-mail addresses
        r"https?://\S+",  # links shown in full (calendar feeds, donor links)
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",  # public ids
        r"[0-9a-f]{8}…",  # a public id's first characters
        r"oneworld",  # an airline alliance's name, which it writes in lower case
    )
]
# Latin words a Russian sentence may hold: names of things that are not translated.
TERMS = frozenset(
    {
        "SafePassage",
        "Tor",  # Tor Browser
        "Browser",
        "JavaScript",
        "JPEG",  # image formats a cover may have
        "PNG",
        "WebP",
        "ics",  # the calendar file's extension
        "Shift",  # the key pressed three times for quick exit
        "https",  # the protocol, named where security keys need it
        "GnuPG",  # the tools that open an encrypted export
        "Kleopatra",
        "Suite",
        "Windows",
        "macOS",
    }
)
# Masked in Russian text before its words are read: what a page shows literally.
LITERALS = re.compile(
    r"https?://\S+|[^@\s]+@[^@\s]+"  # links and addresses
    r"|/[a-z0-9/_-]+/"  # a page's path, as in "address: /events/"
    r"|safepassage [a-z_-]+"  # an operator command
    r"|gpg --[a-z-]+|[a-z0-9-]+(?:\.[a-z]+)*\.gpg"  # the command and name of an encrypted export
    r"|[a-z2-7]{5}(?:-[a-z2-7]{5}){4}"  # a random passphrase suggested for an export
    r"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{8}…"  # ids
)
# IANA time zone names are identifiers, the same in every language.
TIME_ZONES = frozenset(zoneinfo.available_timezones())

# A piece of text "reads as English" when it holds a Latin word of two letters or more
# with a lower-case letter: codes (BA, USD, SPOPUB-...) and numbers do not.
ENGLISH_WORD = re.compile(r"[A-Za-z]*[a-z][A-Za-z]*")


def _reads_as_english(text: str) -> bool:
    return any(len(word) >= 2 for word in ENGLISH_WORD.findall(text))


# Django's own tables (permission names, content types, sessions, queued tasks): none of
# their text is data a page should show as it is.
FRAMEWORK_APPS = frozenset({"auth", "contenttypes", "sessions", "django_tasks_database", "admin"})


@dataclass(frozen=True)
class StoredTexts:
    exact: frozenset[str]
    phrases: tuple[str, ...]  # several words or 12 characters and more, longest first
    words: frozenset[str]  # one-word values


def stored_texts() -> StoredTexts:
    """Every text stored in the database (names, titles, catalogue notes and sources typed
    in by people, in whatever language they wrote them): data, not interface strings.

    Lower-case words alone (``draft``, ``caseworker``) are left out: those are stored codes,
    which a page must show through their translated label, never as they are.
    """
    texts: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label in FRAMEWORK_APPS:
            continue
        columns = [
            column.attname
            for column in model._meta.concrete_fields
            if isinstance(column, models.CharField | models.TextField)
        ]
        for row in model._default_manager.values_list(*columns) if columns else ():
            texts.update(
                value.strip()
                for value in row
                if isinstance(value, str)
                and len(value.strip()) >= 3
                and not re.fullmatch(r"[a-z_]+", value.strip())
            )
    # Staff display names are sealed (decision 0052): stored text all the same.
    texts.update(name for user in User.objects.all() if len(name := user.display_name.strip()) >= 3)
    return StoredTexts(
        exact=frozenset(texts),
        phrases=tuple(
            sorted(
                (value for value in texts if " " in value or len(value) >= 12),
                key=len,
                reverse=True,
            )
        ),
        words=frozenset(value for value in texts if " " not in value),
    )


def _without_data(text: str, data: StoredTexts) -> str:
    """The text less the stored values it shows: a short one-word value ("Miles", "Delta")
    only when it is the whole text, so it cannot hide an untranslated word around it."""
    if text in data.exact:
        return ""
    for value in data.phrases:
        if value in text:
            text = text.replace(value, " ")
    return text


def _latin_words(text: str) -> list[str]:
    """Words written in Latin letters with a lower-case one (not codes such as BA, USD)."""
    return [
        word
        for word in re.findall(r"[^\W\d_]+", text)
        if len(word) >= 2 and re.search("[a-z]", word) and not re.search("[\u0400-\u04ff]", word)
    ]


def _english_in_russian_sentences(
    english: PageAudit, russian: PageAudit, data: StoredTexts
) -> list[str]:
    """Russian text with an English word in it ("651-1 151 mi: 6 500"): a word neither a
    stored value, nor a term in TERMS, nor part of a link, path or command."""
    english_texts = set(english.texts)
    found = set()
    for text in russian.texts:
        if text in english_texts or text in TIME_ZONES or not _latin_words(text):
            continue
        rest = LITERALS.sub(" ", _without_data(text, data))
        if any(word not in TERMS and word not in data.words for word in _latin_words(rest)):
            found.add(text)
    return sorted(found)


def _leaks(english: PageAudit, russian: PageAudit, data: StoredTexts) -> list[str]:
    english_texts = set(english.texts)
    return sorted(
        {
            text
            for text in russian.texts
            if text in english_texts
            and text not in TIME_ZONES
            and not any(pattern.fullmatch(text) for pattern in ALLOWED)
            and _reads_as_english(_without_data(text, data))
        }
    )


def _defects(name: str, english: PageAudit, russian: PageAudit, data: StoredTexts) -> list[str]:
    found = []
    if russian.language != "ru":
        found.append(f"{name}: html lang is {russian.language!r}")
    if russian.h1_count != 1:
        found.append(f"{name}: {russian.h1_count} <h1> elements")
    found += [f"{name}: field without a label {item}" for item in russian.unlabelled_fields()]
    found += [f"{name}: <th> without scope: {text!r}" for text in russian.headers_without_scope]
    found += [f"{name}: <img> without alt: {src!r}" for src in russian.images_without_alt]
    found += [f"{name}: id used twice: {twice!r}" for twice in russian.duplicate_ids()]
    found += [f"{name}: no accessible name: {item}" for item in russian.nameless_controls]
    found += [f"{name}: English text {text!r}" for text in _leaks(english, russian, data)]
    found += [
        f"{name}: English word in {text!r}"
        for text in _english_in_russian_sentences(english, russian, data)
    ]
    return found


def _is_page(response: "_MonkeyPatchedWSGIResponse") -> bool:
    """A whole page: forms with errors answer 200 (some 400 or 422) with the form again;
    error pages (403, 404) are pages too."""
    return (
        response.status_code in {200, 400, 403, 404, 422}
        and response.headers.get("Content-Type", "").startswith("text/html")
        and b"<html" in response.content
    )


def _wants_a_post(html: str) -> bool:
    """A page whose form has a required field: posting it empty only shows errors."""
    return 'method="post"' in html and " required" in html


def _roles_to_walk(name: str, row: dict[str, Cell]) -> list[str]:
    if name in EVERY_ROLE:
        return [role for role in WALK_ORDER if row[role] == 200]
    return [role for role in WALK_ORDER if row[role] == 200][:1]


def _walk_one(
    client: Client, url: str, name: str, data: StoredTexts, *, post: bool = False
) -> tuple[list[str], str] | None:
    """The defects of one page and its Russian HTML (None when it is not a whole page: a
    file, a redirect)."""
    send = client.post if post else client.get
    english = send(url, HTTP_ACCEPT_LANGUAGE="en")
    russian = send(url, HTTP_ACCEPT_LANGUAGE="ru")
    if not (_is_page(russian) and _is_page(english)):
        return None
    html = russian.content.decode()
    return _defects(name, audit_page(english.content.decode()), audit_page(html), data), html


def test_every_page_reads_in_russian_and_is_accessible(world: World) -> None:
    clients = {role: client_for(role, world) for role in WALK_ORDER}
    # Every URL first (its arguments create the objects), then the stored texts, then the walk.
    pages = [
        (name, role, reverse(name, kwargs=URL_KWARGS.get(name, lambda _world: {})(world)))
        for name, row in MATRIX.items()
        for role in _roles_to_walk(name, row)
    ]
    data = stored_texts()
    defects: list[str] = []
    walked = posted = 0
    for name, role, url in pages:
        found = _walk_one(clients[role], url, f"{name} as {role}", data)
        if found is None:
            continue
        walked += 1
        defects += found[0]
        if _wants_a_post(found[1]):
            found = _walk_one(
                clients[role], url, f"{name} as {role}, posted empty", data, post=True
            )
            posted += found is not None
            defects += found[0] if found else []
    assert walked > 80
    assert posted > 20
    if defects:
        pytest.fail("\n".join(defects), pytrace=False)


def test_the_applicant_pages_and_error_pages_read_in_russian() -> None:
    # Given an applicant signed in with the codename of a request they sent
    applicant = applicant_client(submit(intake_world().organisation))
    # ... and a viewer, whom the case queue refuses
    viewer = sign_in(Client(), make_staff(Role.VIEWER))
    pages = [
        (applicant, reverse("intake:status"), "intake:status"),
        (applicant, reverse("intake:withdraw"), "intake:withdraw"),
        (Client(), "/help/no-such-page/", "the applicant's 404"),
        (Client(), "/no-such-page/", "404"),
        (viewer, reverse("cases:queue"), "403"),
    ]
    data = stored_texts()
    defects: list[str] = []
    for client, url, name in pages:
        # When each page is read in English and in Russian
        found = _walk_one(client, url, name, data)
        # Then it is a whole page without defects
        assert found is not None, name
        defects += found[0]
    # And the status page's message form, sent empty, answers with its errors in Russian
    status = reverse("intake:status")
    found = _walk_one(applicant, status, "intake:status, posted empty", data, post=True)
    assert found is not None
    defects += found[0]
    # And a form sent without its CSRF token (an expired page) explains itself in Russian
    stale = Client(enforce_csrf_checks=True)
    found = _walk_one(stale, reverse("intake:start"), "CSRF failure", data, post=True)
    assert found is not None
    defects += found[0]
    if defects:
        pytest.fail("\n".join(defects), pytrace=False)
