"""The batch: scoring runs split into chunks, each processed once, whatever the broker does.

A chunk is claimed under a row lock and marked done in the same transaction as
everything it writes, so a redelivered or duplicated chunk task finds it done
and changes nothing. AgentScores are upserts; alerts are unique per (agent,
rule) while open. The batch only opens alerts: people decide them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from reviews.domain.errors import DomainError, NotPermitted
from reviews.domain.periods import month_start
from reviews.domain.thresholds import RuleSpec, evaluate_rule
from reviews.models import (
    AgentScore,
    AuditAction,
    ChunkStatus,
    CriticalError,
    Evaluation,
    RunStatus,
    ScoringChunk,
    ScoringRun,
)
from reviews.selectors.consistency import flagged_reviewer_ids
from reviews.selectors.scoring_changes import agents_changed_since, audit_head, incremental_basis, scoring_fingerprint
from reviews.selectors.thresholds import (
    COUNTING_EVALUATION_STATUSES,
    CandidateError,
    agent_profiles,
    candidate_errors,
    counting_from,
    decided_evidence,
    facts_for_rule,
    firing_rule_versions,
    in_rule_scope,
)
from reviews.services.alerts import RuleFirings, alerts_open_or_extend
from reviews.services.audit import PendingEvent, audit_record, audit_record_many
from reviews.services.runs import background_run_fail

ONE_DECIMAL = Decimal("0.1")


@transaction.atomic
def scoring_run_create(
    *,
    trigger: str,
    acting_user: User | None,
    as_of: dt.datetime | None = None,
    chunk_size: int | None = None,
    enqueue: bool = True,
    full: bool = False,
) -> ScoringRun:
    """Queue a run. Its work starts after commit, in Celery (in-process when no broker is configured).

    ``enqueue=False`` leaves the run queued for a caller that processes it inline. ``full`` scores
    every agent; otherwise a run after a succeeded one under the same rules scores only the agents
    something was recorded about since (``reviews.selectors.scoring_changes``).
    """
    if acting_user is not None and acting_user.role != Role.QA_LEAD:
        raise NotPermitted(_("Only a QA lead starts scoring runs."), code="role_not_allowed")
    now = timezone.now()
    as_of = as_of or now
    if as_of > now + dt.timedelta(minutes=5):
        raise DomainError(_("A run cannot look into the future."), fields={"as_of": [_("Must not be in the future.")]})
    size = chunk_size or settings.SCORING_CHUNK_SIZE
    if size < 1:
        raise DomainError(_("Chunks hold at least one agent."), fields={"chunk_size": [_("At least 1.")]})
    run = ScoringRun.objects.create(as_of=as_of, trigger=trigger, chunk_size=size, created_by=acting_user, full=full)
    audit_record(
        actor=acting_user,
        action=AuditAction.SCORING_RUN_QUEUED,
        obj=run,
        data={
            "as_of": as_of.isoformat(),
            "trigger": trigger,
            "chunk_size": size,
            "full": full,
        },
    )
    if enqueue:
        from reviews.tasks import scoring_run_start

        transaction.on_commit(lambda: scoring_run_start.delay(run.pk))
    return run


@transaction.atomic
def scoring_run_plan(*, run_id: int) -> list[int]:
    """Split the run's agents into chunks (once) and return the chunks still to do."""
    run = ScoringRun.objects.select_for_update().get(pk=run_id)
    if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
        return []
    if run.status == RunStatus.QUEUED:
        head = audit_head()  # read first: whatever is recorded later is scored now or by the next run
        agent_ids = list(
            User.objects.filter(role=Role.AGENT, is_active=True).order_by("pk").values_list("pk", flat=True)
        )
        versions = firing_rule_versions(run.as_of)
        if any(v.exclude_flagged_reviewers for v in versions):
            # Decided once per run, so every chunk applies the same exclusion (to the rule versions whose
            # consented terms ask for it); visible on the run.
            run.excluded_reviewer_ids = flagged_reviewer_ids(as_of=run.as_of)
        run.fingerprint = scoring_fingerprint(
            as_of=run.as_of, versions=versions, excluded_reviewer_ids=run.excluded_reviewer_ids
        )
        run.audit_sequence = head
        basis = None if run.full else incremental_basis(fingerprint=run.fingerprint, as_of=run.as_of)
        changed = None
        if basis is not None:
            changed = agents_changed_since(basis=basis, as_of=run.as_of)
            agent_ids = [pk for pk in agent_ids if pk in changed.scores or pk in changed.rules]
            run.incremental_since = basis.audit_sequence
        chunks = []
        for index, start in enumerate(range(0, len(agent_ids), run.chunk_size)):
            among = agent_ids[start : start + run.chunk_size]
            rules_for = None if changed is None else [pk for pk in among if pk in changed.rules]
            chunks.append(ScoringChunk(run=run, index=index, agent_ids=among, rule_agent_ids=rules_for))
        ScoringChunk.objects.bulk_create(chunks, ignore_conflicts=True)
        run.status = RunStatus.RUNNING
        run.started_at = run.heartbeat_at = timezone.now()
        run.total_agents = len(agent_ids)
        run.total_chunks = len(chunks)
        run.save(
            update_fields=[
                "status",
                "started_at",
                "heartbeat_at",
                "total_agents",
                "total_chunks",
                "excluded_reviewer_ids",
                "fingerprint",
                "audit_sequence",
                "incremental_since",
            ]
        )
        audit_record(
            actor=None,
            action=AuditAction.SCORING_RUN_STARTED,
            obj=run,
            data={
                "agents": len(agent_ids),
                "agents_rules": len(agent_ids) if changed is None else sum(len(c.rule_agent_ids or ()) for c in chunks),
                "chunks": len(chunks),
                "excluded_reviewer_ids": run.excluded_reviewer_ids,
                "incremental_since": run.incremental_since,
            },
        )
        if not chunks:
            _finish_if_complete(run.pk)
    return list(run.chunks.filter(status=ChunkStatus.PENDING).values_list("pk", flat=True))


