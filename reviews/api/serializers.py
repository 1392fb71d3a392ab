"""Serializers only translate: output serializers describe rows, input serializers check shapes."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from reviews.api import fields as strict
from reviews.models import (
    Answer,
    Call,
    Channel,
    Criterion,
    CriticalError,
    CriticalErrorType,
    CriticalPolicy,
    Evaluation,
    Scorecard,
    ScorecardVersion,
    Section,
    TargetReason,
)
from reviews.selectors import calls_visible_to, users_visible_to
from reviews.services.critical_error_types import CODE_PATTERN

# A time with its UTC offset (RFC 3339, 1970-2099): a time without one is ambiguous around DST.
AwareDateTimeField = strict.DateTimeField


class PersonSerializer(strict.ModelSerializer[User]):
    display_name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "display_name"]

    def get_display_name(self, user: User) -> str:
        return user.get_full_name() or user.username


# --- Calls ------------------------------------------------------------------------


class CallSerializer(strict.ModelSerializer[Call]):
    agent = PersonSerializer(read_only=True)
    team = strict.CharField(source="agent.team.name", read_only=True, default=None)
    has_recording = serializers.SerializerMethodField()
    recording_url = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "id",
            "source",
            "external_id",
            "agent",
            "team",
            "channel",
            "started_at",
            "handle_time_seconds",
            "has_recording",
            "recording_url",
            "recording_reference",
            "transcript",
            "created_at",
        ]

    def get_has_recording(self, call: Call) -> bool:
        return bool(call.recording)

    @extend_schema_field(strict.CharField(allow_null=True))
    def get_recording_url(self, call: Call) -> str | None:
        return f"/api/v1/calls/{call.pk}/recording/" if call.recording else None


class CallCreateInput(serializers.Serializer[dict[str, Any]]):
    external_id = strict.CharField(max_length=100)
    # DRF's metaclass moves declared fields off the class; the name only clashes for mypy.
    source = strict.CharField(max_length=40, default="telephony")  # type: ignore[assignment]
    agent = strict.PrimaryKeyRelatedField(queryset=User.objects.none())
    channel = strict.ChoiceField(choices=Channel.choices, default=Channel.PHONE)
    started_at = AwareDateTimeField()
    handle_time_seconds = strict.IntegerField(min_value=0, max_value=86_400)
    recording = serializers.FileField(required=False, allow_empty_file=False)
    transcript = strict.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["agent"].queryset = users_visible_to(request.user).filter(role="agent")  # type: ignore[attr-defined]


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
            "sections",
        ]


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


# --- Critical-error types -------------------------------------------------------------


class CriticalErrorTypeSerializer(strict.ModelSerializer[CriticalErrorType]):
    class Meta:
        model = CriticalErrorType
        fields = ["id", "code", "label_nl", "label_en", "description", "counts_toward_thresholds", "is_active"]
        read_only_fields = fields


class CriticalErrorTypeCreateInput(serializers.Serializer[dict[str, Any]]):
    code = strict.RegexField(
        CODE_PATTERN,
        max_length=50,
        trim_whitespace=False,
        error_messages={"invalid": "Use letters, digits and underscores."},
    )
    label_nl = strict.CharField(max_length=200)
    label_en = strict.CharField(max_length=200)
    description = strict.CharField(required=False, allow_blank=True, default="")
    counts_toward_thresholds = strict.BooleanField(default=True)


class CriticalErrorTypeUpdateInput(serializers.Serializer[dict[str, Any]]):
    label_nl = strict.CharField(max_length=200, required=False)
    label_en = strict.CharField(max_length=200, required=False)
    description = strict.CharField(required=False, allow_blank=True)
    counts_toward_thresholds = strict.BooleanField(required=False)
    is_active = strict.BooleanField(required=False)


# --- Evaluations ----------------------------------------------------------------------


class AnswerSerializer(strict.ModelSerializer[Answer]):
    criterion_text = strict.CharField(source="criterion.text", read_only=True)
    max_points = strict.IntegerField(source="criterion.max_points", read_only=True)

    class Meta:
        model = Answer
        fields = ["criterion", "criterion_text", "max_points", "points", "not_applicable", "comment"]


class CriticalErrorSerializer(strict.ModelSerializer[CriticalError]):
    type: serializers.SlugRelatedField[CriticalErrorType] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    type_label_nl = strict.CharField(source="type.label_nl", read_only=True)
    type_label_en = strict.CharField(source="type.label_en", read_only=True)

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
            "status",
            "observed_at",
            "created_at",
        ]


class EvaluationCallSerializer(strict.ModelSerializer[Call]):
    agent = PersonSerializer(read_only=True)

    class Meta:
        model = Call
        fields = ["id", "external_id", "agent", "channel", "started_at", "handle_time_seconds"]


class EvaluationListSerializer(strict.ModelSerializer[Evaluation]):
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
        ]


class EvaluationDetailSerializer(EvaluationListSerializer):
    answers = AnswerSerializer(many=True, read_only=True)
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
    offset_seconds = strict.IntegerField(min_value=0)
    note = strict.CharField(max_length=5000)
    criterion = strict.PrimaryKeyRelatedField(
        queryset=Criterion.objects.select_related("section"), required=False, allow_null=True
    )
