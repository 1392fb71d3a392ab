"""Scorecards, their versions, sections and criteria."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reviews.api import fields as strict
from reviews.models import (
    Criterion,
    CriticalErrorType,
    CriticalPolicy,
    Scorecard,
    ScorecardVersion,
    Section,
)

# --- Scorecards -------------------------------------------------------------------


class CriterionSerializer(strict.ModelSerializer[Criterion]):
    critical_error_type: serializers.SlugRelatedField[CriticalErrorType] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = Criterion
        fields = ["id", "text", "guidance", "max_points", "na_allowed", "critical_error_type", "position"]


class SectionSerializer(strict.ModelSerializer[Section]):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["id", "title", "position", "criteria"]


class ScorecardVersionSummarySerializer(strict.ModelSerializer[ScorecardVersion]):
    class Meta:
        model = ScorecardVersion
        fields = ["id", "number", "status", "critical_policy", "published_at", "retired_at"]


class ScorecardVersionSerializer(strict.ModelSerializer[ScorecardVersion]):
    scorecard: serializers.PrimaryKeyRelatedField[Scorecard] = serializers.PrimaryKeyRelatedField(read_only=True)
    scorecard_name = strict.CharField(source="scorecard.name", read_only=True)
    sections = SectionSerializer(many=True, read_only=True)

    class Meta:
        model = ScorecardVersion
        fields = [
            "id",
            "scorecard",
            "scorecard_name",
            "number",
            "status",
            "critical_policy",
            "created_at",
            "published_at",
            "retired_at",
            "self_evaluation",
            "sections",
        ]
        read_only_fields = ["self_evaluation"]


class ScorecardSerializer(strict.ModelSerializer[Scorecard]):
    versions = serializers.SerializerMethodField()

    class Meta:
        model = Scorecard
        fields = ["id", "name", "description", "created_at", "versions"]

    @extend_schema_field(ScorecardVersionSummarySerializer(many=True))
    def get_versions(self, scorecard: Scorecard) -> list[dict[str, Any]]:
        # The view prefetches the versions this user may see into `visible_versions`.
        versions = getattr(scorecard, "visible_versions", None)
        if versions is None:
            versions = list(scorecard.versions.all())
        return ScorecardVersionSummarySerializer(versions, many=True).data  # type: ignore[return-value]


class ScorecardCreateInput(serializers.Serializer[dict[str, Any]]):
    name = strict.CharField(max_length=200)
    description = strict.CharField(required=False, allow_blank=True, default="")
    critical_policy = strict.ChoiceField(choices=CriticalPolicy.choices, default=CriticalPolicy.SEPARATE)


class ScorecardVersionUpdateInput(serializers.Serializer[dict[str, Any]]):
    critical_policy = strict.ChoiceField(choices=CriticalPolicy.choices)


class SelfEvaluationSettingInput(serializers.Serializer[dict[str, Any]]):
    enabled = strict.BooleanField(help_text="Invite agents to score their own calls evaluated with this version")


class SectionInput(serializers.Serializer[dict[str, Any]]):
    title = strict.CharField(max_length=200)
    position = strict.IntegerField(min_value=0, max_value=10_000, required=False)


class CriterionInput(serializers.Serializer[dict[str, Any]]):
    text = strict.CharField(max_length=300)
    guidance = strict.CharField(required=False, allow_blank=True, default="")
    max_points = strict.IntegerField(min_value=1, max_value=1000)
    na_allowed = strict.BooleanField(default=False)
    critical_error_type = strict.TypeCodeField(required=False, allow_null=True)
    position = strict.IntegerField(min_value=0, max_value=10_000, required=False)
