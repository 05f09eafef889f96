"""Codename peppers come from the environment; production refuses to work without them."""

import pytest
from pytest_django import Settings

from safepassage.intake import codename_keys
from safepassage.intake.errors import IntakeUnavailable, PeppersMissing

LOOKUP = "11" * 32
KEY = "22" * 32


def test_peppers_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(codename_keys.LOOKUP_PEPPER_VARIABLE, LOOKUP)
    monkeypatch.setenv(codename_keys.KEY_PEPPER_VARIABLE, KEY)
    peppers = codename_keys.codename_peppers()
    assert (peppers.lookup, peppers.key) == (bytes.fromhex(LOOKUP), bytes.fromhex(KEY))


def test_other_peppers_give_another_lookup_id(monkeypatch: pytest.MonkeyPatch) -> None:
    codename = "abacus abdomen abdominal abide abiding ability ablaze"
    first = codename_keys.derive_secrets(codename=codename)
    monkeypatch.setenv(codename_keys.LOOKUP_PEPPER_VARIABLE, LOOKUP)
    monkeypatch.setenv(codename_keys.KEY_PEPPER_VARIABLE, KEY)
    second = codename_keys.derive_secrets(codename=codename)
    assert first.lookup_id != second.lookup_id
    assert first.key != second.key


@pytest.mark.parametrize(("lookup", "key"), [("", ""), (LOOKUP, LOOKUP), ("zz", KEY)])
def test_production_refuses_missing_equal_or_malformed_peppers(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, lookup: str, key: str
) -> None:
    settings.PRODUCTION = True
    monkeypatch.setenv(codename_keys.LOOKUP_PEPPER_VARIABLE, lookup)
    monkeypatch.setenv(codename_keys.KEY_PEPPER_VARIABLE, key)
    with pytest.raises(PeppersMissing):
        codename_keys.codename_peppers()
    assert issubclass(PeppersMissing, IntakeUnavailable)
