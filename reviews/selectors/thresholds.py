"""Reads for threshold rules and the batch: set-based, one query per rule and chunk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db.models import BooleanField, Exists, OuterRef, Value
from django.utils import timezone

from accounts.models import Role, User
from reviews.domain.thresholds import ErrorFact, RuleSpec, in_scope, window_for
from reviews.models import (
    AlertEvidence,
    AlertStatus,
    CriticalError,
    CriticalErrorStatus,
    EvaluationStatus,
    RuleVersion,
    RuleVersionStatus,
)

# Evaluations whose critical errors count: submitted and later, never drafts.
COUNTING_EVALUATION_STATUSES = (
    EvaluationStatus.SUBMITTED,
    EvaluationStatus.ACKNOWLEDGED,
    EvaluationStatus.APPEALED,
    EvaluationStatus.FINAL,
)


def scoped_agents(
    *, team_ids: Collection[int], employment_types: Collection[str], among: Collection[int] | None = None
) -> dict[int, str]:
    """Active agents a rule's scope covers, as {agent id: employment type}."""
    agents = User.objects.filter(role=Role.AGENT, is_active=True)
    if among is not None:
        agents = agents.filter(pk__in=among)
    return {
        pk: employment_type
        for pk, team_id, employment_type in agents.values_list("pk", "team_id", "employment_type")
        if in_scope(
            agent_team_id=team_id,
            agent_employment_type=employment_type,
            team_ids=frozenset(team_ids),
            employment_types=frozenset(employment_types),
        )
    }


def error_facts_for_rule(
    *, agent_ids: Collection[int], spec: RuleSpec, as_of: dt.datetime, rule_id: int | None
) -> list[ErrorFact]:
    """Candidate critical errors for a rule: narrowed in SQL, decided by the domain's window function."""
    if not agent_ids:
        return []
    window = window_for(as_of, spec.window_days)
    used = (
        Exists(
            AlertEvidence.objects.filter(
                critical_error=OuterRef("pk"),
                alert__rule_id=rule_id,
                alert__status__in=[AlertStatus.CONFIRMED, AlertStatus.DISMISSED],
            )
        )
        if rule_id is not None
        else Value(False, output_field=BooleanField())
    )
    rows = (
        CriticalError.objects.filter(
            evaluation__call__agent_id__in=agent_ids,
            evaluation__status__in=COUNTING_EVALUATION_STATUSES,
            evaluation__superseded_at__isnull=True,
            status=CriticalErrorStatus.ACTIVE,
            type__code__in=spec.counted_types,
            observed_at__gt=window.start_exclusive,
            observed_at__lte=window.end_inclusive,
            observed_at__gte=spec.counting_from,
        )
        .annotate(used=used)
        .values_list(
            "pk", "evaluation__call__agent_id", "type__code", "observed_at", "type__counts_toward_thresholds", "used"
        )
    )
    return [
        ErrorFact(
            error_id=pk,
            agent_id=agent_id,
            type_code=code,
            observed_at=observed_at,
            active=True,
            counts_toward_thresholds=counts,
            used_by_decided_alert=used_flag,
        )
        for pk, agent_id, code, observed_at, counts, used_flag in rows
    ]


def firing_rule_versions(as_of: dt.datetime) -> list[RuleVersion]:
    """Active versions that may fire at as_of: consented, activated, not past review_by."""
    today = timezone.localtime(as_of).date()
    return list(
        RuleVersion.objects.filter(status=RuleVersionStatus.ACTIVE, review_by__gte=today, activated_at__lte=as_of)
        .select_related("rule")
        .prefetch_related("counted_types", "scope_teams")
    )


def counting_from(version: RuleVersion) -> dt.datetime:
    """A rule never reaches back: it counts from effective_from, or from its activation if that was later."""
    start_of_day = timezone.make_aware(dt.datetime.combine(version.effective_from, dt.time.min))
    assert version.activated_at is not None
    return max(start_of_day, version.activated_at)
