"""Serializers for call imports, sampling policies and runs, assignments and the fairness report."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from reviews.api import fields as strict
from reviews.api.serializers import PersonSerializer
from reviews.domain.sampling import MONTH_PATTERN
from reviews.models import (
    CallImport,
    CallImportReject,
    Channel,
    ImportFormat,
    ReviewAssignment,
    SamplingPolicy,
    SamplingRun,
)

# --- Call imports -----------------------------------------------------------------------


class CallImportSerializer(strict.ModelSerializer[CallImport]):
    progress_percent = strict.IntegerField(source="percent", read_only=True)
    rejects_url = serializers.SerializerMethodField()

    class Meta:
        model = CallImport
        fields = [
            "id",
            "source",
            "file_name",
            "format",
            "status",
            "total_bytes",
            "processed_bytes",
            "progress_percent",
            "rows_read",
            "created_count",
            "duplicate_count",
            "rejected_count",
            "rejects_url",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]

    def get_rejects_url(self, call_import: CallImport) -> str:
        return f"/api/v1/call-imports/{call_import.pk}/rejects/"


class CallImportRejectSerializer(strict.ModelSerializer[CallImportReject]):
    class Meta:
        model = CallImportReject
        fields = ["line", "reason", "row"]


class CallImportInput(serializers.Serializer[dict[str, Any]]):
    file = serializers.FileField(help_text="The telephony export: CSV with a header row, or JSON lines.")
    source = strict.CharField(max_length=40, default="telephony")  # type: ignore[assignment]
    format = strict.ChoiceField(
        choices=ImportFormat.choices, required=False, allow_blank=True, default="", help_text="Default: from the name"
    )


# --- Sampling ---------------------------------------------------------------------------


class SamplingPolicySerializer(strict.ModelSerializer[SamplingPolicy]):
    class Meta:
        model = SamplingPolicy
        fields = [
            "id",
            "name",
            "calls_per_agent",
            "channels",
            "min_handle_seconds",
            "max_handle_seconds",
            "per_agent_cap",
            "seed",
            "exclude_own_supervisor",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SamplingPolicyInput(serializers.Serializer[dict[str, Any]]):
    name = strict.CharField(max_length=120)
    calls_per_agent = strict.IntegerField(min_value=1, max_value=100)
    channels = serializers.ListField(
        child=strict.ChoiceField(choices=Channel.choices), required=False, default=list, max_length=3
    )
    min_handle_seconds = strict.IntegerField(min_value=0, max_value=86_400, default=0)
    max_handle_seconds = strict.IntegerField(min_value=0, max_value=86_400, allow_null=True, default=None)
    per_agent_cap = strict.IntegerField(min_value=1, max_value=100)
    seed = strict.IntegerField(
        min_value=0, max_value=2**63 - 1, required=False, help_text="Default: chosen at random and recorded"
    )
    exclude_own_supervisor = strict.BooleanField(default=True)
    is_active = strict.BooleanField(default=True)


class SamplingPolicyChange(SamplingPolicyInput):
    """Every field optional: send what changes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.default = serializers.empty


class SamplingRunInput(serializers.Serializer[dict[str, Any]]):
    period = strict.RegexField(MONTH_PATTERN, help_text="The month to draw, YYYY-MM (it must be over)")


class SamplingRunSerializer(strict.ModelSerializer[SamplingRun]):
    progress_percent = serializers.SerializerMethodField()
    policy_name = strict.CharField(source="policy.name", read_only=True)

    class Meta:
        model = SamplingRun
        fields = [
            "id",
            "policy",
            "policy_name",
            "period_start",
            "period_end",
            "seed",
            "parameters",
            "trigger",
            "status",
            "total_agents",
            "processed_agents",
            "calls_sampled",
            "progress_percent",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]

    def get_progress_percent(self, run: SamplingRun) -> float:
        if run.status == "succeeded":
            return 100.0
        if not run.total_agents:
            return 0.0
        return round(min(99.0, 100 * run.processed_agents / run.total_agents), 1)


class ReviewAssignmentSerializer(strict.ModelSerializer[ReviewAssignment]):
    reviewer = PersonSerializer(read_only=True)
    agent = PersonSerializer(read_only=True)
    period_start = serializers.DateField(source="run.period_start", read_only=True)
    evaluated = strict.BooleanField(read_only=True)

    class Meta:
        model = ReviewAssignment
        fields = ["id", "run", "period_start", "call", "agent", "reviewer", "evaluated", "created_at"]


class FairnessRowSerializer(serializers.Serializer[Any]):
    agent = strict.CharField(help_text="Username (QA lead) or pseudonym (works council)")
    team = strict.CharField(allow_null=True)
    employment_type = strict.CharField()
    calls_handled = strict.IntegerField()
    calls_eligible = strict.IntegerField()
    expected = strict.IntegerField(help_text="What the policy draws for this agent")
    sampled = strict.IntegerField()
    targeted = strict.IntegerField()
    evaluations_done = strict.IntegerField()
    deviation = strict.IntegerField(help_text="sampled minus expected")
    flags = serializers.ListField(child=strict.CharField())
