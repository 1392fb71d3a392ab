"""Sampling policies and runs: which calls get reviewed, drawn fairly, and by whom.

A run draws each agent's calls uniformly at random within the policy, with a seed it
records, so the same run can be reproduced exactly; it assigns the drawn calls to
reviewers with balanced load, never to the agent's own supervisor when the policy
says so. The run writes everything in one transaction: a month is drawn whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections import defaultdict
from itertools import groupby
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from reviews.domain.errors import Conflict, DomainError, InvalidTransition
from reviews.domain.periods import month_bounds, previous_month
from reviews.domain.sampling import Draw, NoReviewer, assign_reviewers, draw_calls, draw_size
from reviews.models import (
    AuditAction,
    Call,
    Channel,
    Evaluation,
    ReviewAssignment,
    RunStatus,
    RunTrigger,
    SamplingPolicy,
    SamplingRun,
    Selection,
)
from reviews.selectors.work import active_reviewers
from reviews.services.audit import audit_record
from reviews.services.permissions import require_qa_lead
from reviews.services.runs import background_run_fail

logger = logging.getLogger(__name__)

POLICY_FIELDS = (
    "name",
    "calls_per_agent",
    "channels",
    "min_handle_seconds",
    "max_handle_seconds",
    "per_agent_cap",
    "seed",
    "exclude_own_supervisor",
    "is_active",
)
PROGRESS_EVERY = 500  # agents between progress updates


def _check_policy(policy: SamplingPolicy) -> None:
    errors: dict[str, list[str]] = {}
    if not policy.name.strip():
        errors["name"] = [_("Give the policy a name.")]
    if not 1 <= policy.calls_per_agent <= 100:
        errors["calls_per_agent"] = [_("Between 1 and 100.")]
    if not 1 <= policy.per_agent_cap <= 100:
        errors["per_agent_cap"] = [_("Between 1 and 100.")]
    elif policy.per_agent_cap < policy.calls_per_agent:
        errors["per_agent_cap"] = [_("The cap must be at least the number of calls drawn per agent.")]
    unknown = [c for c in policy.channels if c not in Channel.values]
    if not isinstance(policy.channels, list) or unknown:
        errors["channels"] = [_("Choose from %(values)s.") % {"values": ", ".join(Channel.values)}]
    if policy.max_handle_seconds is not None and policy.max_handle_seconds < policy.min_handle_seconds:
        errors["max_handle_seconds"] = [_("Must be at least the minimum call length.")]
    if errors:
        raise DomainError(_("The sampling policy is not valid."), fields=errors)


def _snapshot(policy: SamplingPolicy) -> dict[str, Any]:
    return {name: getattr(policy, name) for name in POLICY_FIELDS}


@transaction.atomic
def sampling_policy_create(*, acting_user: User, seed: int | None = None, **fields: Any) -> SamplingPolicy:
    """A new policy. Without a seed one is chosen at random (and recorded, like every parameter)."""
    require_qa_lead(acting_user, to=_("sets sampling policies"))
    policy = SamplingPolicy(
        created_by=acting_user, seed=seed if seed is not None else secrets.randbelow(2**53), **fields
    )
    policy.channels = sorted(set(policy.channels or []))
    _check_policy(policy)
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError as exc:
        raise Conflict(_("A sampling policy with this name exists."), fields={"name": [_("Already in use.")]}) from exc
    audit_record(actor=acting_user, action=AuditAction.SAMPLING_POLICY_CREATED, obj=policy, data=_snapshot(policy))
    return policy


@transaction.atomic
def sampling_policy_update(*, policy: SamplingPolicy, acting_user: User, **changes: Any) -> SamplingPolicy:
    """Change a policy. Runs already made keep the parameters they recorded."""
    require_qa_lead(acting_user, to=_("changes sampling policies"))
    policy = SamplingPolicy.objects.select_for_update().get(pk=policy.pk)
    before = _snapshot(policy)
    for name, value in changes.items():
        if name not in POLICY_FIELDS:
            raise DomainError(
                _("%(field)s cannot be changed.") % {"field": name}, fields={name: [_("Not changeable.")]}
            )
        setattr(policy, name, sorted(set(value)) if name == "channels" else value)
    _check_policy(policy)
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError as exc:
        raise Conflict(_("A sampling policy with this name exists."), fields={"name": [_("Already in use.")]}) from exc
    after = _snapshot(policy)
    audit_record(
        actor=acting_user,
        action=AuditAction.SAMPLING_POLICY_CHANGED,
        obj=policy,
        data={name: {"from": before[name], "to": after[name]} for name in POLICY_FIELDS if before[name] != after[name]},
    )
    return policy


@transaction.atomic
def sampling_run_create(
    *, policy: SamplingPolicy, period: str, trigger: str, acting_user: User | None, enqueue: bool = True
) -> SamplingRun:
    """Queue the draw of one finished month under a policy. A month is drawn once per policy."""
    require_qa_lead(acting_user, to=_("starts sampling runs"))
    try:
        start, end = month_bounds(period)
    except ValueError as exc:
        raise DomainError(str(exc), fields={"period": [_("Write the month as YYYY-MM.")]}) from exc
    if end > timezone.localdate():
        raise DomainError(
            _("Only a month that is over can be drawn, so every call of it has a fair chance."),
            fields={"period": [_("This month has not ended yet.")]},
        )
    if not policy.is_active:
        raise InvalidTransition(_("This policy is switched off."), code="policy_inactive")
    parameters = _snapshot(policy)
    try:
        with transaction.atomic():
            run = SamplingRun.objects.create(
                policy=policy,
                period_start=start,
                period_end=end,
                seed=policy.seed,
                parameters=parameters,
                trigger=trigger,
                created_by=acting_user,
            )
    except IntegrityError as exc:
        existing = SamplingRun.objects.filter(policy=policy, period_start=start).exclude(status=RunStatus.FAILED)
        raise Conflict(
            f"{period} was already drawn under this policy (run {existing.values_list('pk', flat=True).first()}).",
            code="already_drawn",
        ) from exc
    audit_record(
        actor=acting_user,
        action=AuditAction.SAMPLING_RUN_QUEUED,
        obj=run,
        data={"period": period, "seed": run.seed, "parameters": parameters, "trigger": trigger},
    )
    if enqueue:
        from reviews.tasks import sampling_run_execute

        transaction.on_commit(lambda: sampling_run_execute.delay(run.pk))
    return run


def sampling_runs_for_last_month(*, today: dt.date | None = None) -> list[SamplingRun]:
    """Beat: draw last month under every active policy that has not drawn it yet."""
    period = previous_month(today or timezone.localdate())
    start, _ = month_bounds(period)
    runs = []
    for policy in SamplingPolicy.objects.filter(is_active=True).exclude(
        runs__period_start=start, runs__status__in=[RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.SUCCEEDED]
    ):
        runs.append(sampling_run_create(policy=policy, period=period, trigger=RunTrigger.SCHEDULE, acting_user=None))
    return runs


def _local_bounds(run: SamplingRun) -> tuple[dt.datetime, dt.datetime]:
    def midnight(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

    return midnight(run.period_start), midnight(run.period_end)


def eligible_calls(run: SamplingRun) -> Any:
    """The calls a run may draw: in its month, of active agents, within the policy's channels and lengths."""
    parameters = run.parameters
    start, end = _local_bounds(run)
    calls = Call.objects.filter(
        started_at__gte=start,
        started_at__lt=end,
        agent__role=Role.AGENT,
        agent__is_active=True,
        handle_time_seconds__gte=parameters["min_handle_seconds"],
        assignment__isnull=True,
    )
    if parameters["channels"]:
        calls = calls.filter(channel__in=parameters["channels"])
    if parameters["max_handle_seconds"] is not None:
        calls = calls.filter(handle_time_seconds__lte=parameters["max_handle_seconds"])
    return calls


