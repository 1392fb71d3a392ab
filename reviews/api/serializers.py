"""Serializers only translate: output serializers describe rows, input serializers check shapes."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
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


class AwareDateTimeField(serializers.DateTimeField):
    """ISO 8601 with a UTC offset. A time without an offset is ambiguous (DST), so it is refused."""

    default_error_messages = {"naive": "Give the time with its UTC offset, e.g. 2026-11-02T09:15:00+01:00."}

    def enforce_timezone(self, value: Any) -> Any:
        if value.tzinfo is None or value.utcoffset() is None:
            self.fail("naive")
        return super().enforce_timezone(value)


class PersonSerializer(serializers.ModelSerializer[User]):
    display_name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "display_name"]

    def get_display_name(self, user: User) -> str:
        return user.get_full_name() or user.username


# --- Calls ------------------------------------------------------------------------


class CallSerializer(serializers.ModelSerializer[Call]):
    agent = PersonSerializer(read_only=True)
    team = serializers.CharField(source="agent.team.name", read_only=True, default=None)
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

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_recording_url(self, call: Call) -> str | None:
        return f"/api/v1/calls/{call.pk}/recording/" if call.recording else None


class CallCreateInput(serializers.Serializer[dict[str, Any]]):
    external_id = serializers.CharField(max_length=100)
    # DRF's metaclass moves declared fields off the class; the name only clashes for mypy.
    source = serializers.CharField(max_length=40, default="telephony")  # type: ignore[assignment]
    agent = serializers.PrimaryKeyRelatedField(queryset=User.objects.none())
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.PHONE)
    started_at = AwareDateTimeField()
    handle_time_seconds = serializers.IntegerField(min_value=0, max_value=86_400)
    recording = serializers.FileField(required=False, allow_empty_file=False)
    transcript = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["agent"].queryset = users_visible_to(request.user).filter(role="agent")  # type: ignore[attr-defined]


# --- Scorecards -------------------------------------------------------------------


class CriterionSerializer(serializers.ModelSerializer[Criterion]):
    critical_error_type: serializers.SlugRelatedField[CriticalErrorType] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Criterion
        fields = ["id", "text", "guidance", "max_points", "na_allowed", "critical_error_type", "position"]


class SectionSerializer(serializers.ModelSerializer[Section]):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["id", "title", "position", "criteria"]


class ScorecardVersionSummarySerializer(serializers.ModelSerializer[ScorecardVersion]):
    class Meta:
        model = ScorecardVersion
        fields = ["id", "number", "status", "critical_policy", "published_at", "retired_at"]


class ScorecardVersionSerializer(serializers.ModelSerializer[ScorecardVersion]):
    scorecard: serializers.PrimaryKeyRelatedField[Scorecard] = serializers.PrimaryKeyRelatedField(read_only=True)
    scorecard_name = serializers.CharField(source="scorecard.name", read_only=True)
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


class ScorecardSerializer(serializers.ModelSerializer[Scorecard]):
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
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    critical_policy = serializers.ChoiceField(choices=CriticalPolicy.choices, default=CriticalPolicy.SEPARATE)


class ScorecardVersionUpdateInput(serializers.Serializer[dict[str, Any]]):
    critical_policy = serializers.ChoiceField(choices=CriticalPolicy.choices)


class SectionInput(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField(max_length=200)
    position = serializers.IntegerField(min_value=0, max_value=10_000, required=False)


class CriterionInput(serializers.Serializer[dict[str, Any]]):
    text = serializers.CharField(max_length=300)
    guidance = serializers.CharField(required=False, allow_blank=True, default="")
    max_points = serializers.IntegerField(min_value=1, max_value=1000)
    na_allowed = serializers.BooleanField(default=False)
    critical_error_type = serializers.SlugRelatedField(
        slug_field="code", queryset=CriticalErrorType.objects.all(), required=False, allow_null=True
    )
    position = serializers.IntegerField(min_value=0, max_value=10_000, required=False)


# --- Critical-error types -------------------------------------------------------------


class CriticalErrorTypeSerializer(serializers.ModelSerializer[CriticalErrorType]):
    class Meta:
        model = CriticalErrorType
        fields = ["id", "code", "label_nl", "label_en", "description", "counts_toward_thresholds", "is_active"]
        read_only_fields = fields


class CriticalErrorTypeCreateInput(serializers.Serializer[dict[str, Any]]):
    code = serializers.CharField(max_length=50)
    label_nl = serializers.CharField(max_length=200)
    label_en = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    counts_toward_thresholds = serializers.BooleanField(default=True)


class CriticalErrorTypeUpdateInput(serializers.Serializer[dict[str, Any]]):
    label_nl = serializers.CharField(max_length=200, required=False)
    label_en = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    counts_toward_thresholds = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False)


# --- Evaluations ----------------------------------------------------------------------


class AnswerSerializer(serializers.ModelSerializer[Answer]):
    criterion_text = serializers.CharField(source="criterion.text", read_only=True)
    max_points = serializers.IntegerField(source="criterion.max_points", read_only=True)

    class Meta:
        model = Answer
        fields = ["criterion", "criterion_text", "max_points", "points", "not_applicable", "comment"]


class CriticalErrorSerializer(serializers.ModelSerializer[CriticalError]):
    type: serializers.SlugRelatedField[CriticalErrorType] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    type_label_nl = serializers.CharField(source="type.label_nl", read_only=True)
    type_label_en = serializers.CharField(source="type.label_en", read_only=True)

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


class EvaluationCallSerializer(serializers.ModelSerializer[Call]):
    agent = PersonSerializer(read_only=True)

    class Meta:
        model = Call
        fields = ["id", "external_id", "agent", "channel", "started_at", "handle_time_seconds"]


class EvaluationListSerializer(serializers.ModelSerializer[Evaluation]):
    call = EvaluationCallSerializer(read_only=True)
    reviewer = PersonSerializer(read_only=True)
    scorecard = serializers.CharField(source="scorecard_version.scorecard.name", read_only=True)
    scorecard_version = serializers.IntegerField(source="scorecard_version.id", read_only=True)
    critical_error_count = serializers.IntegerField(read_only=True)

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
    critical_policy = serializers.CharField(source="scorecard_version.critical_policy", read_only=True)

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
    call = serializers.PrimaryKeyRelatedField(queryset=Call.objects.none())
    scorecard_version = serializers.PrimaryKeyRelatedField(queryset=ScorecardVersion.objects.exclude(status="draft"))
    target_reason = serializers.ChoiceField(
        choices=TargetReason.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Makes this a targeted review (e.g. a complaint); by default its critical errors do not count.",
    )
    target_note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["call"].queryset = calls_visible_to(request.user)  # type: ignore[attr-defined]


class AnswerInputSerializer(serializers.Serializer[dict[str, Any]]):
    criterion = serializers.IntegerField(min_value=1)
    points = serializers.IntegerField(min_value=0, allow_null=True, required=False, default=None)
    not_applicable = serializers.BooleanField(default=False)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class EvaluationUpdateInput(serializers.Serializer[dict[str, Any]]):
    answers = AnswerInputSerializer(many=True, required=False, default=list)
    summary = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)


class CriticalErrorInput(serializers.Serializer[dict[str, Any]]):
    type = serializers.SlugRelatedField(slug_field="code", queryset=CriticalErrorType.objects.all())
    offset_seconds = serializers.IntegerField(min_value=0)
    note = serializers.CharField(max_length=5000)
    criterion = serializers.PrimaryKeyRelatedField(
        queryset=Criterion.objects.select_related("section"), required=False, allow_null=True
    )
