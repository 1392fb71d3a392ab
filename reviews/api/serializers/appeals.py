"""Appeals, their items and decisions; what an agent sees about themselves."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts.models import User
from reviews.api import fields as strict
from reviews.api.serializers.alerts import AgentScoreSerializer, AlertWithEvidenceSerializer
from reviews.api.serializers.common import PersonSerializer
from reviews.api.serializers.evaluations import CriticalErrorSerializer, ScoringWithheld
from reviews.models import Appeal, AppealItem, Evaluation, Notification


class AppealItemSerializer(strict.ModelSerializer[AppealItem]):
    critical_error = CriticalErrorSerializer(read_only=True, allow_null=True)
    criterion_text = strict.CharField(source="criterion.text", read_only=True, default=None)

    class Meta:
        model = AppealItem
        fields = [
            "id",
            "kind",
            "critical_error",
            "criterion",
            "criterion_text",
            "overturned",
            "corrected_points",
            "corrected_not_applicable",
            "rationale",
        ]


class AppealSerializer(strict.ModelSerializer[Appeal]):
    agent = PersonSerializer(read_only=True)
    assignee = PersonSerializer(read_only=True, allow_null=True)
    decided_by = PersonSerializer(read_only=True, allow_null=True)
    items = AppealItemSerializer(many=True, read_only=True)
    overdue = strict.BooleanField(read_only=True)

    class Meta:
        model = Appeal
        fields = [
            "id",
            "evaluation",
            "agent",
            "whole_evaluation",
            "reason",
            "status",
            "assignee",
            "deadline",
            "overdue",
            "submitted_at",
            "review_started_at",
            "decided_at",
            "decided_by",
            "rationale",
            "withdrawn_at",
            "resulting_revision",
            "items",
        ]


class AppealCreateInput(serializers.Serializer[dict[str, Any]]):
    evaluation = strict.IntegerField(min_value=1)
    reason = strict.CharField(max_length=5000)
    whole_evaluation = strict.BooleanField(default=False)
    critical_errors = serializers.ListField(child=strict.IntegerField(min_value=1), required=False, default=list)
    criteria = serializers.ListField(child=strict.IntegerField(min_value=1), required=False, default=list)


class AppealAssignInput(serializers.Serializer[dict[str, Any]]):
    assignee = strict.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))


class ItemDecisionInput(serializers.Serializer[dict[str, Any]]):
    item = strict.IntegerField(min_value=1)
    overturned = strict.BooleanField()
    rationale = strict.CharField(max_length=5000)
    corrected_points = strict.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    corrected_not_applicable = strict.BooleanField(default=False)


class AppealDecisionInput(serializers.Serializer[dict[str, Any]]):
    rationale = strict.CharField(max_length=5000)
    items = ItemDecisionInput(many=True, allow_empty=False)


class NotificationSerializer(strict.ModelSerializer[Notification]):
    message = serializers.CharField(source="text", read_only=True, help_text="In the request's language")

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "object_type", "object_id", "created_at", "read_at"]


class MyEvaluationSerializer(ScoringWithheld, strict.ModelSerializer[Evaluation]):
    call_started_at = strict.DateTimeField(source="call.started_at", read_only=True)
    reviewer = PersonSerializer(read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "call",
            "call_started_at",
            "reviewer",
            "status",
            "revision",
            "previous_revision",
            "score",
            "auto_failed",
            "submitted_at",
            "acknowledged_at",
            "superseded_at",
            "revision_reason",
            "scoring_withheld",
        ]


class MyOverviewSerializer(serializers.Serializer[Any]):
    evaluations = MyEvaluationSerializer(many=True, help_text="Oldest first: the scores over time")
    critical_errors = CriticalErrorSerializer(many=True)
    alerts = AlertWithEvidenceSerializer(many=True, help_text="Decided alerts only")
    appeals = AppealSerializer(many=True)
    scores = AgentScoreSerializer(many=True)
    notifications = NotificationSerializer(many=True)
