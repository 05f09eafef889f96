"""Parsing a coordinator's manual itinerary ("MCX IST / IST VNO"): properties and refusals."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safepassage.travel.actions import parse_manual_itinerary
from safepassage.travel.errors import InvalidItinerary

CODES = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3)


@st.composite
def tickets(draw: st.DrawFn) -> list[list[str]]:
    """One to three tickets of two or three airports, each starting where the last ended,
    no airport visited twice."""
    lengths = draw(st.lists(st.integers(min_value=1, max_value=2), min_size=1, max_size=3))
    total = 1 + sum(lengths)
    codes = draw(st.lists(CODES, min_size=total, max_size=total, unique=True))
    result = []
    start = 0
    for length in lengths:
        result.append(codes[start : start + length + 1])
        start += length
    return result


@given(tickets=tickets(), carrier=st.sampled_from(["TK", "LH", "JU"]))
def test_any_connected_itinerary_parses_back_to_its_tickets(
    tickets: list[list[str]], carrier: str
) -> None:
    text = " / ".join(" ".join(ticket).lower() for ticket in tickets)
    carriers = " / ".join(carrier for _ in tickets)

    fares = parse_manual_itinerary(itinerary=text, carriers=carriers)

    assert [list(fare.airports) for fare in fares] == tickets
    assert all(fare.carriers == frozenset({carrier}) for fare in fares)


@pytest.mark.parametrize(
    ("itinerary", "carriers"),
    [
        ("MCX IST / VNO YYZ", ""),  # tickets do not meet
        ("MCX", ""),  # one airport is not a flight
        ("MCX ISTANBUL", ""),  # not a code
        ("MCX IST / IST VNO", "TK"),  # carriers for one ticket of two
        ("MCX MCX", ""),  # no flight at all
        ("MCX IST / IST MCX", ""),  # back where it started
        ("", ""),
    ],
)
def test_malformed_itineraries_are_refused(itinerary: str, carriers: str) -> None:
    with pytest.raises(InvalidItinerary):
        parse_manual_itinerary(itinerary=itinerary, carriers=carriers)


def test_an_itinerary_longer_than_an_option_can_hold_is_refused() -> None:
    nine_airports = " / ".join(f"A{n}A A{n + 1}A" for n in range(8))
    with pytest.raises(InvalidItinerary):
        parse_manual_itinerary(itinerary=nine_airports, carriers="")
