"""The works council's window: one calendar quarter, whatever period is asked."""

import datetime as dt

import pytest

from reviews.domain.periods import Window, council_window, previous_quarter

D = dt.date


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (D(2026, 10, 1), D(2026, 10, 1), Window(D(2026, 10, 1), D(2027, 1, 1))),
        (D(2026, 10, 20), D(2026, 10, 21), Window(D(2026, 10, 1), D(2027, 1, 1))),
        (D(2026, 1, 1), D(2026, 3, 31), Window(D(2026, 1, 1), D(2026, 4, 1))),
        (D(2026, 5, 31), D(2026, 6, 1), Window(D(2026, 4, 1), D(2026, 7, 1))),
    ],
)
def test_any_period_within_a_quarter_is_that_quarter(first, last, expected):
    assert council_window(first, last) == expected
    assert expected.label == f"{first.year}-Q{(first.month - 1) // 3 + 1}"


@pytest.mark.parametrize(("first", "last"), [(D(2026, 9, 30), D(2026, 10, 1)), (D(2025, 12, 1), D(2026, 1, 31))])
def test_a_period_across_two_quarters_is_refused(first, last):
    with pytest.raises(ValueError, match="one calendar quarter"):
        council_window(first, last)


def test_the_default_is_the_last_complete_quarter():
    assert previous_quarter(D(2026, 11, 30)) == Window(D(2026, 7, 1), D(2026, 10, 1))
    assert previous_quarter(D(2026, 1, 2)) == Window(D(2025, 10, 1), D(2026, 1, 1))
