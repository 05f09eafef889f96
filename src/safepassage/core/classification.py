"""SR-01: the one vocabulary every field classification uses, and the check that finds a
column nobody classified.

Each app keeps its own registry (``<app>/classification.py``, ``FIELD_CLASSES``: model name →
field name → a kind, or a ``(kind, group)`` pair); the third-party tables are named in
``safepassage.site.third_party_classification``. The kinds, from "a copy of the database
shows it" to "a copy of the database opens nothing":

- ``public``: reference or published data anyone may know (airports, programs, campaign
  pages, permission names);
- ``workflow``: clear and non-identifying (SR-02): states, codes, counts, amounts of money
  and miles, dates, or internal references (row ids, foreign keys, public ids);
- ``personal``: personal data of staff, donors or sponsors stored in clear (a staff
  e-mail address, a display name, a browser's user agent). A seizure gives it away; every
  such field is a known exposure, listed in ``docs/security/seizure.md``;
- ``credential``: a bearer secret stored in clear that grants something by itself (a
  session key, an authenticator seed, a recovery code). A seizure hands it over;
- ``digest``: a one-way hash or keyed HMAC of a value (a password hash, a one-time code's
  hash, a daily HMAC of an address). It names nothing; a password hash can be guessed
  offline at the hash's own cost;
- ``secret``: the digest of a one-time code together with its expiry (``bookings``): useless
  without the message the code was sent in;
- ``key``: key material that opens nothing alone (public keys, wrapped private or group
  keys, fingerprints, lookup ids);
- ``sensitive``: an AEAD envelope sealed under a key of the named group (SR-01's groups,
  ``core.crypto.SensitiveGroup``), or with no group when it is sealed to people's own
  public keys (an applicant message); the only kind that carries a group.

The database-copy lists of ``seizure.md`` group the kinds by what a seizure reveals
(:data:`SEIZURE_LISTS`), and a test keeps each list equal to the registries.

The module is pure: :func:`unclassified_fields` compares the columns it is given with the
registries it is given, so it can be checked with a made-up model and a made-up registry.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from safepassage.core.crypto import SensitiveGroup


class FieldClass(StrEnum):
    PUBLIC = "public"
    WORKFLOW = "workflow"
    PERSONAL = "personal"
    CREDENTIAL = "credential"
    DIGEST = "digest"
    SECRET = "secret"  # noqa: S105  # a class name, not a secret
    KEY = "key"
    SENSITIVE = "sensitive"


type Classification = FieldClass | tuple[FieldClass, SensitiveGroup | None]
"""What a registry says of one field: a kind, or a kind and the group sealing it."""

type Registry = Mapping[str, Mapping[str, Classification]]
"""One app's ``FIELD_CLASSES``: model name → field name → classification."""

CLEAR_KINDS = frozenset(
    {FieldClass.PUBLIC, FieldClass.WORKFLOW, FieldClass.PERSONAL, FieldClass.CREDENTIAL}
)
"""Kinds whose value a copy of the database shows as it is."""

SEIZURE_LISTS: Mapping[str, frozenset[FieldClass]] = {
    "clear-fields": frozenset({FieldClass.WORKFLOW, FieldClass.PUBLIC}),
    "personal-fields": frozenset({FieldClass.PERSONAL}),
    "credential-fields": frozenset({FieldClass.CREDENTIAL}),
    "digest-fields": frozenset({FieldClass.DIGEST, FieldClass.SECRET}),
    "sealed-fields": frozenset({FieldClass.SENSITIVE, FieldClass.KEY}),
}
"""The marked lists of ``docs/security/seizure.md`` and the kinds each one names."""


@dataclass(frozen=True, slots=True)
class FieldKind:
    """A classification read the same way whichever shape the registry wrote."""

    kind: FieldClass
    group: SensitiveGroup | None


def field_kind(value: object) -> FieldKind:
    """The kind and group of one registry value; ``ValueError`` for anything else.

    Registries written before this module use their own ``StrEnum`` with the same values,
    so the value is read by its text.
    """
    kind, group = value if isinstance(value, tuple) else (value, None)
    if group is not None and not isinstance(group, SensitiveGroup):
        raise ValueError(f"not a sensitive group: {group!r}")
    return FieldKind(kind=FieldClass(str(kind)), group=group)


@dataclass(frozen=True, slots=True)
class ClassificationProblem:
    """One column without a classification, or one classification without a column."""

    model: str
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.model}.{self.field}: {self.problem}"


def unclassified_fields(
    *, columns: Mapping[str, Iterable[str]], registries: Mapping[str, Mapping[str, object]]
) -> list[ClassificationProblem]:
    """Every column of ``columns`` (``"app.Model"`` → field names) that ``registries`` (the
    same keys → field name → classification) does not classify, every classification of a
    column that does not exist, every value outside the vocabulary and every group given to
    a kind other than ``sensitive`` (a sensitive field without a group is sealed to people's
    own keys, not to a group key)."""
    problems: list[ClassificationProblem] = []
    for model, fields in sorted(columns.items()):
        classified = registries.get(model, {})
        names = set(fields)
        problems += [
            ClassificationProblem(model, name, "not classified")
            for name in sorted(names - set(classified))
        ]
    for model, classified in sorted(registries.items()):
        names = set(columns.get(model, ()))
        for name, value in classified.items():
            if name not in names:
                problems.append(ClassificationProblem(model, name, "classified but no such column"))
                continue
            try:
                kind = field_kind(value)
            except ValueError as error:
                problems.append(ClassificationProblem(model, name, str(error)))
                continue
            if kind.group is not None and kind.kind is not FieldClass.SENSITIVE:
                problems.append(ClassificationProblem(model, name, "a group on a clear kind"))
    return problems
