import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviews.domain.appeals import add_working_days, appeal_outcome, within_window
from reviews.domain.errors import InvalidTransition, NotPermitted
from reviews.domain.transitions import APPEAL_TRANSITIONS, AppealAction, AppealState, appeal_transition

ROLES = ["agent", "supervisor", "qa_lead", "works_council", "admin"]
S, A = AppealState, AppealAction

ALLOWED = {
    (S.SUBMITTED, A.ASSIGN, "qa_lead"): S.SUBMITTED,
    (S.SUBMITTED, A.START_REVIEW, "supervisor"): S.IN_REVIEW,
    (S.SUBMITTED, A.START_REVIEW, "qa_lead"): S.IN_REVIEW,
    (S.SUBMITTED, A.WITHDRAW, "agent"): S.WITHDRAWN,
    (S.IN_REVIEW, A.ASSIGN, "qa_lead"): S.SUBMITTED,
    (S.IN_REVIEW, A.DECIDE, "supervisor"): S.IN_REVIEW,
    (S.IN_REVIEW, A.DECIDE, "qa_lead"): S.IN_REVIEW,
    (S.IN_REVIEW, A.WITHDRAW, "agent"): S.WITHDRAWN,
}


@pytest.mark.parametrize(("state", "action", "role"), list(itertools.product(S, A, ROLES)))
def test_every_appeal_transition_is_allowed_or_refused(state, action, role):
    key = (state, action, role)
    if key in ALLOWED:
        assert appeal_transition(state, action, role) is ALLOWED[key]
        return
    expected = NotPermitted if action in APPEAL_TRANSITIONS[state] else InvalidTransition
    with pytest.raises(expected):
        appeal_transition(state, action, role)


def test_a_decided_or_withdrawn_appeal_accepts_nothing():
    for state in (S.UPHELD, S.OVERTURNED, S.PARTIALLY_OVERTURNED, S.WITHDRAWN):
        assert APPEAL_TRANSITIONS[state] == {}


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (dt.date(2026, 11, 23), 10, dt.date(2026, 12, 7)),  # Monday + 10 working days = Monday two weeks on
        (dt.date(2026, 11, 27), 1, dt.date(2026, 11, 30)),  # Friday + 1 = Monday
        (dt.date(2026, 11, 28), 1, dt.date(2026, 11, 30)),  # Saturday + 1 = Monday
        (dt.date(2026, 11, 29), 5, dt.date(2026, 12, 4)),  # Sunday + 5 = Friday
        (dt.date(2026, 11, 25), 0, dt.date(2026, 11, 25)),
    ],
)
def test_deadlines_count_working_days_only(start, days, expected):
    assert add_working_days(start, days) == expected


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 1, 1)), st.integers(1, 60))
def test_a_deadline_never_falls_in_a_weekend_and_spans_exactly_n_weekdays(start, days):
    end = add_working_days(start, days)
    assert end.weekday() < 5
    between = [start + dt.timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sum(d.weekday() < 5 for d in between) == days


def test_the_window_includes_its_last_day_and_not_the_day_after():
    shown = dt.date(2026, 11, 2)
    assert within_window(shown_on=shown, today=dt.date(2026, 11, 16), window_days=14)
    assert not within_window(shown_on=shown, today=dt.date(2026, 11, 17), window_days=14)


@pytest.mark.parametrize(
    ("decisions", "outcome"),
    [
        ([False], S.UPHELD),
        ([False, False], S.UPHELD),
        ([True], S.OVERTURNED),
        ([True, True], S.OVERTURNED),
        ([True, False], S.PARTIALLY_OVERTURNED),
    ],
)
def test_the_outcome_follows_from_the_items(decisions, outcome):
    assert appeal_outcome(decisions) is outcome