def targeted_counts(start: dt.datetime, end: dt.datetime) -> dict[int, int]:
    """Targeted reviews per agent of calls in the period (they use up part of the per-agent cap)."""
    rows = (
        Evaluation.objects.filter(
            selection=Selection.TARGETED,
            previous_revision__isnull=True,
            calibration_session__isnull=True,
            call__started_at__gte=start,
            call__started_at__lt=end,
        )
        .values("call__agent_id")
        .annotate(n=Count("pk"))
    )
    return {row["call__agent_id"]: row["n"] for row in rows}


def excluded_reviewers(exclude_own_supervisor: bool) -> dict[int, frozenset[int]]:
    """Per agent: the supervisors of their own team (when the policy keeps them apart)."""
    if not exclude_own_supervisor:
        return {}
    supervisors_by_team: dict[int, set[int]] = defaultdict(set)
    for pk, team_id in User.objects.filter(role=Role.SUPERVISOR, team__isnull=False).values_list("pk", "team_id"):
        supervisors_by_team[team_id].add(pk)
    return {
        agent_id: frozenset(supervisors_by_team.get(team_id, ()))
        for agent_id, team_id in User.objects.filter(role=Role.AGENT).values_list("pk", "team_id")
        if team_id is not None
    }


def _claim(run_id: int) -> SamplingRun | None:
    with transaction.atomic():
        run = SamplingRun.objects.select_for_update().get(pk=run_id)
        if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
            return None
        run.status = RunStatus.RUNNING
        run.started_at = timezone.now()
        run.processed_agents = 0
        run.save(update_fields=["status", "started_at", "processed_agents"])
        return run


