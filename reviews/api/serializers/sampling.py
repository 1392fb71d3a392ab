"""Sampling policies, runs, the calls they drew and the fairness report."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from reviews.api import fields as strict
from reviews.api.serializers.common import PersonSerializer
from reviews.domain.periods import MONTH_PATTERN
from reviews.models import (
    Channel,
    ReviewAssignment,
    SamplingPolicy,
    SamplingRun,
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
    progress_percent = serializers.FloatField(read_only=True)
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


class ReviewAssignmentSerializer(strict.ModelSerializer[ReviewAssignment]):
    reviewer = PersonSerializer(read_only=True)
    agent = PersonSerializer(read_only=True)
    period_start = serializers.DateField(source="run.period_start", read_only=True)
    evaluated = strict.BooleanField(read_only=True)

    class Meta:
        model = ReviewAssignment
        fields = ["id", "run", "period_start", "call", "agent", "reviewer", "evaluated", "created_at"]