def _write_agent_scores(run: ScoringRun, agent_ids: Sequence[int]) -> None:
    """Upsert this month's aggregates for the chunk's agents, from two grouped queries."""
    period_start = month_start(timezone.localtime(run.as_of).date())
    period_end = timezone.localtime(run.as_of).date()
    window_start = timezone.make_aware(dt.datetime.combine(period_start, dt.time.min))
    counted = Evaluation.objects.filter(
        calibration_session__isnull=True,
        call__agent_id__in=agent_ids,
        status__in=COUNTING_EVALUATION_STATUSES,
        superseded_at__isnull=True,
        call__started_at__gte=window_start,
        call__started_at__lte=run.as_of,
    )
    aggregates: dict[int, dict[str, Any]] = {
        row["call__agent_id"]: dict(row)
        for row in counted.values("call__agent_id").annotate(
            evaluations=Count("pk"), mean_score=Avg("score"), mean_handle=Avg("call__handle_time_seconds")
        )
    }
    errors: dict[int, dict[str, int]] = defaultdict(dict)
    for agent_id, code, n in (
        CriticalError.objects.filter(
            agent_id__in=agent_ids,
            status="active",
            observed_at__gte=window_start,
            observed_at__lte=run.as_of,
            evaluation__status__in=COUNTING_EVALUATION_STATUSES,
            evaluation__calibration_session__isnull=True,
        )
        .values_list("agent_id", "type__code")
        .annotate(n=Count("pk"))
    ):
        errors[agent_id][code] = n
    now = timezone.now()

    def one_decimal(value: object) -> Decimal | None:
        return None if value is None else Decimal(str(value)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)

    AgentScore.objects.bulk_create(
        [
            AgentScore(
                agent_id=agent_id,
                period_start=period_start,
                period_end=period_end,
                evaluations=aggregates.get(agent_id, {}).get("evaluations", 0),
                mean_score=one_decimal(aggregates.get(agent_id, {}).get("mean_score")),
                critical_errors=dict(sorted(errors.get(agent_id, {}).items())),
                mean_handle_time_seconds=one_decimal(aggregates.get(agent_id, {}).get("mean_handle")),
                run=run,
                computed_at=now,
            )
            for agent_id in agent_ids
        ],
        update_conflicts=True,
        unique_fields=["agent", "period_start"],
        update_fields=[
            "period_end",
            "evaluations",
            "mean_score",
            "critical_errors",
            "mean_handle_time_seconds",
            "run",
            "computed_at",
        ],
    )


