"""Reads for imports, sampling and the fairness report. A fixed number of queries per report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import Role, User
from accounts.pseudonyms import pseudonym_for
from reviews.domain.periods import month_bounds
from reviews.domain.sampling import draw_size
from reviews.models import (
    Call,
    CallImport,
    CallImportReject,
    Evaluation,
    EvaluationStatus,
    MonthFigures,
    ReviewAssignment,
    RunStatus,
    SamplingPolicy,
    SamplingRun,
    Selection,
)
from reviews.selectors import Viewer, _known
from reviews.selectors.figures import figures_current


def call_imports_visible_to(user: Viewer) -> QuerySet[CallImport]:
    if _known(user) and user.role in (Role.QA_LEAD, Role.ADMIN):
        return CallImport.objects.all()
    return CallImport.objects.none()


def call_import_rejects(call_import: CallImport) -> QuerySet[CallImportReject]:
    return CallImportReject.objects.filter(call_import=call_import).order_by("line", "pk")


def sampling_policies_visible_to(user: Viewer) -> QuerySet[SamplingPolicy]:
    """The QA lead sets them; the works council reads them (sampling decides who gets reviewed)."""
    if _known(user) and user.role in (Role.QA_LEAD, Role.WORKS_COUNCIL):
        return SamplingPolicy.objects.all()
    return SamplingPolicy.objects.none()


def sampling_runs_visible_to(user: Viewer) -> QuerySet[SamplingRun]:
    if _known(user) and user.role in (Role.QA_LEAD, Role.WORKS_COUNCIL):
        return SamplingRun.objects.select_related("policy")
    return SamplingRun.objects.none()


def assignments_visible_to(user: Viewer) -> QuerySet[ReviewAssignment]:
    """The QA lead sees every assignment; a reviewer their own."""
    rows = ReviewAssignment.objects.select_related("run", "agent", "agent__team", "reviewer", "reviewer__team")
    rows = rows.annotate(
        evaluated=Exists(
            Evaluation.objects.filter(
                call_id=OuterRef("call_id"),
                reviewer_id=OuterRef("reviewer_id"),
                calibration_session__isnull=True,
                previous_revision__isnull=True,
            ).exclude(status=EvaluationStatus.DRAFT)
        )
    ).order_by("-run__period_start", "agent_id", "call_id")
    if not _known(user):
        return rows.none()
    if user.role == Role.QA_LEAD:
        return rows
    if user.role == Role.SUPERVISOR:
        return rows.filter(reviewer=user)
    return rows.none()


@dataclass
class FairnessRow:
    agent: str
    team: str | None
    employment_type: str
    calls_handled: int = 0
    calls_eligible: int = 0
    expected: int = 0
    sampled: int = 0
    targeted: int = 0
    evaluations_done: int = 0
    deviation: int = 0
    flags: list[str] = field(default_factory=list)


@dataclass
class FairnessReport:
    policy: SamplingPolicy
    period: str
    runs: list[SamplingRun]
    rows: list[FairnessRow]

    @property
    def flagged(self) -> int:
        return sum(1 for row in self.rows if row.flags)


def _counts(rows: Iterable[Any], key: str) -> dict[int, int]:
    return {row[key]: row["n"] for row in rows}


def sampling_fairness(*, policy: SamplingPolicy, period: str, pseudonymous: bool) -> FairnessReport:
    """Per agent: calls handled, eligible under the policy, expected draw, sampled, targeted, evaluated.

    Flags: ``over_sampled`` (more sampled calls than the policy draws), ``over_cap`` (sampled and
    targeted together above the per-agent cap), ``under_sampled`` (fewer than the policy should
    have drawn), ``not_drawn`` (calls, but no succeeded run for the period). Five queries; callers run
    ``reviews.services.figures.figures_refresh`` first.
    """
    start_day, end_day = month_bounds(period)
    start = timezone.make_aware(dt.datetime.combine(start_day, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(end_day, dt.time.min))
    runs = list(SamplingRun.objects.filter(policy=policy, period_start=start_day).order_by("pk"))
    succeeded = [run for run in runs if run.status == RunStatus.SUCCEEDED]
    # The policy as the run recorded it; the current policy when nothing ran yet.
    params = (
        succeeded[-1].parameters
        if succeeded
        else {
            "calls_per_agent": policy.calls_per_agent,
            "per_agent_cap": policy.per_agent_cap,
            "channels": policy.channels,
            "min_handle_seconds": policy.min_handle_seconds,
            "max_handle_seconds": policy.max_handle_seconds,
        }
    )
    in_period = Call.objects.filter(started_at__gte=start, started_at__lt=end)
    eligible_q = Q(handle_time_seconds__gte=params["min_handle_seconds"])
    if params["channels"]:
        eligible_q &= Q(channel__in=params["channels"])
    if params["max_handle_seconds"] is not None:
        eligible_q &= Q(handle_time_seconds__lte=params["max_handle_seconds"])
    # Calls another policy's run drew were not available to this one.
    eligible_q &= Q(assignment__isnull=True) | Q(assignment__run__policy=policy)
    handled: dict[int, int] = {}
    eligible: dict[int, int] = {}
    for agent_id, n, available in (
        in_period.order_by().values_list("agent_id").annotate(n=Count("pk"), available=Count("pk", filter=eligible_q))
    ):
        handled[agent_id] = n
        if available:
            eligible[agent_id] = available
    sampled = _counts(
        ReviewAssignment.objects.filter(run__in=succeeded).values("agent_id").annotate(n=Count("pk")), "agent_id"
    )
    # From the per-month figures where they are up to date (callers run ``figures_refresh`` first).
    if figures_current():
        targeted, done = evaluation_counts_from_figures(start_day)
    else:
        targeted, done = evaluation_counts_from_rows(start_day, end_day)
    agent_ids = set(handled) | set(sampled) | set(targeted)
    agents = (
        User.objects.filter(pk__in=agent_ids)
        .order_by("username")
        .values_list("pk", "username", "team__name", "employment_type", "role", "is_active")
    )
    rows = []
    for pk, username, team, employment_type, role, is_active in agents:
        row = FairnessRow(
            agent=pseudonym_for(pk) if pseudonymous else username,
            # A pseudonym with team and contract type could point at one person.
            team=None if pseudonymous else team,
            employment_type="" if pseudonymous else employment_type,
            calls_handled=handled.get(pk, 0),
            calls_eligible=eligible.get(pk, 0),
            sampled=sampled.get(pk, 0),
            targeted=targeted.get(pk, 0),
            evaluations_done=done.get(pk, 0),
        )
        if role == Role.AGENT and is_active:
            row.expected = draw_size(
                calls_per_agent=params["calls_per_agent"],
                per_agent_cap=params["per_agent_cap"],
                targeted=row.targeted,
                eligible=row.calls_eligible,
            )
        row.deviation = row.sampled - row.expected
        if not succeeded and row.calls_eligible:
            row.flags.append("not_drawn")
        if row.sampled > params["calls_per_agent"]:
            row.flags.append("over_sampled")
        if row.sampled + row.targeted > params["per_agent_cap"]:
            row.flags.append("over_cap")
        if succeeded and row.sampled < row.expected:
            row.flags.append("under_sampled")
        rows.append(row)
    if pseudonymous:
        rows.sort(key=lambda r: r.agent)
    return FairnessReport(policy=policy, period=period, runs=runs, rows=rows)


def evaluation_counts_from_figures(month: dt.date) -> tuple[dict[int, int], dict[int, int]]:
    """Per agent: first evaluations of the month's calls that were targeted, and those past draft (figures)."""
    rows = (
        MonthFigures.objects.filter(month=month).values_list("agent_id").annotate(t=Sum("targeted"), d=Sum("reviewed"))
    )
    return _nonzero(rows)


def evaluation_counts_from_rows(start_day: dt.date, end_day: dt.date) -> tuple[dict[int, int], dict[int, int]]:
    """The same, from the evaluations joined to their calls."""
    start = timezone.make_aware(dt.datetime.combine(start_day, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(end_day, dt.time.min))
    rows = (
        Evaluation.objects.filter(
            previous_revision__isnull=True,
            calibration_session__isnull=True,
            call__started_at__gte=start,
            call__started_at__lt=end,
        )
        .order_by()
        .values_list("call__agent_id")
        .annotate(
            t=Count("pk", filter=Q(selection=Selection.TARGETED)),
            d=Count("pk", filter=~Q(status=EvaluationStatus.DRAFT)),
        )
    )
    return _nonzero(rows)


def _nonzero(rows: Iterable[tuple[int, int, int]]) -> tuple[dict[int, int], dict[int, int]]:
    rows = list(rows)
    targeted = {agent_id: n for agent_id, n, _done in rows if n}
    done = {agent_id: n for agent_id, _targeted, n in rows if n}
    return targeted, done
