"""SR-01 and SR-32 for the donations app, derived from the models and the registries (not a
list of today's fields):

- donor details are sealed in the ``donor`` group (or kept as a keyed digest) and nothing
  of a donor is in clear;
- no column anywhere could hold card data or a loyalty program password;
- no table joins a donor and a traveller in clear, except the one named below with why.

Each rule is a function of the registries and the foreign keys, so the tests below also show
it failing on a made-up column or table.
"""

import re
from collections.abc import Iterable, Mapping

from django.apps import apps
from django.db import models

from safepassage.core.classification import FieldClass, FieldKind
from safepassage.core.crypto import SensitiveGroup
from safepassage.site.field_registry import installed_field_kinds

CARD_OR_PASSWORD = re.compile(
    r"(^|_)(card|cards|pan|cvv|cvv2|cvc|cvc2|pin|pins|password|passwords|passwd|passcode"
    r"|security_code|track|magstripe|iban)(_|$)|card|password|cvv|cvc"
)
"""Column names that could hold card data (number, verification code, PIN, magnetic track)
or a password, as a whole word of the name or anywhere in it."""

ALLOWED_CARD_OR_PASSWORD = {
    "accounts.User.password": "a staff member's own password as an Argon2id hash (digest)",
    "cases.StaffKeyPair.password_envelope": "a private key wrapped under Argon2id(password)",
}
"""Columns whose name matches and that hold neither card data nor a loyalty password."""

TRAVELLER_GROUPS = frozenset(
    {
        SensitiveGroup.IDENTITY,
        SensitiveGroup.CONTACT,
        SensitiveGroup.LOCATION,
        SensitiveGroup.TRAVEL_PASSENGER,
    }
)
"""Groups whose values name or place a person asking for help (or their household)."""

CASE_MODEL = "cases.Case"

NOT_NAMING_A_DONOR = frozenset(
    {FieldClass.WORKFLOW, FieldClass.PUBLIC, FieldClass.SENSITIVE, FieldClass.DIGEST}
)
"""What a donations column may be: no ``personal`` or ``credential`` value in clear (a
``digest`` is a keyed HMAC under a key the database does not hold)."""

ALLOWED_JOINS = {
    "bookings.BookingRequest": (
        "the donor books the trip with their miles, so the request names its pledge and its "
        "trip. Neither side is named in clear: the donor's name is sealed under the donor "
        "key, the passengers under the trip's travel key and, for the donor, under a key "
        "that only their link holds (never stored). With the server's environment a copy "
        "names the donor and the case code, never the traveller"
    ),
}
"""Tables that join a donor and a traveller by reference, each with why that is safe."""


def card_or_password_columns(names: Iterable[str]) -> list[str]:
    """The ``app.Model.field`` names that could hold card data or a password."""
    return sorted(
        name
        for name in names
        if CARD_OR_PASSWORD.search(name.rsplit(".", 1)[1].lower())
        and name not in ALLOWED_CARD_OR_PASSWORD
    )


def _all_columns() -> list[str]:
    return [
        f"{model._meta.app_label}.{model.__name__}.{field.name}"
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy  # no table of its own (accounts.Authenticator, decision 0050)
        for field in model._meta.concrete_fields
    ]


def _clear_foreign_keys() -> dict[str, dict[str, str]]:
    """``app.Model`` → clear foreign-key field → the ``app.Model`` it points to."""
    kinds = installed_field_kinds()
    keys: dict[str, dict[str, str]] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:  # no table of its own: its base's columns are checked
            continue
        name = f"{model._meta.app_label}.{model.__name__}"
        keys[name] = {
            field.name: f"{field.related_model._meta.app_label}.{field.related_model.__name__}"
            for field in model._meta.concrete_fields
            if isinstance(field, models.ForeignKey)
            and field.related_model is not None
            and not isinstance(field.related_model, str)
            and kinds[name][field.name].kind in {FieldClass.WORKFLOW, FieldClass.PUBLIC}
        }
    return keys