@transaction.atomic
def scoring_chunk_process(*, chunk_id: int) -> bool:
    """Process one chunk exactly once. Returns False when it was already done (a redelivery)."""
    chunk = ScoringChunk.objects.select_for_update(of=("self",)).select_related("run").filter(pk=chunk_id).first()
    if chunk is None or chunk.status == ChunkStatus.DONE:
        return False
    run = chunk.run
    agent_ids: list[int] = list(chunk.agent_ids)
    _write_agent_scores(run, agent_ids)
    opened = 0
    events: list[PendingEvent] = []
    versions = firing_rule_versions(run.as_of)
    rule_agent_ids = agent_ids if chunk.rule_agent_ids is None else list(chunk.rule_agent_ids)
    if versions and rule_agent_ids:
        profiles = agent_profiles(among=rule_agent_ids)
        specs = {
            v.pk: RuleSpec(
                counted_types=frozenset(t.code for t in v.counted_types.all()),
                count_n=v.count_n,
                window_days=v.window_days,
                counting_from=counting_from(v),
            )
            for v in versions
        }
        # One candidate query for every rule: the widest window and all counted types.
        candidates = candidate_errors(
            agent_ids=list(profiles),
            type_codes=set().union(*(spec.counted_types for spec in specs.values())),
            after=run.as_of - dt.timedelta(days=max(spec.window_days for spec in specs.values())),
            until=run.as_of,
            count_targeted_reviews=any(v.count_targeted_reviews for v in versions),
        )
        used = decided_evidence(list(profiles))
        by_type: dict[str, list[CandidateError]] = defaultdict(list)
        for candidate in candidates:
            by_type[candidate.type_code].append(candidate)
        found = []
        for version in versions:
            spec = specs[version.pk]
            # Only the candidates of the version's types and window: the domain still checks every term.
            window_start = run.as_of - dt.timedelta(days=spec.window_days)
            facts = facts_for_rule(
                (c for code in sorted(spec.counted_types) for c in by_type[code] if c.observed_at > window_start),
                agent_ids=in_rule_scope(profiles, version),
                used=used,
                rule_id=version.rule_id,
                count_targeted_reviews=version.count_targeted_reviews,
                excluded_reviewer_ids=run.excluded_reviewer_ids if version.exclude_flagged_reviewers else (),
                exclude_systemic_causes=version.exclude_systemic_causes,
                require_confirmation=version.requires_confirmation,
            )
            found.append(
                RuleFirings(
                    version_id=version.pk,
                    rule_id=version.rule_id,
                    level=version.level,
                    firings=evaluate_rule(facts, spec, run.as_of),
                )
            )
        opened = alerts_open_or_extend(run=run, found=found, events=events)
    chunk.status = ChunkStatus.DONE
    chunk.alerts_opened = opened
    chunk.attempts = F("attempts") + 1
    chunk.processed_at = timezone.now()
    chunk.save(update_fields=["status", "alerts_opened", "attempts", "processed_at"])
    ScoringRun.objects.filter(pk=run.pk).update(
        processed_agents=F("processed_agents") + len(agent_ids),
        processed_chunks=F("processed_chunks") + 1,
        alerts_opened=F("alerts_opened") + opened,
        heartbeat_at=chunk.processed_at,
    )
    # Written last: the audit chain's lock is then held only for the rest of this transaction.
    audit_record_many(events)
    _finish_if_complete(run.pk)
    return True


def _finish_if_complete(run_id: int) -> None:
    finished = ScoringRun.objects.filter(
        pk=run_id, status=RunStatus.RUNNING, processed_chunks=F("total_chunks")
    ).update(status=RunStatus.SUCCEEDED, finished_at=timezone.now())
    if finished:
        run = ScoringRun.objects.get(pk=run_id)
        audit_record(
            actor=None,
            action=AuditAction.SCORING_RUN_SUCCEEDED,
            obj=run,
            data={"agents": run.processed_agents, "alerts_opened": run.alerts_opened},
        )


def scoring_run_fail(*, run_id: int, error: str) -> None:
    """Mark a run failed after a chunk exhausted its retries; the error text is kept for the QA lead."""
    background_run_fail(run_model=ScoringRun, run_id=run_id, error=error, action=AuditAction.SCORING_RUN_FAILED)


@dataclass(frozen=True)
class Reconciled:
    run_id: int
    chunks: int  # chunks sent again; 0 when the run itself was started again


def scoring_runs_reconcile(*, stale_after: dt.timedelta | None = None) -> list[Reconciled]:
    """Send again what a stale run still needs, from PostgreSQL's record of it, not the broker's.

    A queued run that never started gets its start task again; a running run without progress
    for ``stale_after`` gets every pending chunk again. Sending twice is harmless (a chunk is
    done once, under its row lock), so this needs no knowledge of what the broker still holds.
    """
    from reviews.tasks import scoring_chunk, scoring_run_start

    stale_after = stale_after or dt.timedelta(seconds=settings.SCORING_STALE_AFTER_SECONDS)
    cutoff = timezone.now() - stale_after
    stale = Q(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )
    reconciled: list[Reconciled] = []
    for run_id, status in ScoringRun.objects.filter(stale).order_by("pk").values_list("pk", "status"):
        with transaction.atomic():
            # Claimed with a conditional update: of two reconcilers at once, one sends.
            if not ScoringRun.objects.filter(stale, pk=run_id, status=status).update(heartbeat_at=timezone.now()):
                continue
            if status == RunStatus.QUEUED:
                pending: list[int] = []
                transaction.on_commit(partial(scoring_run_start.delay, run_id))
            else:
                pending = list(
                    ScoringChunk.objects.filter(run_id=run_id, status=ChunkStatus.PENDING)
                    .order_by("index")
                    .values_list("pk", flat=True)
                )
                for chunk_id in pending:
                    transaction.on_commit(partial(scoring_chunk.delay, chunk_id, run_id))
            audit_record(
                actor=None,
                action=AuditAction.SCORING_RUN_RECONCILED,
                object_type="reviews.scoringrun",
                object_id=str(run_id),
                data={"restarted": status == RunStatus.QUEUED, "chunks": len(pending)},
            )
            reconciled.append(Reconciled(run_id=run_id, chunks=len(pending)))
    return reconciled
