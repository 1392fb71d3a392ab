from __future__ import annotations

from typing import Any

from rest_framework import serializers

from reviews.api import fields as strict
from reviews.api.serializers.common import PersonSerializer
from reviews.models import CoachingPlan, CoachingSession, CoachingStatus


class CoachingSessionSerializer(strict.ModelSerializer[CoachingSession]):
    recorded_by = PersonSerializer(read_only=True)

    class Meta:
        model = CoachingSession
        fields = ["id", "held_on", "notes", "agreed_actions", "recorded_by", "recorded_at"]


class CoachingPlanSerializer(strict.ModelSerializer[CoachingPlan]):
    agent = PersonSerializer(read_only=True)
    opened_by = PersonSerializer(read_only=True)
    sessions = CoachingSessionSerializer(many=True, read_only=True)
    linked_evaluations: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = CoachingPlan
        fields = [
            "id",
            "agent",
            "opened_by",
            "opened_at",
            "status",
            "goals",
            "evaluation",
            "criterion",
            "alert",
            "linked_evaluations",
            "agent_comment",
            "agent_commented_at",
            "closed_at",
            "closing_note",
            "sessions",
        ]


class CoachingPlanInput(serializers.Serializer[dict[str, Any]]):
    agent = strict.IntegerField(min_value=1, help_text="The agent's user id")
    goals = strict.CharField(max_length=5000, allow_blank=True, required=False, default="")
    evaluation = strict.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    criterion = strict.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    alert = strict.IntegerField(min_value=1, required=False, allow_null=True, default=None)


class CoachingSessionInput(serializers.Serializer[dict[str, Any]]):
    held_on = serializers.DateField()
    notes = strict.CharField(max_length=5000)
    agreed_actions = strict.CharField(max_length=5000, allow_blank=True, required=False, default="")


class CoachingCommentInput(serializers.Serializer[dict[str, Any]]):
    comment = strict.CharField(max_length=5000, allow_blank=True)


class CoachingCloseInput(serializers.Serializer[dict[str, Any]]):
    status = strict.ChoiceField(choices=[CoachingStatus.COMPLETED, CoachingStatus.CANCELLED])
    note = strict.CharField(max_length=5000, allow_blank=True, required=False, default="")
