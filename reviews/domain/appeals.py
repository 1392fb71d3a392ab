"""Appeals: deadlines in working days, and the outcome that follows from the items' decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from reviews.domain.transitions import AppealState


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days (Monday to Friday) after ``start``."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def within_window(*, shown_on: dt.date, today: dt.date, window_days: int) -> bool:
    """An agent may appeal up to and including ``window_days`` calendar days after the evaluation was shown."""
    return shown_on <= today <= shown_on + dt.timedelta(days=window_days)


def appeal_outcome(item_overturned: Iterable[bool]) -> AppealState:
    """All items upheld: upheld. All overturned: overturned. Otherwise partially overturned."""
    decisions = list(item_overturned)
    if not decisions:
        raise ValueError("an appeal has at least one item")
    if all(decisions):
        return AppealState.OVERTURNED
    if any(decisions):
        return AppealState.PARTIALLY_OVERTURNED
    return AppealState.UPHELD
