"""The runs list reads a small summary of each run, never the problem or plan documents."""

import pytest

from safepassage.bookings import selectors
from tests.bookings.factories import (
    make_network,
    planned_case,
    pledge_of,
    solved_run,
    travel_request,
)

pytestmark = pytest.mark.django_db

BIG_DOCUMENTS = {"problem", "plan", "pledge_snapshot", "request_snapshot"}


def test_the_runs_list_defers_the_big_documents_and_shows_the_travellers_served() -> None:
    # given a solved run serving two travellers
    network = make_network()
    case = planned_case(network)
    travel_request(case, program=network.program, travellers=2, miles=20_000)
    pledge_of(network, miles=50_000)
    run = solved_run(network)
    # when the list is read
    runs = list(selectors.list_runs(organisation=network.organisation))
    # then the documents are not loaded, and the count shown comes from the summary
    assert [listed.pk for listed in runs] == [run.pk]
    assert runs[0].get_deferred_fields() >= BIG_DOCUMENTS
    assert runs[0].travellers_served == 2
