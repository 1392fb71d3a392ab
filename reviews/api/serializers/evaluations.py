"""Evaluations, their answers and critical errors."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from reviews.api import fields as strict
from reviews.api.serializers.common import PersonSerializer
from reviews.models import (
    Answer,
    Call,
    Criterion,
    CriticalError,
    CriticalErrorType,
    Evaluation,
    RootCause,
    RootCauseChange,
    ScorecardVersion,
    TargetReason,
)
from reviews.selectors import calls_visible_to

# --- Evaluations ----------------------------------------------------------------------


class AnswerSerializer(strict.ModelSerializer[Answer]):
    criterion_text = strict.CharField(source="criterion.text", read_only=True)
    max_points = strict.IntegerField(source="criterion.max_points", read_only=True)

    class Meta:
        model = Answer
        fields = ["criterion", "criterion_text", "max_points", "points", "not_applicable", "comment"]


class RootCauseSerializer(strict.ModelSerializer[RootCause]):
    class Meta:
        model = RootCause
        fields = [
            "id",
            "code",
            "version",
            "kind",
            "label_nl",
            "label_en",
            "description_nl",
            "description_en",
            "is_active",
            "created_at",
            "retired_at",
        ]


class RootCauseBriefSerializer(strict.ModelSerializer[RootCause]):
    class Meta:
        model = RootCause
        fields = ["code", "version", "kind", "label_nl", "label_en"]


class RootCauseChangeSerializer(strict.ModelSerializer[RootCauseChange]):
    previous = RootCauseBriefSerializer(read_only=True, allow_null=True)
    new = RootCauseBriefSerializer(read_only=True)

    class Meta:
        model = RootCauseChange
        fields = ["previous", "new", "reason", "changed_at"]


class CriticalErrorSerializer(strict.ModelSerializer[CriticalError]):
    type: serializers.SlugRelatedField[CriticalErrorType] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    type_label_nl = strict.CharField(source="type.label_nl", read_only=True)
    type_label_en = strict.CharField(source="type.label_en", read_only=True)
    root_cause = RootCauseBriefSerializer(read_only=True, allow_null=True)
    root_cause_changes = RootCauseChangeSerializer(many=True, read_only=True)
    confirmation = serializers.SerializerMethodField(
        help_text="Where a rule needs a second reviewer: open, disputed, confirmed or rejected; null where none"
    )

    class Meta:
        model = CriticalError
        fields = [
            "id",
            "type",
            "type_label_nl",
            "type_label_en",
            "criterion",
            "offset_seconds",
            "note",
            "root_cause",
            "root_cause_changes",
            "confirmation",
            "confirmed_at",
            "status",
            "observed_at",
            "created_at",
        ]

    def get_confirmation(self, error: CriticalError) -> str | None:
        return _confirmation_status(error)


def _confirmation_status(error: CriticalError) -> str | None:
    task = getattr(error, "confirmation", None)  # the reverse one-to-one raises when there is none
    return None if task is None else task.status


class CauseChangeInput(serializers.Serializer[dict[str, Any]]):
    root_cause = strict.CauseCodeField(help_text="The code of the root cause in use to give the error")
    reason = strict.CharField(max_length=5000, help_text="Why, for the agent and the record (at least 10 characters)")


class EvaluationCallSerializer(strict.ModelSerializer[Call]):
    agent = PersonSerializer(read_only=True)

    class Meta:
        model = Call
        fields = ["id", "external_id", "agent", "channel", "started_at", "handle_time_seconds"]


class ScoringWithheld(serializers.Serializer[Any]):
    """For an evaluation whose agent may still score the call themselves (self-evaluation), the agent
    gets no score, points, summary or answers yet. The view passes the evaluation ids as ``withheld``
    (``reviews.selectors.self_evaluations.withheld_evaluation_ids``); every serializer of evaluations
    an agent reads uses this, so no view can forget it."""

    scoring_withheld = serializers.SerializerMethodField(
        help_text="True while the agent may still score the call themselves (self-evaluation): until then "
        "the agent gets no score, points, summary or answers. Critical errors are never withheld."
    )
    WITHHELD: dict[str, Any] = {
        "score": None,
        "points_earned": None,
        "points_possible": None,
        "summary": "",
        "answers": [],
    }

    def get_scoring_withheld(self, evaluation: Evaluation) -> bool:
        return evaluation.pk in self.context.get("withheld", ())

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        if data["scoring_withheld"]:
            data.update({key: value for key, value in self.WITHHELD.items() if key in data})
        return data


class EvaluationListSerializer(ScoringWithheld, strict.ModelSerializer[Evaluation]):
    call = EvaluationCallSerializer(read_only=True)
    reviewer = PersonSerializer(read_only=True)
    scorecard = strict.CharField(source="scorecard_version.scorecard.name", read_only=True)
    scorecard_version = strict.IntegerField(source="scorecard_version.id", read_only=True)
    critical_error_count = strict.IntegerField(read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "call",
            "reviewer",
            "scorecard",
            "scorecard_version",
            "status",
            "revision",
            "score",
            "auto_failed",
            "critical_error_count",
            "selection",
            "target_reason",
            "target_note",
            "created_at",
            "submitted_at",
            "acknowledged_at",
            "superseded_at",
            "scoring_withheld",
        ]


class EvaluationDetailSerializer(EvaluationListSerializer):
    answers = AnswerSerializer(many=True, read_only=True)
    points_earned = strict.IntegerField(read_only=True, allow_null=True)
    points_possible = strict.IntegerField(read_only=True, allow_null=True)
    critical_errors = CriticalErrorSerializer(many=True, read_only=True)
    critical_policy = strict.CharField(source="scorecard_version.critical_policy", read_only=True)

    class Meta(EvaluationListSerializer.Meta):
        fields = [
            *EvaluationListSerializer.Meta.fields,
            "previous_revision",
            "summary",
            "critical_policy",
            "points_earned",
            "points_possible",
            "answers",
            "critical_errors",
        ]


class EvaluationCreateInput(serializers.Serializer[dict[str, Any]]):
    call = strict.PrimaryKeyRelatedField(queryset=Call.objects.none())
    scorecard_version = strict.PrimaryKeyRelatedField(queryset=ScorecardVersion.objects.exclude(status="draft"))
    target_reason = strict.ChoiceField(
        choices=TargetReason.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Makes this a targeted review (e.g. a complaint); by default its critical errors do not count.",
    )
    target_note = strict.CharField(required=False, allow_blank=True, default="", max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["call"].queryset = calls_visible_to(request.user)  # type: ignore[attr-defined]


class AnswerInputSerializer(serializers.Serializer[dict[str, Any]]):
    criterion = strict.IntegerField(min_value=1)
    points = strict.IntegerField(min_value=0, allow_null=True, required=False, default=None)
    not_applicable = strict.BooleanField(default=False)
    comment = strict.CharField(required=False, allow_blank=True, default="")


class EvaluationUpdateInput(serializers.Serializer[dict[str, Any]]):
    answers = AnswerInputSerializer(many=True, required=False, default=list)
    summary = strict.CharField(required=False, allow_blank=True, allow_null=True, default=None)


class CriticalErrorInput(serializers.Serializer[dict[str, Any]]):
    type = strict.TypeCodeField()
    root_cause = strict.CauseCodeField(help_text="Why it happened: the code of a root cause in use")
    offset_seconds = strict.IntegerField(min_value=0)
    note = strict.CharField(max_length=5000)
    criterion = strict.PrimaryKeyRelatedField(
        queryset=Criterion.objects.select_related("section"), required=False, allow_null=True
    )
