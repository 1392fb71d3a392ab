from __future__ import annotations

from typing import Any

from rest_framework import serializers

from reviews.api import fields as strict
from reviews.api.serializers.common import PersonSerializer
from reviews.api.serializers.evaluations import RootCauseBriefSerializer
from reviews.models import ConfirmationTask

# What the second reviewer listens to: this many seconds either side of the error's moment.
LISTEN_AROUND_SECONDS = 30


class ConfirmationTaskSerializer(strict.ModelSerializer[ConfirmationTask]):
    """What the second reviewer needs, and nothing of the first judgment (no note, cause or reviewer)."""

    call = strict.IntegerField(source="critical_error.evaluation.call_id", read_only=True)
    call_external_id = strict.CharField(source="critical_error.evaluation.call.external_id", read_only=True)
    error_type = strict.CharField(source="critical_error.type.code", read_only=True)
    error_type_label_nl = strict.CharField(source="critical_error.type.label_nl", read_only=True)
    error_type_label_en = strict.CharField(source="critical_error.type.label_en", read_only=True)
    offset_seconds = strict.IntegerField(source="critical_error.offset_seconds", read_only=True)
    listen_from_seconds = serializers.SerializerMethodField()
    listen_until_seconds = serializers.SerializerMethodField()

    class Meta:
        model = ConfirmationTask
        fields = [
            "id",
            "status",
            "due_on",
            "created_at",
            "call",
            "call_external_id",
            "error_type",
            "error_type_label_nl",
            "error_type_label_en",
            "offset_seconds",
            "listen_from_seconds",
            "listen_until_seconds",
            "found",
            "note",
            "answered_at",
        ]

    def get_listen_from_seconds(self, task: ConfirmationTask) -> int:
        return max(0, task.critical_error.offset_seconds - LISTEN_AROUND_SECONDS)

    def get_listen_until_seconds(self, task: ConfirmationTask) -> int:
        call = task.critical_error.evaluation.call
        return min(call.handle_time_seconds, task.critical_error.offset_seconds + LISTEN_AROUND_SECONDS)


class ConfirmationTaskDecisionSerializer(ConfirmationTaskSerializer):
    """For the QA lead who decides a disagreement: both judgments side by side."""

    first_reviewer = PersonSerializer(read_only=True)
    assignee = PersonSerializer(read_only=True)
    first_note = strict.CharField(source="critical_error.note", read_only=True)
    root_cause = RootCauseBriefSerializer(source="critical_error.root_cause", read_only=True, allow_null=True)
    decided_by = PersonSerializer(read_only=True, allow_null=True)

    class Meta(ConfirmationTaskSerializer.Meta):
        fields = [
            *ConfirmationTaskSerializer.Meta.fields,
            "first_reviewer",
            "first_note",
            "root_cause",
            "assignee",
            "decided_by",
            "rationale",
            "decided_at",
        ]


class ConfirmationAnswerInput(serializers.Serializer[dict[str, Any]]):
    found = strict.BooleanField(help_text="Is the critical error there, at or around its moment?")
    note = strict.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ConfirmationDecisionInput(serializers.Serializer[dict[str, Any]]):
    confirmed = strict.BooleanField(help_text="Does the error stand (it then counts)?")
    rationale = strict.CharField(max_length=5000, help_text="Why (at least 20 characters)")
