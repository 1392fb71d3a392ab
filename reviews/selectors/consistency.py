"""Reviewer consistency: is a reviewer's judgement in line with their peers' and with calibration?

The critical-error rate is the share of a reviewer's evaluations with at least one critical
error (a proportion, so a Wilson interval applies), shown per 100 evaluations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _

from accounts.models import Role, User
from reviews.domain.agreement import WilsonInterval, disjoint, wilson_interval
from reviews.models import (
    AppealItem,
    CalibrationParticipant,
    CalibrationStatus,
    ConfirmationTask,
    CriticalError,
    Evaluation,
)
from reviews.selectors.thresholds import COUNTING_EVALUATION_STATUSES


@dataclass(frozen=True)
class CalibrationPoint:
    session_id: int
    closed_at: dt.datetime
    alpha_points: float | None
    deviation: float | None


@dataclass
class ReviewerConsistency:
    reviewer: User
    evaluations: int = 0
    mean_score: float | None = None
    with_critical_errors: int = 0
    rate_per_100: float | None = None
    interval: WilsonInterval | None = None
    peers_rate_per_100: float | None = None
    peers_interval: WilsonInterval | None = None
    rate_outside_peers: bool = False
    # Fewer evaluations (theirs or their peers') than CONSISTENCY_MIN_EVALUATIONS: no comparison, no flag.
    too_few_to_judge: bool = False
    calibrations: list[CalibrationPoint] = field(default_factory=list)
    appeal_items_decided: int = 0
    appeal_items_overturned: int = 0
    overturn_rate: float | None = None
    # Second opinions on this reviewer's errors: how many were given, and in how many the second
    # reviewer heard the error too.
    second_opinions: int = 0
    second_opinions_agreed: int = 0
    agreement_rate: float | None = None
    flagged: bool = False
    flag_reasons: list[str] = field(default_factory=list)


def _per_100(successes: int, trials: int) -> float | None:
    return round(100 * successes / trials, 1) if trials else None


def reviewer_consistency(*, start: dt.datetime, end: dt.datetime) -> list[ReviewerConsistency]:
    """Every supervisor and QA lead's consistency over [start, end), in a fixed number of queries."""
    reviewers = list(User.objects.filter(role__in=[Role.SUPERVISOR, Role.QA_LEAD]).order_by("pk"))
    rows = {r.pk: ReviewerConsistency(reviewer=r) for r in reviewers}
    evaluations = Evaluation.objects.filter(
        calibration_session__isnull=True,
        previous_revision__isnull=True,
        status__in=COUNTING_EVALUATION_STATUSES,
        submitted_at__gte=start,
        submitted_at__lt=end,
        reviewer_id__in=rows,
    )
    for reviewer_id, n, mean in evaluations.values_list("reviewer_id").annotate(n=Count("pk"), mean=Avg("score")):
        rows[reviewer_id].evaluations = n
        rows[reviewer_id].mean_score = round(float(mean), 1) if mean is not None else None
    for reviewer_id, n in (
        CriticalError.objects.filter(evaluation__in=evaluations)
        .values_list("evaluation__reviewer_id")
        .annotate(n=Count("evaluation_id", distinct=True))
    ):
        rows[reviewer_id].with_critical_errors = n
    total_n = sum(r.evaluations for r in rows.values())
    total_errors = sum(r.with_critical_errors for r in rows.values())
    minimum = settings.CONSISTENCY_MIN_EVALUATIONS
    for row in rows.values():
        row.rate_per_100 = _per_100(row.with_critical_errors, row.evaluations)
        row.interval = wilson_interval(row.with_critical_errors, row.evaluations)
        peers_n, peers_errors = total_n - row.evaluations, total_errors - row.with_critical_errors
        row.peers_rate_per_100 = _per_100(peers_errors, peers_n)
        row.peers_interval = wilson_interval(peers_errors, peers_n)
        row.too_few_to_judge = row.evaluations < minimum or peers_n < minimum
        row.rate_outside_peers = not row.too_few_to_judge and disjoint(row.interval, row.peers_interval)

    for participant in (
        CalibrationParticipant.objects.filter(session__status=CalibrationStatus.CLOSED, reviewer_id__in=rows)
        .select_related("session")
        .order_by("session__closed_at", "session_id")
    ):
        session = participant.session
        results = session.results or {}
        assert session.closed_at is not None
        rows[participant.reviewer_id].calibrations.append(
            CalibrationPoint(
                session_id=session.pk,
                closed_at=session.closed_at,
                alpha_points=(results.get("alpha_points") or {}).get("value"),
                deviation=float(participant.deviation) if participant.deviation is not None else None,
            )
        )
    for reviewer_id, decided, overturned in (
        AppealItem.objects.filter(overturned__isnull=False, appeal__evaluation__reviewer_id__in=rows)
        .values_list("appeal__evaluation__reviewer_id")
        .annotate(decided=Count("pk"), overturned=Count("pk", filter=Q(overturned=True)))
    ):
        rows[reviewer_id].appeal_items_decided = decided
        rows[reviewer_id].appeal_items_overturned = overturned
        rows[reviewer_id].overturn_rate = round(overturned / decided, 3) if decided else None

    for reviewer_id, answered, agreed in (
        ConfirmationTask.objects.filter(first_reviewer_id__in=rows, answered_at__gte=start, answered_at__lt=end)
        .values_list("first_reviewer_id")
        .annotate(answered=Count("pk"), agreed=Count("pk", filter=Q(found=True)))
    ):
        rows[reviewer_id].second_opinions = answered
        rows[reviewer_id].second_opinions_agreed = agreed
        rows[reviewer_id].agreement_rate = round(agreed / answered, 3) if answered else None

    threshold = settings.CALIBRATION_DEVIATION_THRESHOLD
    for row in rows.values():
        latest = next((c for c in reversed(row.calibrations) if c.deviation is not None), None)
        recalibrated = latest is not None and latest.closed_at >= start and abs(latest.deviation or 0) <= threshold
        if latest is not None and latest.deviation is not None and abs(latest.deviation) > threshold:
            row.flag_reasons.append(
                _("latest calibration deviation %(deviation)s points exceeds %(threshold)s")
                % {"deviation": f"{latest.deviation:+.1f}", "threshold": f"{threshold:g}"}
            )
        if row.rate_outside_peers and not recalibrated:
            row.flag_reasons.append(_("critical-error rate interval lies wholly outside the peers' interval"))
        row.flagged = bool(row.flag_reasons)
    return list(rows.values())


def flagged_reviewer_ids(*, as_of: dt.datetime, period_days: int = 90) -> list[int]:
    return sorted(
        row.reviewer.pk
        for row in reviewer_consistency(start=as_of - dt.timedelta(days=period_days), end=as_of)
        if row.flagged
    )


def reviewer_consistency_for(user: User, *, start: dt.datetime, end: dt.datetime) -> list[ReviewerConsistency]:
    """The QA lead sees every reviewer's line; a supervisor only their own."""
    rows = reviewer_consistency(start=start, end=end)
    if user.role == Role.QA_LEAD:
        return rows
    return [row for row in rows if row.reviewer.pk == user.pk]