def donor_and_traveller_joins(
    *, kinds: Mapping[str, Mapping[str, FieldKind]], foreign_keys: Mapping[str, Mapping[str, str]]
) -> dict[str, tuple[str, str]]:
    """Tables that reach, in one step of clear references (or by holding it themselves), both
    a table holding a donor's details and a table naming a traveller: name → (donor side,
    traveller side)."""

    def holds(model: str, groups: frozenset[SensitiveGroup]) -> bool:
        return any(kind.group in groups for kind in kinds.get(model, {}).values())

    donor_tables = {m for m in kinds if holds(m, frozenset({SensitiveGroup.DONOR}))}
    traveller_tables = {m for m in kinds if holds(m, TRAVELLER_GROUPS)} | {CASE_MODEL}
    joins: dict[str, tuple[str, str]] = {}
    for model in kinds:
        reachable = {model, *foreign_keys.get(model, {}).values()}
        donor = sorted(reachable & donor_tables)
        traveller = sorted(reachable & traveller_tables)
        if donor and traveller:
            joins[model] = (donor[0], traveller[0])
    return joins


def test_donor_details_are_sealed_in_the_donor_group_and_nothing_of_a_donor_is_in_clear() -> None:
    kinds = installed_field_kinds()
    donations = {m: f for m, f in kinds.items() if m.startswith("donations.")}

    sealed = {
        f"{model}.{name}"
        for model, fields in donations.items()
        for name, kind in fields.items()
        if kind.kind is FieldClass.SENSITIVE
    }
    assert sealed  # the donor's name and address are there, sealed
    for model, fields in donations.items():
        for name, kind in fields.items():
            assert kind.kind in NOT_NAMING_A_DONOR, f"{model}.{name}: seal a donor's data"
            if kind.kind is FieldClass.SENSITIVE:
                assert kind.group is SensitiveGroup.DONOR, f"{model}.{name}"
    # and the donor group seals nothing outside the donations app
    assert {
        f"{model}.{name}"
        for model, fields in kinds.items()
        for name, kind in fields.items()
        if kind.group is SensitiveGroup.DONOR
    } == sealed


def test_no_column_could_hold_card_data_or_a_loyalty_password() -> None:
    assert card_or_password_columns(_all_columns()) == []
    assert set(ALLOWED_CARD_OR_PASSWORD) <= set(_all_columns())


def test_the_card_and_password_check_catches_such_columns() -> None:
    made_up = [
        "donations.Pledge.card_number",
        "donations.Gift.cardholder",
        "donations.Gift.pan",
        "donations.Gift.cvv",
        "donations.Pledge.loyalty_password",
        "donations.Pledge.program_pin",
        "donations.Pledge.account_passcode",
        "donations.Gift.track_2",
    ]
    harmless = [
        "donations.Campaign.company",
        "donations.Program.spin_rate",
        "accounts.User.password",
    ]

    assert card_or_password_columns(made_up + harmless) == sorted(made_up)


def test_no_table_joins_a_donor_and_a_traveller_in_clear_but_the_named_one() -> None:
    joins = donor_and_traveller_joins(
        kinds=installed_field_kinds(), foreign_keys=_clear_foreign_keys()
    )

    assert set(joins) == set(ALLOWED_JOINS), joins


def test_the_join_check_catches_a_new_link_between_a_pledge_and_a_case() -> None:
    # Given the real registries and foreign keys, plus a made-up table pointing at a pledge
    # and at a case, and a pledge that gained a clear case reference
    kinds = {model: dict(fields) for model, fields in installed_field_kinds().items()}
    keys = {model: dict(fields) for model, fields in _clear_foreign_keys().items()}
    workflow = FieldKind(kind=FieldClass.WORKFLOW, group=None)
    kinds["donations.ThankYou"] = {"id": workflow, "pledge": workflow, "case": workflow}
    keys["donations.ThankYou"] = {"pledge": "donations.Pledge", "case": "cases.Case"}
    kinds["donations.Pledge"]["helped_case"] = workflow
    keys["donations.Pledge"]["helped_case"] = "cases.Case"

    # When the check runs, then both are found
    joins = donor_and_traveller_joins(kinds=kinds, foreign_keys=keys)
    assert set(joins) - set(ALLOWED_JOINS) == {"donations.ThankYou", "donations.Pledge"}
