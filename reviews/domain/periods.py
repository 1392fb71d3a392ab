"""Calendar months as the product uses them: sampling periods, monthly scores, consent review dates."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import NamedTuple

# A month as the product writes it: YYYY-MM, in the years it deals with (1970-2099).
MONTH_PATTERN = r"^(19[7-9]\d|20\d\d)-(0[1-9]|1[0-2])$"


def month_bounds(period: str) -> tuple[dt.date, dt.date]:
    """'2026-10' → (2026-10-01, 2026-11-01): the month's first day and the first day after it."""
    if not isinstance(period, str) or not re.match(MONTH_PATTERN, period):
        raise ValueError(f"{period!r} is not a month written as YYYY-MM")
    year_text, month_text = period.split("-")
    start = dt.date(int(year_text), int(month_text), 1)
    return start, add_months(start, 1)


def month_start(day: dt.date) -> dt.date:
    """The first day of the month that ``day`` lies in."""
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier), the last day of the month where that day is missing."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def previous_month(today: dt.date) -> str:
    """The last whole month before ``today``, written YYYY-MM."""
    return f"{add_months(month_start(today), -1):%Y-%m}"


def period_label(moment: dt.datetime | dt.date, period: str) -> str:
    """How a month ('2026-05') or a quarter ('2026-Q2') is named in the works council's tables."""
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}" if period == "quarter" else f"{moment:%Y-%m}"


def quarter_of(month_key: str) -> str:
    """A row key of a month ('12:2026-05': rule version 12, May 2026) as its quarter's ('12:2026-Q2')."""
    row, month = month_key.rsplit(":", 1)
    year, number = month.split("-")
    return f"{row}:{year}-Q{(int(number) - 1) // 3 + 1}"


class Window(NamedTuple):
    """A calendar quarter: its first day and the first day after it."""

    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return period_label(self.start, "quarter")


def quarter_window(day: dt.date) -> Window:
    """The calendar quarter ``day`` lies in."""
    start = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return Window(start, add_months(start, 3))


def previous_quarter(today: dt.date) -> Window:
    """The last complete calendar quarter before ``today``: the works council's default window."""
    return quarter_window(add_months(quarter_window(today).start, -3))


def council_window(first: dt.date, last: dt.date) -> Window:
    """The calendar quarter holding the days ``first`` to ``last`` (both included): the works council's window.

    The council's tables always cover one whole quarter. Two free periods that differ by a day, or
    a quarter and one of its months, would give what happened in the difference by subtraction (or,
    for counts of people, bounds on it); quarters never overlap. Within a quarter, a table per month
    hides a quarter's figure whenever one of its months' is hidden.
    """
    if first > last:
        raise ValueError("the first day lies after the last")
    window = quarter_window(first)
    if last >= window.end:
        raise ValueError("a window lies within one calendar quarter")
    return window
