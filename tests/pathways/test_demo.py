"""The demo network has five pathways, two pledged, and its case waits on one."""

from io import StringIO

import pytest
from django.core.management import call_command

from safepassage.cases.models import Case
from safepassage.pathways.models import Pathway, Stance
from safepassage.pathways.selectors import acceptable_destination_countries

pytestmark = pytest.mark.django_db


def test_demo_pathways() -> None:
    call_command("demo", stdout=StringIO())

    stances = dict(Pathway.objects.values_list("country", "stance"))
    assert stances == {
        "LT": Stance.PLEDGED,
        "FR": Stance.PLEDGED,
        "DE": Stance.NEGOTIATING,
        "CA": Stance.NEGOTIATING,
        "NL": Stance.NEGOTIATING,
    }
    linked = Case.objects.filter(organisation__name="Northern Path").order_by("pk").first()
    assert linked is not None
    assert acceptable_destination_countries(case=linked) == ["DE"]
