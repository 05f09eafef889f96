"""SR-33 rules on their own (no database): Hypothesis explores cells and snapshot series."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from safepassage.transparency.disclosure import (
    MIN_UNITS,
    Contributions,
    Published,
    Suppression,
    bucket,
    decide,
)

contribution_lists = st.lists(st.integers(min_value=1, max_value=12), max_size=40)


@given(contribution_lists)
def test_no_published_cell_aggregates_fewer_than_ten_or_is_dominated(values: list[int]) -> None:
    contributions = Contributions.of(values)

    decision = decide(contributions=contributions, value=contributions.total, earlier=[])

    if decision is Suppression.NONE:
        assert contributions.units >= MIN_UNITS
        assert contributions.total >= MIN_UNITS
        assert contributions.largest * 2 <= contributions.total


@given(
    st.lists(st.lists(st.integers(min_value=1, max_value=6), max_size=30), min_size=2, max_size=8)
)
def test_no_two_publications_of_a_cell_differ_by_fewer_than_ten(
    series: list[list[int]],
) -> None:
    """The differencing attack: a cell (say, people moved in March) re-computed in a series
    of snapshots while late records change it. Whatever two publications an observer keeps,
    they are equal or differ by at least ten contributions."""
    # given a cell whose contributions only grow (late records), published snapshot by snapshot
    history: list[Published] = []
    shown: list[tuple[Decimal, int]] = []
    contributions_so_far: list[int] = []
    for added in series:
        contributions_so_far = contributions_so_far + added
        contributions = Contributions.of_travellers(contributions_so_far)
        # when it is decided against every earlier publication
        decision = decide(contributions=contributions, value=contributions.total, earlier=history)
        if decision is Suppression.NONE:
            history.append(Published(value=contributions.total, units=contributions.units))
            shown.append((contributions.total, contributions.units))
    # then every pair of publications is identical or at least ten contributions apart
    for first_value, first_units in shown:
        for second_value, second_units in shown:
            assert first_value == second_value or abs(first_units - second_units) >= MIN_UNITS
            assert first_units >= MIN_UNITS


def test_a_travellers_family_alone_cannot_make_a_published_figure() -> None:
    family_of_six_and_four_others = Contributions.of_travellers([6, 1, 1, 1, 1])

    assert (
        decide(contributions=family_of_six_and_four_others, value=Decimal(10), earlier=[])
        is Suppression.DOMINATED
    )
    ten_with_a_big_gift = Contributions.of([1000] + [10] * 9)
    assert (
        decide(contributions=ten_with_a_big_gift, value=Decimal(1090), earlier=[])
        is Suppression.DOMINATED
    )


def test_one_late_traveller_withholds_a_published_month() -> None:
    before = Published(value=Decimal(15), units=15)
    after = Contributions.of_travellers([2] + [1] * 14)

    assert decide(contributions=after, value=Decimal(16), earlier=[before]) is Suppression.REVISED
    unchanged = Contributions.of_travellers([1] * 15)
    assert decide(contributions=unchanged, value=Decimal(15), earlier=[before]) is Suppression.NONE


@given(st.decimals(min_value=1, max_value=10**12, places=2))
def test_ranges_hold_their_value(value: Decimal) -> None:
    low, high = bucket(value)

    assert low <= value < high
    assert high / low in {Decimal(2), Decimal("2.5")}
