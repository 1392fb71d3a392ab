"""Dashboards that point at the process: a supervisor's team, or everyone for a QA lead.

Per calendar month (of the call, or of the decision): the score trend per team and per criterion,
critical errors per type and per root cause, appeal outcomes and coaching activity. Every cell that
describes people is shown only where at least ``SMALL_CELL_K`` agents are behind it (a zero names
nobody and is shown); where a line's total is shown, a second cell is hidden so that a hidden one
cannot be recovered by subtraction (``reviews.domain.disclosure``). Means and rates carry an
approximate 95 % interval. Self-evaluations, calibration scorings and coaching notes are never read.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone

from accounts.models import Role, Team, User
from reviews.domain.agreement import wilson_interval
from reviews.domain.disclosure import suppress_table
from reviews.models import (
    Answer,
    Appeal,
    AppealStatus,
    CoachingPlan,
    CoachingSession,
    CoachingStatus,
    CriticalError,
    CriticalErrorStatus,
    Evaluation,
)
from reviews.selectors.thresholds import COUNTING_EVALUATION_STATUSES

Z95 = 1.959964
OVERTURNED = (AppealStatus.OVERTURNED, AppealStatus.PARTIALLY_OVERTURNED)
DECIDED = (AppealStatus.UPHELD, *OVERTURNED)


@dataclass(frozen=True)
class Estimate:
    """A count, mean or rate (with its approximate 95 % interval where it is a mean or a rate).

    ``value`` None: nothing to show, either because there is nothing (``hidden`` False) or because
    fewer than k agents are behind it (``hidden`` True).
    """

    value: float | None
    low: float | None = None
    high: float | None = None
    n: int = 0
    hidden: bool = False


EMPTY = Estimate(None)
HIDDEN = Estimate(None, hidden=True)


@dataclass
class Series:
    key: str  # a team's name, a criterion's id, a type or cause code
    label: str
    cells: dict[dt.date, Any] = field(default_factory=dict)


@dataclass
class Dashboard:
    k: int
    months: list[dt.date]
    scope: str  # a team's name, or "" for everyone
    score_by_team: list[Series]
    score_by_criterion: list[Series]
    errors_by_type: list[Series]
    errors_by_cause: list[Series]
    error_rate: Series  # share of evaluations with a critical error, per month
    appeals: list[Series]  # outcome counts per month
    appeal_overturn_rate: Series
    coaching: list[Series]  # plans opened, sessions held, plans completed


def month_starts(count: int, today: dt.date) -> list[dt.date]:
    first = today.replace(day=1)
    months = [first]
    while len(months) < count:
        months.insert(0, (months[0] - dt.timedelta(days=1)).replace(day=1))
    return months


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _month(value: dt.datetime | dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def dashboard_teams(viewer: User) -> QuerySet[Team]:
    """The teams a viewer may look at: a supervisor their own, a QA lead every one."""
    if viewer.role == Role.QA_LEAD:
        return Team.objects.order_by("name")
    if viewer.role == Role.SUPERVISOR and viewer.team_id is not None:
        return Team.objects.filter(pk=viewer.team_id)
    return Team.objects.none()


def _mean(n: int, total: float, squares: float) -> Estimate:
    mean = total / n
    variance = max(0.0, (squares - n * mean * mean) / (n - 1)) if n > 1 else 0.0
    margin = Z95 * math.sqrt(variance / n) if n > 1 else 0.0
    return Estimate(round(mean, 1), round(max(0.0, mean - margin), 1), round(min(100.0, mean + margin), 1), n)


def _rate(successes: int, trials: int) -> Estimate:
    interval = wilson_interval(successes, trials)
    if interval is None:
        return EMPTY
    return Estimate(round(100 * successes / trials, 1), interval.low_per_100, interval.high_per_100, trials)


def _counts(
    rows: Iterable[tuple[str, dt.date, int, int]], months: list[dt.date], k: int, labels: dict[str, str]
) -> list[Series]:
    """Count cells (key by month) with the agents behind each; small ones hidden, with month totals safe."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    few: set[tuple[str, str]] = set()
    for key, month, count, agents in rows:
        column = month.isoformat()
        counts[key][column] = counts[key].get(column, 0) + count
        if 0 < agents < k:
            few.add((key, column))
    for key in counts:
        for month in months:
            counts[key].setdefault(month.isoformat(), 0)
    shown = suppress_table(counts, k, row_totals=True, column_totals=True, also_hide=few)

    def cell(value: int | None) -> Estimate:
        return HIDDEN if value is None else Estimate(value, n=value)

    return [
        Series(key=key, label=labels.get(key, key), cells={m: cell(shown[key][m.isoformat()]) for m in months})
        for key in sorted(shown, key=lambda key: labels.get(key, key))
    ]


