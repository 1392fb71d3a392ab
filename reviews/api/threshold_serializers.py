"""Serializers for threshold rules, consent, alerts, scoring runs and agent scores."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import EmploymentType, Team
from reviews.api import fields as strict
from reviews.api.serializers import AwareDateTimeField, PersonSerializer
from reviews.models import (
    AgentScore,
    Alert,
    AlertLevel,
    ConsentDecision,
    ConsentRecord,
    CriticalError,
    CriticalErrorType,
    RuleVersion,
    ScoringRun,
    ThresholdRule,
)


class ConsentRecordSerializer(strict.ModelSerializer[ConsentRecord]):
    decided_by = strict.CharField(source="decided_by.pseudonym", read_only=True)

    class Meta:
        model = ConsentRecord
        fields = ["id", "decision", "decided_on", "reference", "population", "note", "review_by", "decided_by"]


class RuleVersionSerializer(strict.ModelSerializer[RuleVersion]):
    counted_types: serializers.SlugRelatedField[CriticalErrorType] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    scope_teams: serializers.PrimaryKeyRelatedField[Team] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    consents = ConsentRecordSerializer(many=True, read_only=True)
    expired = serializers.SerializerMethodField()
    display_status = serializers.SerializerMethodField()

    class Meta:
        model = RuleVersion
        fields = [
            "id",
            "number",
            "status",
            "display_status",
            "expired",
            "purpose",
            "counted_types",
            "count_n",
            "window_days",
            "scope_teams",
            "scope_employment_types",
            "level",
            "effective_from",
            "review_by",
            "created_at",
            "proposed_at",
            "activated_at",
            "retired_at",
            "nullified_at",
            "nullity_reason",
            "consents",
        ]

    def get_expired(self, version: RuleVersion) -> bool:
        return version.is_expired(timezone.localdate())

    def get_display_status(self, version: RuleVersion) -> str:
        if version.is_expired(timezone.localdate()):
            return "expired, needs renewed consent"
        return version.get_status_display()


class ThresholdRuleSerializer(strict.ModelSerializer[ThresholdRule]):
    versions = serializers.SerializerMethodField()

    class Meta:
        model = ThresholdRule
        fields = ["id", "name", "created_at", "versions"]

    @extend_schema_field(RuleVersionSerializer(many=True))
    def get_versions(self, rule: ThresholdRule) -> Any:
        versions = getattr(rule, "visible_versions", None)
        if versions is None:
            versions = list(rule.versions.all())
        return RuleVersionSerializer(versions, many=True).data


class RuleTermsInput(serializers.Serializer[dict[str, Any]]):
    purpose = strict.CharField(max_length=5000)
    counted_types = serializers.ListField(child=strict.CharField(max_length=50), min_length=1, max_length=50)
    count_n = strict.IntegerField(min_value=1, max_value=10_000)
    window_days = strict.IntegerField(min_value=1, max_value=730)
    scope_teams = strict.PrimaryKeyRelatedField(queryset=Team.objects.all(), many=True, required=False)
    scope_employment_types = serializers.ListField(
        child=strict.ChoiceField(choices=EmploymentType.choices), required=False, max_length=3
    )
    level = strict.ChoiceField(choices=AlertLevel.choices)
    effective_from = serializers.DateField()


class ThresholdRuleCreateInput(RuleTermsInput):
    name = strict.CharField(max_length=200)


class VersionChoiceInput(serializers.Serializer[dict[str, Any]]):
    version = strict.IntegerField(required=False, min_value=1, help_text="Rule version id; defaults by state")


class ConsentInput(VersionChoiceInput):
    decision = strict.ChoiceField(choices=ConsentDecision.choices)
    reference = strict.CharField(max_length=200)
    population = strict.CharField(max_length=2000)
    note = strict.CharField(required=False, allow_blank=True, default="", max_length=5000)
    decided_on = serializers.DateField(required=False)
    review_by = serializers.DateField(required=False)


class NullityInput(VersionChoiceInput):
    reason = strict.CharField(max_length=5000)


class PreviewInput(VersionChoiceInput):
    as_of = AwareDateTimeField(required=False)


class PreviewGroupSerializer(serializers.Serializer[Any]):
    employment_type = strict.CharField()
    agents = strict.IntegerField(allow_null=True, help_text="null: fewer than k, suppressed")
    flagged = strict.IntegerField(allow_null=True, help_text="null: suppressed")


class PreviewSerializer(serializers.Serializer[Any]):
    as_of = strict.DateTimeField()
    window_days = strict.IntegerField()
    agents_in_scope = strict.IntegerField()
    agents_flagged = strict.IntegerField(allow_null=True)
    by_employment_type = PreviewGroupSerializer(many=True)
    k = strict.IntegerField(help_text="Cells counting fewer people than k are suppressed")


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
    progress_percent = serializers.SerializerMethodField()

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
            "progress_percent",
            "created_at",
            "started_at",
            "finished_at",
            "error",
            "excluded_reviewer_ids",
        ]

    def get_progress_percent(self, run: ScoringRun) -> float:
        if run.status == "succeeded":
            return 100.0
        if not run.total_agents:
            return 0.0
        return round(100 * run.processed_agents / run.total_agents, 1)


class ScoringRunInput(serializers.Serializer[dict[str, Any]]):
    as_of = AwareDateTimeField(required=False)
    chunk_size = strict.IntegerField(required=False, min_value=1, max_value=5000)


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
