"""Calls in and out."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from reviews.api import fields as strict
from reviews.api.serializers.common import AwareDateTimeField, PersonSerializer
from reviews.models import (
    Call,
    Channel,
)
from reviews.selectors import users_visible_to

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
