"""Calibration sessions and reviewer consistency."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from reviews.api import fields as strict
from reviews.api.serializers.common import PersonSerializer
from reviews.api.serializers.evaluations import AnswerInputSerializer, AnswerSerializer, CriticalErrorSerializer
from reviews.models import (
    Answer,
    CalibrationParticipant,
    CalibrationSession,
    Call,
    Evaluation,
    ScorecardVersion,
)
from reviews.selectors import critical_errors_shown


def display_name(user: User) -> str:
    return user.get_full_name() or user.username


class CalibrationSessionSerializer(strict.ModelSerializer[CalibrationSession]):
    """Blind while open: no participant's answers but the viewer's own, and no agent name if hidden."""

    call = serializers.SerializerMethodField()
    participants = serializers.SerializerMethodField()
    my_scoring = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()

    class Meta:
        model = CalibrationSession
        fields = [
            "id",
            "title",
            "status",
            "hide_agent",
            "scorecard_version",
            "call",
            "participants",
            "my_scoring",
            "results",
            "created_at",
            "closed_at",
        ]

    def _viewer(self) -> User | None:
        request = self.context.get("request")
        return request.user if request is not None else None

    @extend_schema_field(serializers.DictField())
    def get_call(self, session: CalibrationSession) -> dict[str, Any]:
        call = session.call
        hidden = session.hide_agent and session.status == "open"
        return {
            "id": call.pk,
            "started_at": call.started_at.isoformat(),
            "handle_time_seconds": call.handle_time_seconds,
            "channel": call.channel,
            "agent": None if hidden else display_name(call.agent),
            "recording_url": f"/api/v1/calibration-sessions/{session.pk}/recording/" if call.recording else None,
        }

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_participants(self, session: CalibrationSession) -> list[dict[str, Any]]:
        # Reads the prefetches of SESSION_PREFETCHES.
        scored = {e.reviewer_id for e in session.evaluations.all()}
        return [
            {
                "reviewer": PersonSerializer(p.reviewer).data,
                "has_scored": p.reviewer_id in scored,
                "is_reference": p.reviewer_id == session.reference_reviewer_id,
                "deviation": str(p.deviation) if p.deviation is not None else None,
            }
            for p in session.participants.all()
        ]

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_my_scoring(self, session: CalibrationSession) -> dict[str, Any] | None:
        viewer = self._viewer()
        if viewer is None:
            return None
        mine = next((e for e in session.evaluations.all() if e.reviewer_id == viewer.pk), None)
        if mine is None:
            return None
        return {
            "evaluation": mine.pk,
            "score": str(mine.score) if mine.score is not None else None,
            "answers": AnswerSerializer(mine.answers.all(), many=True).data,
            "critical_errors": CriticalErrorSerializer(mine.critical_errors.all(), many=True).data,
        }

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_results(self, session: CalibrationSession) -> dict[str, Any] | None:
        if session.status != "closed" or not session.results:
            return None
        names = {str(p.reviewer_id): display_name(p.reviewer) for p in session.participants.select_related("reviewer")}
        return {**session.results, "reviewer_names": names}


class CalibrationSessionCreateInput(serializers.Serializer[dict[str, Any]]):
    title = strict.CharField(max_length=200)
    call = strict.PrimaryKeyRelatedField(queryset=Call.objects.all())
    scorecard_version = strict.PrimaryKeyRelatedField(queryset=ScorecardVersion.objects.all())
    participants = strict.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), many=True)
    reference_reviewer = strict.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    hide_agent = strict.BooleanField(default=True)


class CalibrationErrorInput(serializers.Serializer[dict[str, Any]]):
    type = strict.CharField(max_length=50)
    offset_seconds = strict.IntegerField(min_value=0)
    note = strict.CharField(max_length=5000)


class CalibrationScoreInput(serializers.Serializer[dict[str, Any]]):
    answers = AnswerInputSerializer(many=True, allow_empty=False)
    critical_errors = CalibrationErrorInput(many=True, required=False, default=list)


class WilsonSerializer(serializers.Serializer[Any]):
    """A 95 % Wilson interval per 100, the unit of the rate beside it."""

    low = serializers.FloatField(source="low_per_100")
    high = serializers.FloatField(source="high_per_100")


class ReviewerConsistencySerializer(serializers.Serializer[Any]):
    reviewer = PersonSerializer()
    evaluations = strict.IntegerField()
    mean_score = serializers.FloatField(allow_null=True)
    with_critical_errors = strict.IntegerField()
    rate_per_100 = serializers.FloatField(allow_null=True, help_text="% of evaluations with a critical error")
    interval = WilsonSerializer(allow_null=True, help_text="95 % Wilson interval of the rate, per 100 evaluations")
    peers_rate_per_100 = serializers.FloatField(allow_null=True)
    peers_interval = WilsonSerializer(allow_null=True)
    rate_outside_peers = strict.BooleanField()
    too_few_to_judge = strict.BooleanField(
        help_text="Fewer evaluations (the reviewer's or the peers') than CONSISTENCY_MIN_EVALUATIONS: not compared"
    )
    calibrations = serializers.ListField(child=serializers.DictField())
    appeal_items_decided = strict.IntegerField()
    appeal_items_overturned = strict.IntegerField()
    overturn_rate = serializers.FloatField(allow_null=True)
    second_opinions = strict.IntegerField(help_text="Second opinions given on this reviewer's critical errors")
    second_opinions_agreed = strict.IntegerField(help_text="Of those, the ones where the second reviewer heard it too")
    agreement_rate = serializers.FloatField(allow_null=True)
    flagged = strict.BooleanField()
    flag_reasons = serializers.ListField(child=strict.CharField())


SESSION_PREFETCHES = (
    Prefetch("participants", queryset=CalibrationParticipant.objects.select_related("reviewer")),
    Prefetch(
        "evaluations",
        queryset=Evaluation.objects.prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("criterion")),
            Prefetch("critical_errors", queryset=critical_errors_shown()),
        ),
    ),
)