class _Scope:
    def __init__(self, team: Team | None, months: list[dt.date], channel: str = ""):
        self.team = team
        self.channel = channel
        self.start = _aware(months[0])
        self.end = _aware((months[-1] + dt.timedelta(days=32)).replace(day=1))

    def agents(self, prefix: str) -> Q:
        return Q(**{f"{prefix}team": self.team}) if self.team is not None else Q()

    def calls(self, prefix: str) -> Q:
        """Calls of one channel (phone, chat, e-mail), or every channel."""
        return Q(**{f"{prefix}channel": self.channel}) if self.channel else Q()

    def evaluations(self) -> QuerySet[Evaluation]:
        return Evaluation.objects.filter(
            self.agents("call__agent__"),
            self.calls("call__"),
            status__in=COUNTING_EVALUATION_STATUSES,
            superseded_at__isnull=True,
            calibration_session__isnull=True,
            call__started_at__gte=self.start,
            call__started_at__lt=self.end,
        )

    def errors(self) -> QuerySet[CriticalError]:
        return CriticalError.objects.filter(
            self.agents("agent__"),
            self.calls("evaluation__call__"),
            status=CriticalErrorStatus.ACTIVE,
            evaluation__status__in=COUNTING_EVALUATION_STATUSES,
            evaluation__calibration_session__isnull=True,
            observed_at__gte=self.start,
            observed_at__lt=self.end,
        )


def _mean_series(rows: Iterable[Any], months: list[dt.date], k: int, key: str, label: Any) -> list[Series]:
    """Lines of monthly means (with intervals) from rows of (key, month, n, total, squares, agents)."""
    series: dict[str, Series] = {}
    for row in rows:
        name = str(row[key] or "")
        line = series.setdefault(name, Series(key=name, label=label(row), cells={m: EMPTY for m in months}))
        shown = row["agents"] >= k
        line.cells[_month(row["month"])] = _mean(row["n"], row["total"], row["squares"]) if shown else HIDDEN
    return sorted(series.values(), key=lambda s: s.label)


def _moments(value: Any, agent: str) -> dict[str, Any]:
    """What a mean with its interval needs, per group: count, sum, sum of squares, agents behind it."""
    return {
        "n": Count("pk"),
        "total": Sum(value),
        "squares": Sum(F(value) * F(value)),
        "agents": Count(agent, distinct=True),
    }


def _score_by_team(scope: _Scope, months: list[dt.date], k: int) -> list[Series]:
    rows = (
        scope.evaluations()
        .exclude(score__isnull=True)
        .annotate(month=TruncMonth("call__started_at"), score_f=Cast("score", FloatField()))
        .values("call__agent__team__name", "month")
        .annotate(**_moments("score_f", "call__agent"))
        .order_by()
    )
    return _mean_series(rows, months, k, "call__agent__team__name", lambda row: row["call__agent__team__name"] or "")


def _score_by_criterion(scope: _Scope, months: list[dt.date], k: int) -> list[Series]:
    share = Cast("points", FloatField()) * 100.0 / Cast("criterion__max_points", FloatField())
    rows = (
        Answer.objects.filter(evaluation__in=scope.evaluations().values("pk"), not_applicable=False)
        .annotate(month=TruncMonth("evaluation__call__started_at"), share=share)
        .values("criterion_id", "criterion__text", "evaluation__scorecard_version__number", "month")
        .annotate(**_moments("share", "evaluation__call__agent"))
        .order_by()
    )
    return _mean_series(
        rows,
        months,
        k,
        "criterion_id",
        lambda row: f"{row['criterion__text']} (v{row['evaluation__scorecard_version__number']})",
    )


def _errors(scope: _Scope, months: list[dt.date], k: int, by: str, labels: dict[str, str]) -> list[Series]:
    rows = (
        scope.errors()
        .annotate(month=TruncMonth("observed_at"))
        .values_list(by, "month")
        .annotate(count=Count("pk"), agents=Count("agent", distinct=True))
        .order_by()
    )
    return _counts(((key or "", _month(m), c, a) for key, m, c, a in rows), months, k, labels)


def _error_rate(scope: _Scope, months: list[dt.date], k: int) -> Series:
    with_error = CriticalError.objects.filter(status=CriticalErrorStatus.ACTIVE).values("evaluation_id")
    rows = (
        scope.evaluations()
        .annotate(month=TruncMonth("call__started_at"))
        .values("month")
        .annotate(
            n=Count("pk"),
            hit=Count("pk", filter=Q(pk__in=with_error)),
            agents=Count("call__agent", distinct=True),
        )
        .order_by()
    )
    line = Series(key="rate", label="", cells={m: EMPTY for m in months})
    for row in rows:
        line.cells[_month(row["month"])] = _rate(row["hit"], row["n"]) if row["agents"] >= k else HIDDEN
    return line