def sampling_run_fail(*, run_id: int, error: str) -> None:
    """The worker gave up on a draw: the run says so (a failed month may be drawn again)."""
    background_run_fail(run_model=SamplingRun, run_id=run_id, error=error, action=AuditAction.SAMPLING_RUN_FAILED)


def sampling_run_execute(*, run_id: int) -> SamplingRun:
    """Draw and assign. Reads first (with progress), then writes the whole draw in one transaction."""
    run = _claim(run_id)
    if run is None:
        return SamplingRun.objects.get(pk=run_id)
    parameters = run.parameters
    period = f"{run.period_start:%Y-%m}"
    start, end = _local_bounds(run)
    targeted = targeted_counts(start, end)
    agents_with_calls = eligible_calls(run).values("agent_id").distinct().count()
    SamplingRun.objects.filter(pk=run.pk).update(total_agents=agents_with_calls)
    draws: list[Draw] = []
    processed = 0
    rows = eligible_calls(run).order_by("agent_id", "pk").values_list("agent_id", "pk")
    for agent_id, group in groupby(rows.iterator(chunk_size=20_000), key=lambda row: row[0]):
        call_ids = [pk for _, pk in group]
        k = draw_size(
            calls_per_agent=parameters["calls_per_agent"],
            per_agent_cap=parameters["per_agent_cap"],
            targeted=targeted.get(agent_id, 0),
            eligible=len(call_ids),
        )
        draws.extend(
            Draw(agent_id=agent_id, call_id=call_id)
            for call_id in draw_calls(seed=run.seed, period=period, agent_id=agent_id, eligible_call_ids=call_ids, k=k)
        )
        processed += 1
        if processed % PROGRESS_EVERY == 0:
            SamplingRun.objects.filter(pk=run.pk).update(processed_agents=processed)
    reviewers = list(active_reviewers().values_list("pk", flat=True))
    try:
        assignment = assign_reviewers(
            draws,
            reviewer_ids=reviewers,
            excluded=excluded_reviewers(parameters["exclude_own_supervisor"]),
            seed=run.seed,
        )
    except NoReviewer as exc:
        sampling_run_fail(run_id=run.pk, error=str(exc))
        return SamplingRun.objects.get(pk=run.pk)
    with transaction.atomic():
        run = SamplingRun.objects.select_for_update().get(pk=run.pk)
        ReviewAssignment.objects.bulk_create(
            [
                ReviewAssignment(run=run, call_id=d.call_id, agent_id=d.agent_id, reviewer_id=assignment[d.call_id])
                for d in draws
            ],
            batch_size=5000,
        )
        run.status = RunStatus.SUCCEEDED
        run.processed_agents = processed
        run.total_agents = processed
        run.calls_sampled = len(draws)
        run.finished_at = timezone.now()
        run.save()
        loads: dict[int, int] = defaultdict(int)
        for reviewer_id in assignment.values():
            loads[reviewer_id] += 1
        audit_record(
            actor=None,
            action=AuditAction.SAMPLING_RUN_FINISHED,
            obj=run,
            data={
                "period": period,
                "seed": run.seed,
                "agents": processed,
                "calls_sampled": len(draws),
                "reviewers": len(loads),
                "max_load": max(loads.values(), default=0),
                "min_load": min(loads.values(), default=0),
            },
        )
    logger.info("Sampling run %s drew %s calls of %s agents", run.pk, len(draws), processed)
    return run
