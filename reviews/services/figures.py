"""Keeps the per-month figures (``reviews.models.figures``) equal to what the raw rows say.

``figures_refresh`` takes every ``FigureChange`` the triggers wrote, and recomputes the figures of
exactly those agent-months from the raw rows, in one transaction: the changes it took are gone
only if the recomputation committed. Runs before every report that reads the figures, after every
scoring run and on beat; its cost follows what changed since the last refresh, not the history.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from reviews.domain.periods import add_months
from reviews.models import CriticalErrorStatus, EvaluationStatus, Selection
from reviews.selectors.figures import HANDLE_TIME_BANDS, figures_kept
from reviews.selectors.thresholds import COUNTING_EVALUATION_STATUSES

_LOCK = 85_593_368  # one refresh at a time (PostgreSQL advisory lock)


def _band_sql() -> str:
    cases = " ".join(
        f"WHEN c.handle_time_seconds >= {low} AND c.handle_time_seconds < {high} THEN {index}"
        for index, (_label, low, high) in enumerate(HANDLE_TIME_BANDS)
    )
    return f"CASE {cases} END"


_COUNTING = tuple(str(s) for s in COUNTING_EVALUATION_STATUSES)

# The only text put into these statements is the bands' integer bounds (_band_sql); values are parameters.
_MONTH_SQL = f"""
INSERT INTO reviews_monthfigures (month, agent_id, band, evaluations, with_errors, reviewed, targeted)
SELECT %(month)s, c.agent_id, {_band_sql()} AS band,
       count(*) FILTER (WHERE e.status = ANY(%(counting)s)),
       count(*) FILTER (WHERE e.status = ANY(%(counting)s) AND EXISTS (
           SELECT 1 FROM reviews_criticalerror ce WHERE ce.evaluation_id = e.id AND ce.status = %(active)s)),
       count(*) FILTER (WHERE e.status <> %(draft)s),
       count(*) FILTER (WHERE e.selection = %(targeted)s)
FROM reviews_evaluation e JOIN reviews_call c ON c.id = e.call_id
WHERE c.agent_id = ANY(%(agents)s) AND c.started_at >= %(start)s AND c.started_at < %(end)s
  AND e.previous_revision_id IS NULL AND e.calibration_session_id IS NULL
GROUP BY c.agent_id, band
"""  # noqa: S608

_ERROR_SQL = f"""
INSERT INTO reviews_errormonthfigures (observed_month, call_month, agent_id, band, type_id, root_cause_id, errors)
SELECT date_trunc('month', ce.observed_at AT TIME ZONE %(tz)s)::date,
       date_trunc('month', c.started_at AT TIME ZONE %(tz)s)::date,
       ce.agent_id, {_band_sql()}, ce.type_id, ce.root_cause_id, count(*)
FROM reviews_criticalerror ce
JOIN reviews_evaluation e ON e.id = ce.evaluation_id
JOIN reviews_call c ON c.id = e.call_id
WHERE ce.agent_id = ANY(%(agents)s)
  AND ((ce.observed_at >= %(start)s AND ce.observed_at < %(end)s)
       OR (c.started_at >= %(start)s AND c.started_at < %(end)s))
  AND ce.status = %(active)s AND e.status = ANY(%(counting)s)
  AND e.previous_revision_id IS NULL AND e.calibration_session_id IS NULL
GROUP BY 1, 2, 3, 4, 5, 6
"""  # noqa: S608


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def figures_refresh_before_read() -> int:
    """The refresh a report runs before it reads: only while few changes wait
    (``FIGURES_REFRESH_BEFORE_READ_MAX``) and no other refresh holds the figures. Otherwise it leaves
    them to beat's refresh, and the report counts the raw rows meanwhile (``figures_current``): after an
    upgrade or a large import, no request waits minutes for figures built from scratch."""
    return figures_refresh(at_most=settings.FIGURES_REFRESH_BEFORE_READ_MAX)


@transaction.atomic
def figures_refresh(*, at_most: int | None = None) -> int:
    """Recompute the agent-months changed since the last refresh; how many were recomputed.

    With ``at_most``: nothing when more change records than that wait, or another refresh is running."""
    if not figures_kept():
        return 0
    with connection.cursor() as cursor:
        if at_most is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        else:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK])
            if not cursor.fetchone()[0]:
                return 0
            cursor.execute(
                "SELECT count(*) FROM (SELECT 1 FROM reviews_figurechange LIMIT %s) AS waiting", [at_most + 1]
            )
            if cursor.fetchone()[0] > at_most:
                return 0
        # Taken and deleted in one statement: a change committed after it stays for the next refresh,
        # and one committed before it is in the rows the recomputation below reads.
        cursor.execute(
            "WITH taken AS (DELETE FROM reviews_figurechange RETURNING agent_id, at) "
            "SELECT DISTINCT date_trunc('month', at AT TIME ZONE %s)::date, agent_id FROM taken",
            [settings.TIME_ZONE],
        )
        agents_of: dict[dt.date, list[int]] = defaultdict(list)
        for month, agent_id in cursor.fetchall():
            agents_of[month].append(agent_id)
        for month, agents in sorted(agents_of.items()):
            params = {
                "month": month,
                "agents": agents,
                "start": _local_midnight(month),
                "end": _local_midnight(add_months(month, 1)),
                "tz": settings.TIME_ZONE,
                "counting": list(_COUNTING),
                "active": str(CriticalErrorStatus.ACTIVE),
                "draft": str(EvaluationStatus.DRAFT),
                "targeted": str(Selection.TARGETED),
            }
            cursor.execute(
                "DELETE FROM reviews_monthfigures WHERE month = %(month)s AND agent_id = ANY(%(agents)s)", params
            )
            cursor.execute(_MONTH_SQL, params)
            cursor.execute(
                "DELETE FROM reviews_errormonthfigures WHERE agent_id = ANY(%(agents)s) "
                "AND (observed_month = %(month)s OR call_month = %(month)s)",
                params,
            )
            cursor.execute(_ERROR_SQL, params)
    return sum(len(agents) for agents in agents_of.values())