def _appeals(scope: _Scope, months: list[dt.date], k: int) -> tuple[list[Series], Series]:
    decided = Appeal.objects.filter(
        scope.agents("agent__"),
        scope.calls("evaluation__call__"),
        decided_at__gte=scope.start,
        decided_at__lt=scope.end,
    ).exclude(status__in=(AppealStatus.SUBMITTED, AppealStatus.IN_REVIEW))
    rows = list(
        decided.annotate(month=TruncMonth("decided_at"))
        .values_list("status", "month")
        .annotate(count=Count("pk"), agents=Count("agent", distinct=True))
        .order_by()
    )
    outcomes = _counts(
        ((status, _month(m), c, a) for status, m, c, a in rows),
        months,
        k,
        {s.value: str(s.label) for s in AppealStatus},
    )
    per_month: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    for status, month, count, _agents in rows:
        if status in DECIDED:
            per_month[_month(month)][1] += count
            if status in OVERTURNED:
                per_month[_month(month)][0] += count
    agents_per_month = dict(
        decided.filter(status__in=DECIDED)
        .annotate(month=TruncMonth("decided_at"))
        .values_list("month")
        .annotate(agents=Count("agent", distinct=True))
        .order_by()
        .values_list("month", "agents")
    )
    agents = {_month(m): a for m, a in agents_per_month.items()}
    rate = Series(key="overturned", label="", cells={m: EMPTY for m in months})
    for month, (won, total) in per_month.items():
        if month in rate.cells:
            rate.cells[month] = _rate(won, total) if agents.get(month, 0) >= k else HIDDEN
    return outcomes, rate


def _coaching(scope: _Scope, months: list[dt.date], k: int, labels: dict[str, str]) -> list[Series]:
    opened = (
        CoachingPlan.objects.filter(scope.agents("agent__"), opened_at__gte=scope.start, opened_at__lt=scope.end)
        .annotate(month=TruncMonth("opened_at"))
        .values_list("month")
        .annotate(count=Count("pk"), agents=Count("agent", distinct=True))
        .order_by()
    )
    completed = (
        CoachingPlan.objects.filter(
            scope.agents("agent__"),
            status=CoachingStatus.COMPLETED,
            closed_at__gte=scope.start,
            closed_at__lt=scope.end,
        )
        .annotate(month=TruncMonth("closed_at"))
        .values_list("month")
        .annotate(count=Count("pk"), agents=Count("agent", distinct=True))
        .order_by()
    )
    sessions = (
        CoachingSession.objects.filter(
            scope.agents("plan__agent__"), held_on__gte=months[0], held_on__lt=scope.end.date()
        )
        .annotate(month=TruncMonth("held_on"))
        .values_list("month")
        .annotate(count=Count("pk"), agents=Count("plan__agent", distinct=True))
        .order_by()
    )
    rows = [("opened", _month(m), c, a) for m, c, a in opened]
    rows += [("sessions", _month(m), c, a) for m, c, a in sessions]
    rows += [("completed", _month(m), c, a) for m, c, a in completed]
    # Each line stands alone (no total across lines is shown), so only its own small cells are hidden.
    return [
        line
        for key in ("opened", "sessions", "completed")
        for line in _counts([r for r in rows if r[0] == key] or [(key, months[0], 0, 0)], months, k, labels)
    ]


def dashboard(
    *,
    viewer: User,
    team: Team | None,
    months: int,
    labels: dict[str, dict[str, str]],
    channel: str = "",
    today: dt.date | None = None,
) -> Dashboard:
    """The figures for a supervisor's own team (``team`` must be theirs) or, for a QA lead, a team or all;
    of one channel or all (coaching is per person, whatever the channel)."""
    k = settings.SMALL_CELL_K
    axis = month_starts(months, today or timezone.localdate())
    scope = _Scope(team, axis, channel)
    appeals, overturn_rate = _appeals(scope, axis, k)
    return Dashboard(
        k=k,
        months=axis,
        scope=team.name if team is not None else "",
        score_by_team=_score_by_team(scope, axis, k),
        score_by_criterion=_score_by_criterion(scope, axis, k),
        errors_by_type=_errors(scope, axis, k, "type__code", labels["types"]),
        errors_by_cause=_errors(scope, axis, k, "root_cause__code", labels["causes"]),
        error_rate=_error_rate(scope, axis, k),
        appeals=appeals,
        appeal_overturn_rate=overturn_rate,
        coaching=_coaching(scope, axis, k, labels["coaching"]),
    )


def dashboard_labels(coaching: dict[str, str], not_recorded: str) -> dict[str, dict[str, str]]:
    """Names in the reader's language for the codes the dashboard groups by."""
    from django.utils.translation import get_language

    from reviews.models import CriticalErrorType, RootCause

    dutch = get_language() == "nl"
    types = {t.code: (t.label_nl if dutch else t.label_en) or t.label_en for t in CriticalErrorType.objects.all()}
    causes = {
        c.code: (c.label_nl if dutch else c.label_en) or c.label_en
        for c in RootCause.objects.order_by("code", "version")  # the newest version names the code
    }
    return {"types": types, "causes": {**causes, "": not_recorded}, "coaching": coaching}
