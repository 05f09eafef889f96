"""An applicant signs in with the case code however they wrote it down: dashes, spaces or
nothing between the groups, any letter case. A wrong code is still refused."""

import pytest
from django.test import Client

from tests.intake.factories import intake_world, submit

pytestmark = pytest.mark.django_db


def _written(code: str, separator: str) -> str:
    return separator.join(code.split("-"))


@pytest.mark.parametrize("separator", ["-", " ", "", " - "])
@pytest.mark.parametrize("lower", [False, True])
def test_the_case_code_is_accepted_with_any_separator_and_case(separator: str, lower: bool) -> None:
    # given an applicant's receipt, with a code like K7QM-4ZX9-RT
    receipt = submit(intake_world().organisation)
    typed = _written(receipt.case_code, separator)
    typed = typed.lower() if lower else typed

    # when they sign in typing the code that way
    response = Client().post("/help/check/", {"codename": receipt.codename, "case_code": typed})

    # then they reach their status page
    assert response.status_code == 302
    assert response["Location"] == "/help/status/"


def test_another_code_written_without_dashes_is_still_refused() -> None:
    # given an applicant's receipt
    receipt = submit(intake_world().organisation)
    wrong = "".join(reversed(receipt.case_code.replace("-", "")))

    # when they sign in with another code
    response = Client().post("/help/check/", {"codename": receipt.codename, "case_code": wrong})

    # then they are refused
    assert response.status_code == 200


def test_cyrillic_look_alike_letters_typed_on_a_russian_keyboard_are_read_as_latin() -> None:
    # given an applicant's receipt, and the code typed with Cyrillic look-alikes where they
    # exist (the Latin letters of the code have Cyrillic twins: A, B, C, E, H, K, M, P, T, X, Y)
    receipt = submit(intake_world().organisation)
    typed = receipt.case_code.translate(str.maketrans("ABCEHKMPTXY", "авсенкмртху"))

    # when they sign in with it
    response = Client().post("/help/check/", {"codename": receipt.codename, "case_code": typed})

    # then they reach their status page
    assert response.status_code == 302
