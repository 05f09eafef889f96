"""The e-mails a donor gets when their booking request is cancelled or taken over read
correctly in Russian: no raw placeholder, and the subject says what happened."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation


@pytest.mark.parametrize("template", ["cancelled", "taken_over"])
@pytest.mark.parametrize("booked", [True, False])
def test_the_russian_notice_has_no_raw_placeholder(template: str, booked: bool) -> None:
    # when the notice is written in Russian
    with translation.override("ru"):
        body = render_to_string(
            f"bookings/email/{template}_body.txt",
            {"program": "United MileagePlus", "booked": booked},
        )

    # then no "%(...)s" is left for the donor to read, and the thanks is there
    assert "%(" not in body
    assert "Спасибо за ваше обещание миль." in body


def test_the_russian_cancellation_subject_says_the_request_was_cancelled() -> None:
    with translation.override("ru"):
        subject = render_to_string("bookings/email/cancelled_subject.txt", {})

    assert "отменён" in subject
