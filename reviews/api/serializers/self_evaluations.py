"""Self-evaluations: the agent's own blind scoring of an evaluated call. It never counts."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reviews.api import fields as strict
from reviews.api.serializers.common import PersonSerializer
from reviews.api.serializers.evaluations import AnswerInputSerializer
from reviews.models import SelfAnswer, SelfEvaluation
from reviews.selectors.self_evaluations import latest_revision, side_by_side


class SelfAnswerSerializer(strict.ModelSerializer[SelfAnswer]):
    criterion_text = strict.CharField(source="criterion.text", read_only=True)
    max_points = strict.IntegerField(source="criterion.max_points", read_only=True)

    class Meta:
        model = SelfAnswer
        fields = ["criterion", "criterion_text", "max_points", "points", "not_applicable", "comment"]


class ComparisonRowSerializer(serializers.Serializer[Any]):
    criterion = strict.IntegerField(source="criterion_id")
    criterion_text = strict.CharField(source="criterion")
    max_points = strict.IntegerField()
    own_points = strict.IntegerField(allow_null=True)
    own_not_applicable = strict.BooleanField()
    reviewer_points = strict.IntegerField(allow_null=True)
    reviewer_not_applicable = strict.BooleanField()
    difference = strict.IntegerField(allow_null=True, help_text="The agent's points minus the reviewer's")


class SelfEvaluationSerializer(strict.ModelSerializer[SelfEvaluation]):
    agent = PersonSerializer(read_only=True)
    call = strict.IntegerField(source="evaluation.call_id", read_only=True)
    call_external_id = strict.CharField(source="evaluation.call.external_id", read_only=True)
    is_open = serializers.SerializerMethodField(help_text="The agent may still score the call (blind)")
    answers = SelfAnswerSerializer(many=True, read_only=True)

    def get_is_open(self, obj: SelfEvaluation) -> bool:
        return obj.is_open

    class Meta:
        model = SelfEvaluation
        fields = [
            "id",
            "evaluation",
            "call",
            "call_external_id",
            "agent",
            "status",
            "is_open",
            "invited_at",
            "open_until",
            "answered_at",
            "score",
            "points_earned",
            "points_possible",
            "comment",
            "answers",
        ]


class SelfEvaluationDetailSerializer(SelfEvaluationSerializer):
    comparison = serializers.SerializerMethodField(
        help_text="Per criterion, the agent's answer beside the reviewer's (the evaluation's latest revision)"
    )

    @extend_schema_field(ComparisonRowSerializer(many=True))
    def get_comparison(self, obj: SelfEvaluation) -> Any:
        return ComparisonRowSerializer(side_by_side(obj, latest_revision(obj.evaluation)), many=True).data

    class Meta(SelfEvaluationSerializer.Meta):
        fields = [*SelfEvaluationSerializer.Meta.fields, "comparison"]


class SelfEvaluationSubmitInput(serializers.Serializer[dict[str, Any]]):
    answers = AnswerInputSerializer(many=True, help_text="One answer per criterion of the scorecard version")
    comment = strict.CharField(required=False, allow_blank=True, default="")
