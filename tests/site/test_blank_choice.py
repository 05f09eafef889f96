"""The empty first choice of a drop-down reads the same in English and Russian.

Django 6.1 labels it "- Select an option -", which its Russian catalogue does not
translate, so Russian forms showed that English text (the event form's campaign, a
program's kind, the travel catalogue's programs and alliances).
"""

import pytest
from django.db.models import fields
from django.utils import translation

from safepassage.donations.forms import ProgramForm
from safepassage.donations.models import Campaign
from safepassage.events.forms import EventForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "ru"])
def test_an_optional_choice_and_a_required_model_choice_start_with_a_dash(language: str) -> None:
    # given the event form (optional campaign) and the program form (required kind)
    with translation.override(language):
        # when they are drawn in either language
        event_form = str(EventForm(organisations=[], campaigns=Campaign.objects.none()))
        program_form = str(ProgramForm())

    # then the empty choice is a dash, with no untranslated English
    assert "Select an option" not in event_form + program_form
    assert '<option value="" selected>—</option>' in event_form
    assert '<option value="" selected>—</option>' in program_form
    assert str(fields.BLANK_CHOICE_LABEL) == "—"
