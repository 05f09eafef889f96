"""Every column sealed under a case's group keys, so a key rotation re-seals all of them (SR-11).

Rotating a group key means opening each value sealed under the old version and sealing it
again under the new one. The rotation cannot know other apps' tables, so each app lists its
own sealed columns in its own ``case_key_rotation.py``::

    from safepassage.cases.case_key_rotation import SealedColumn, register_sealed_column

    register_sealed_column(
        SealedColumn(model=Trip, column="passengers", group=SensitiveGroup.TRAVEL_PASSENGER)
    )

The cases app imports every installed app's ``case_key_rotation`` module before the first
rotation (as for ``case_shredding``). ``tests/cases/test_key_rotation_coverage.py`` fails
for a sensitive column of any classification registry that is neither registered here nor
listed there as sealed under another key.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db import models
from django.utils.module_loading import autodiscover_modules

from safepassage.cases.models import (
    Case,
    CaseDocument,
    CaseNote,
    CaseReferral,
    CaseTask,
    CaseTransition,
    HouseholdMember,
)
from safepassage.cases.sealing import CASE_GROUPS
from safepassage.core.crypto import FieldContext, GroupKey, PrivateKey, SensitiveGroup

type ContextOf = Callable[[models.Model], FieldContext]


@dataclass(frozen=True, kw_only=True)
class SealedColumn:
    """One binary column holding FIELD envelopes under one group key of the row's case.

    ``case_lookup`` is the filter that finds a case's rows (``"case"``; ``"pk"`` for the
    case row itself). The group is ``group``, or read per row from ``group_column`` (a
    transition's reason is sealed under the narrative or the travel-passenger key). The
    context is ``(model label, column, row public id)`` unless ``context_of`` says otherwise.
    """

    model: type[models.Model]
    column: str
    group: SensitiveGroup | None = None
    group_column: str | None = None
    case_lookup: str = "case"
    context_of: ContextOf | None = None

    def __post_init__(self) -> None:
        if (self.group is None) == (self.group_column is None):
            msg = "give exactly one of group and group_column"
            raise ValueError(msg)

    @property
    def name(self) -> str:
        """``app_label.Model.column``, as the classification registries name it."""
        return f"{self.model._meta.label}.{self.column}"

    def group_of(self, row: models.Model) -> SensitiveGroup:
        if self.group is not None:
            return self.group
        return SensitiveGroup(getattr(row, str(self.group_column)))

    def context(self, row: models.Model) -> FieldContext:
        if self.context_of is not None:
            return self.context_of(row)
        return FieldContext(
            model=self.model._meta.label,
            field=self.column,
            row_id=str(row.public_id),  # type: ignore[attr-defined]  # every default-context model has a public_id
        )

    def rows(self, case: Case) -> models.QuerySet[models.Model]:
        """The case's rows holding a value in this column, in primary-key order."""
        return (
            self.model._default_manager.filter(**{self.case_lookup: case.pk})
            .exclude(**{f"{self.column}__isnull": True})
            .order_by("pk")
        )


type RotationStep = Callable[[Case, PrivateKey, Mapping[SensitiveGroup, GroupKey]], int]
"""``step(case, opener, new_keys)``: run inside the rotation's transaction after the case's
groups were rotated; returns how many values it sealed under a new key."""

type SealedToCheck = Callable[[Case, bytes], bool]
"""``check(case, fingerprint)``: does the case still hold a value sealed to the public key of
this fingerprint (not under a group key), such as an unfiled message?"""

_COLUMNS: dict[str, SealedColumn] = {}
_STEPS: dict[str, RotationStep] = {}
_SEALED_TO: dict[str, SealedToCheck] = {}
_discovered = False


def register_sealed_column(column: SealedColumn) -> None:
    """List ``column`` for re-sealing on every rotation of its case's group key."""
    existing = _COLUMNS.get(column.name)
    if existing is not None and existing != column:
        msg = f"another sealed column is already registered as {column.name!r}"
        raise ValueError(msg)
    _COLUMNS[column.name] = column


def register_rotation_step(name: str, step: RotationStep) -> None:
    """Run ``step`` after each case rotation, for values no column re-sealing reaches (such
    as messages still sealed to people's public keys). ``name`` is unique (``app.what``)."""
    existing = _STEPS.get(name)
    if existing is not None and existing is not step:
        msg = f"another rotation step is already registered as {name!r}"
        raise ValueError(msg)
    _STEPS[name] = step


def register_sealed_to_check(name: str, check: SealedToCheck) -> None:
    """List ``check`` for :func:`holds_values_sealed_to` (a key pair being replaced must not
    leave values its old private key opens). ``name`` is unique (``app.what``)."""
    existing = _SEALED_TO.get(name)
    if existing is not None and existing is not check:
        msg = f"another sealed-to check is already registered as {name!r}"
        raise ValueError(msg)
    _SEALED_TO[name] = check


def holds_values_sealed_to(case: Case, fingerprint: bytes) -> bool:
    """Does any app keep a value of ``case`` sealed to the key of ``fingerprint``?"""
    _discover()
    return any(_SEALED_TO[name](case, fingerprint) for name in sorted(_SEALED_TO))


def _discover() -> None:
    global _discovered  # noqa: PLW0603  # one discovery per process
    if not _discovered:
        autodiscover_modules("case_key_rotation")
        _discovered = True


def sealed_columns() -> list[SealedColumn]:
    """Every registered column, in name order (each app's module imported once)."""
    _discover()
    return [_COLUMNS[name] for name in sorted(_COLUMNS)]


def rotation_steps() -> list[RotationStep]:
    """Every registered step, in name order."""
    _discover()
    return [_STEPS[name] for name in sorted(_STEPS)]


for _column, _group in CASE_GROUPS.items():
    register_sealed_column(SealedColumn(model=Case, column=_column, group=_group, case_lookup="pk"))
register_sealed_column(SealedColumn(model=CaseNote, column="body", group=SensitiveGroup.NARRATIVE))
register_sealed_column(SealedColumn(model=CaseTask, column="text", group=SensitiveGroup.NARRATIVE))
register_sealed_column(
    SealedColumn(model=CaseReferral, column="consent", group=SensitiveGroup.NARRATIVE)
)
register_sealed_column(
    SealedColumn(model=CaseTransition, column="reason", group_column="reason_group")
)
register_sealed_column(
    SealedColumn(model=HouseholdMember, column="identity", group=SensitiveGroup.IDENTITY)
)
# The file itself stays under its own file key; re-sealing the file key is enough for the
# old documents key to open nothing (see docs/security/encryption.md, "Key rotation").
register_sealed_column(
    SealedColumn(model=CaseDocument, column="file_key", group=SensitiveGroup.DOCUMENTS)
)
register_sealed_column(
    SealedColumn(model=CaseDocument, column="details", group=SensitiveGroup.DOCUMENTS)
)
