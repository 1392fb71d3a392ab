"""The works council's pressure indicators: critical-error rates by handle-time band, the share of errors
put down to time pressure, and the share of unreported signals over time.

Two ways to count, with the same answer (``tests/integration/test_month_figures.py``): from the per-month
figures (``reviews.models.figures``; PostgreSQL, a window of whole months, after ``figures_refresh``),
or from the raw rows (elsewhere, and for windows that do not start and end on a month).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, Sum, Value, When
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils import timezone

from reviews.domain.periods import period_label
from reviews.models import (
    CriticalError,
    CriticalErrorType,
    ErrorMonthFigures,
    Evaluation,
    MonthFigures,
    RootCause,
)
from reviews.selectors.council_causes import TIME_PRESSURE, time_pressure_by_band
from reviews.selectors.figures import HANDLE_TIME_BANDS, figures_current
from reviews.selectors.thresholds import COUNTING_EVALUATION_STATUSES

UNREPORTED_SIGNAL = "UNREPORTED_SIGNAL"


@dataclass
class Counts:
    """What the indicators are made of, before small cells are hidden."""

    # band label -> evaluations, agents, with_errors
    bands: dict[str, dict[str, int]] = field(default_factory=dict)
    # band label -> errors, time_pressure, agents
    causes: dict[str, dict[str, int]] = field(default_factory=dict)
    # period label -> error type code -> errors
    over_time: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    agents_per_bucket: dict[str, int] = field(default_factory=dict)
    months_with_agents: list[tuple[dt.date, int]] = field(default_factory=list)  # (a month, its agents)


def pressure_indicators(*, start: dt.datetime, end: dt.datetime, period: str = "month") -> dict[str, Any]:
    """Critical-error rates by handle-time band, and the share of unreported signals over time.

    From the per-month figures where they are kept, up to date and the window is whole months (callers
    run ``reviews.services.figures.figures_refresh`` first); else from the raw rows.
    """
    months = _whole_months(start, end)
    if months and figures_current():
        return _shown(counts_from_figures(months, period), period)
    counts = counts_from_rows(start, end, period)
    return _shown(counts, period)


def _whole_months(start: dt.datetime, end: dt.datetime) -> tuple[dt.date, dt.date] | None:
    first, after = timezone.localtime(start), timezone.localtime(end)
    midnight = dt.time.min
    if first.day != 1 or after.day != 1 or first.time() != midnight or after.time() != midnight:
        return None
    return first.date(), after.date()


def counts_from_rows(start: dt.datetime, end: dt.datetime, period: str) -> Counts:
    """One pass over the window's evaluations, one per band for causes, two over its errors."""
    counts = Counts()
    evaluations = Evaluation.objects.filter(
        calibration_session__isnull=True,
        previous_revision__isnull=True,
        status__in=COUNTING_EVALUATION_STATUSES,
        call__started_at__gte=start,
        call__started_at__lt=end,
    )
    band_of = Case(
        *[
            When(call__handle_time_seconds__gte=low, call__handle_time_seconds__lt=high, then=Value(label))
            for label, low, high in HANDLE_TIME_BANDS
        ],
        output_field=CharField(),
    )
    # EXISTS, not a join that would repeat an evaluation per error and need DISTINCT counts.
    has_error = Exists(CriticalError.objects.filter(evaluation=OuterRef("pk"), status="active"))
    for row in (
        evaluations.annotate(band=band_of, has_error=has_error)
        .order_by()
        .values("band")
        .annotate(
            evaluations=Count("pk"),
            agents=Count("call__agent_id", distinct=True),
            with_errors=Count("pk", filter=Q(has_error=True)),
        )
    ):
        counts.bands[row["band"]] = {k: row[k] for k in ("evaluations", "agents", "with_errors")}
    counts.causes = time_pressure_by_band(start=start, end=end, bands=HANDLE_TIME_BANDS)
    errors = CriticalError.objects.filter(
        evaluation__in=evaluations, status="active", observed_at__gte=start, observed_at__lt=end
    )
    _over_time(counts, errors, period)
    return counts


