"""Alerts with their evidence and decisions, scoring runs and the scores they write."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reviews.api import fields as strict
from reviews.api.serializers.common import AwareDateTimeField, PersonSerializer
from reviews.models import (
    AgentScore,
    Alert,
    CriticalError,
    CriticalErrorType,
    RuleVersion,
    ScoringRun,
)

# --- Alerts -------------------------------------------------------------------------------


class EvidenceSerializer(strict.ModelSerializer[CriticalError]):
    type: serializers.SlugRelatedField[CriticalErrorType] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    evaluation = strict.IntegerField(source="evaluation_id", read_only=True)
    call = strict.IntegerField(source="evaluation.call_id", read_only=True)
    reviewer = PersonSerializer(source="evaluation.reviewer", read_only=True)
    recording_url = serializers.SerializerMethodField()

    class Meta:
        model = CriticalError
        fields = [
            "id",
            "type",
            "status",
            "observed_at",
            "offset_seconds",
            "note",
            "evaluation",
            "call",
            "reviewer",
            "recording_url",
        ]

    def get_recording_url(self, error: CriticalError) -> str:
        return f"/api/v1/calls/{error.evaluation.call_id}/recording/"


class AlertRuleSerializer(strict.ModelSerializer[RuleVersion]):
    name = strict.CharField(source="rule.name", read_only=True)
    counted_types: serializers.SlugRelatedField[CriticalErrorType] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = RuleVersion
        fields = [
            "id",
            "rule",
            "name",
            "number",
            "purpose",
            "counted_types",
            "count_n",
            "window_days",
            "level",
            "effective_from",
            "review_by",
        ]


class AlertSerializer(strict.ModelSerializer[Alert]):
    agent = PersonSerializer(read_only=True)
    rule_version = AlertRuleSerializer(read_only=True)
    decided_by = PersonSerializer(read_only=True, allow_null=True)
    evidence_count = strict.IntegerField(read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id",
            "agent",
            "rule_version",
            "status",
            "level",
            "as_of",
            "window_start",
            "window_end",
            "evidence_count",
            "evidence_expired",
            "opened_at",
            "evidence_viewed_at",
            "decided_by",
            "decided_at",
            "rationale",
            "retracted_at",
            "retraction_reason",
            "quarantined_at",
        ]


class AlertWithEvidenceSerializer(AlertSerializer):
    evidence = serializers.SerializerMethodField()

    class Meta(AlertSerializer.Meta):
        fields = [*AlertSerializer.Meta.fields, "evidence"]

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, alert: Alert) -> Any:
        # Reads the prefetch of reviews.selectors.alert_evidence_prefetch when the view set one up.
        errors = sorted(alert.evidence.all(), key=lambda e: (e.observed_at, e.pk))
        return EvidenceSerializer(errors, many=True).data


class DecisionInput(serializers.Serializer[dict[str, Any]]):
    rationale = strict.CharField(max_length=5000)


# --- Scoring runs and scores --------------------------------------------------------------


class ScoringRunSerializer(strict.ModelSerializer[ScoringRun]):
    progress_percent = serializers.FloatField(read_only=True)

    class Meta:
        model = ScoringRun
        fields = [
            "id",
            "as_of",
            "trigger",
            "status",
            "chunk_size",
            "total_agents",
            "processed_agents",
            "total_chunks",
            "processed_chunks",
            "alerts_opened",
            "full",
            "incremental_since",
            "progress_percent",
            "created_at",
            "started_at",
            "finished_at",
            "error",
            "excluded_reviewer_ids",
        ]


class ScoringRunInput(serializers.Serializer[dict[str, Any]]):
    as_of = AwareDateTimeField(required=False)
    chunk_size = strict.IntegerField(required=False, min_value=1, max_value=5000)
    full = strict.BooleanField(
        required=False, help_text="score every agent, not only those with something new since the last run"
    )


class AgentScoreSerializer(strict.ModelSerializer[AgentScore]):
    agent = PersonSerializer(read_only=True)

    class Meta:
        model = AgentScore
        fields = [
            "id",
            "agent",
            "period_start",
            "period_end",
            "evaluations",
            "mean_score",
            "critical_errors",
            "mean_handle_time_seconds",
            "computed_at",
        ]