def counts_from_figures(months: tuple[dt.date, dt.date], period: str) -> Counts:
    """The same counts from the per-month figures: a few thousand rows instead of the window's raw rows."""
    first, after = months
    counts = Counts()
    labels = [label for label, _low, _high in HANDLE_TIME_BANDS]
    for band, evaluations, agents, with_errors in (
        MonthFigures.objects.filter(month__gte=first, month__lt=after, evaluations__gt=0)
        .order_by()
        .values_list("band")
        .annotate(n=Sum("evaluations"), agents=Count("agent_id", distinct=True), errors=Sum("with_errors"))
    ):
        counts.bands[labels[band]] = {"evaluations": evaluations, "agents": agents, "with_errors": with_errors}
    pressure_causes = list(RootCause.objects.filter(code=TIME_PRESSURE).values_list("pk", flat=True))
    observed = ErrorMonthFigures.objects.filter(observed_month__gte=first, observed_month__lt=after).order_by()
    for label in labels:
        counts.causes[label] = {"errors": 0, "time_pressure": 0, "agents": 0}
    for band, errors, pressure, agents in observed.values_list("band").annotate(
        n=Sum("errors"),
        pressure=Sum("errors", filter=Q(root_cause_id__in=pressure_causes)),
        agents=Count("agent_id", distinct=True),
    ):
        counts.causes[labels[band]] = {"errors": errors, "time_pressure": pressure or 0, "agents": agents}
    # Errors of the window's evaluations (calls in the window) observed in the window.
    of_window = observed.filter(call_month__gte=first, call_month__lt=after)
    codes = dict(CriticalErrorType.objects.values_list("pk", "code"))
    for month, type_id, n in of_window.values_list("observed_month", "type_id").annotate(n=Sum("errors")):
        counts.over_time[period_label(month, period)][codes[type_id]] += n
    for month, n in of_window.values_list("observed_month").annotate(n=Count("agent_id", distinct=True)):
        if period == "month":
            counts.agents_per_bucket[period_label(month, period)] = n
        else:
            counts.months_with_agents.append((month, n))
    if period == "quarter":
        quarters = of_window.annotate(bucket=TruncQuarter("observed_month")).values_list("bucket")
        for quarter, n in quarters.annotate(n=Count("agent_id", distinct=True)):
            counts.agents_per_bucket[period_label(quarter, period)] = n
    return counts


def _over_time(counts: Counts, errors: Any, period: str) -> None:
    """From the raw rows: errors per period and type, and the distinct agents per period and per month."""
    trunc = TruncQuarter("observed_at") if period == "quarter" else TruncMonth("observed_at")
    for bucket, code, n in errors.annotate(bucket=trunc).values_list("bucket", "type__code").annotate(n=Count("pk")):
        counts.over_time[period_label(bucket, period)][code] += n
    for bucket, n in errors.annotate(bucket=trunc).values_list("bucket").annotate(n=Count("agent_id", distinct=True)):
        counts.agents_per_bucket[period_label(bucket, period)] = n
    if period == "quarter":
        months = errors.annotate(bucket=TruncMonth("observed_at")).values_list("bucket")
        for month, n in months.annotate(n=Count("agent_id", distinct=True)):
            counts.months_with_agents.append((month, n))


def _shown(counts: Counts, period: str) -> dict[str, Any]:
    """The indicators with every figure of fewer than k agents hidden."""
    k = settings.SMALL_CELL_K
    bands = []
    for label, _low, _high in HANDLE_TIME_BANDS:
        figures = counts.bands.get(label, {"evaluations": 0, "agents": 0, "with_errors": 0})
        enough = figures["agents"] >= k
        # Of the band's errors, how many reviewers put down to time pressure (errors of k agents or more).
        band_errors = counts.causes.get(label, {"errors": 0, "time_pressure": 0, "agents": 0})
        pressure_known = enough and band_errors["agents"] >= k and band_errors["errors"]
        bands.append(
            {
                "band": label,
                "agents": figures["agents"] if enough else None,
                "evaluations": figures["evaluations"] if enough else None,
                "critical_error_rate": round(figures["with_errors"] / figures["evaluations"], 3)
                if enough and figures["evaluations"]
                else None,
                "time_pressure_share": (
                    round(band_errors["time_pressure"] / band_errors["errors"], 3) if pressure_known else None
                ),
            }
        )
    # A quarter shows only where each of its months does (else it minus the others gives the hidden one).
    hidden_quarters = {period_label(month, "quarter") for month, n in counts.months_with_agents if n < k}
    signals = []
    for label in sorted(counts.over_time):
        total = sum(counts.over_time[label].values())
        enough = counts.agents_per_bucket.get(label, 0) >= k and label not in hidden_quarters
        signals.append(
            {
                "period": label,
                "critical_errors": total if enough else None,
                "unreported_signal_share": round(counts.over_time[label][UNREPORTED_SIGNAL] / total, 3)
                if enough
                else None,
            }
        )
    return {"k": k, "handle_time_bands": bands, "unreported_signal_share": signals}
