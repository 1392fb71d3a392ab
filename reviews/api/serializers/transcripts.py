"""Transcripts as segments, and what a search of them found."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from reviews.api import fields as strict
from reviews.api.serializers.common import PersonSerializer
from reviews.domain.transcripts import MAX_CONVERSATION_SECONDS, MAX_MESSAGE_TEXT
from reviews.models import Channel, Speaker, TranscriptSegment


class SegmentSerializer(strict.ModelSerializer[TranscriptSegment]):
    start = serializers.SerializerMethodField(help_text="Seconds from the start of the call")
    end = serializers.SerializerMethodField(help_text="Seconds from the start of the call (null for a message)")

    def get_start(self, segment: TranscriptSegment) -> float:
        return segment.start_ms / 1000

    def get_end(self, segment: TranscriptSegment) -> float | None:
        return segment.end_ms / 1000 if segment.end_ms is not None else None

    class Meta:
        model = TranscriptSegment
        fields = ["position", "start", "end", "speaker", "text"]


class TranscriptSerializer(serializers.Serializer[Any]):
    segments = SegmentSerializer(many=True)


class MessageSerializer(strict.ModelSerializer[TranscriptSegment]):
    time = serializers.SerializerMethodField(help_text="Seconds from the start of the conversation")
    side = strict.CharField(source="speaker", read_only=True, help_text="agent | customer")

    def get_time(self, segment: TranscriptSegment) -> float:
        return segment.start_ms / 1000

    class Meta:
        model = TranscriptSegment
        fields = ["position", "time", "side", "text"]


class ConversationSerializer(serializers.Serializer[Any]):
    messages = MessageSerializer(many=True)


class MessageInput(serializers.Serializer[dict[str, Any]]):
    time = serializers.FloatField(
        min_value=0, max_value=MAX_CONVERSATION_SECONDS, help_text="Seconds from the start of the conversation"
    )
    side = strict.ChoiceField(choices=[("agent", "agent"), ("customer", "customer")])
    text = strict.CharField(max_length=MAX_MESSAGE_TEXT)


class ConversationInput(serializers.Serializer[dict[str, Any]]):
    messages = MessageInput(many=True, max_length=5000, allow_empty=False)  # type: ignore[call-arg]


class SegmentInput(serializers.Serializer[dict[str, Any]]):
    start = serializers.FloatField(min_value=0, max_value=86_400, help_text="Seconds from the start of the call")
    end = serializers.FloatField(min_value=0, max_value=86_400, help_text="Seconds; after start")
    speaker = strict.ChoiceField(choices=Speaker.choices)
    text = strict.CharField(max_length=5000)


class TranscriptInput(serializers.Serializer[dict[str, Any]]):
    segments = SegmentInput(many=True, max_length=5000, allow_empty=False)  # type: ignore[call-arg]


class SearchHitSerializer(serializers.Serializer[Any]):
    call = strict.IntegerField(source="segment.call_id")
    call_external_id = strict.CharField(source="segment.call.external_id")
    channel = strict.ChoiceField(source="segment.call.channel", choices=Channel.choices)
    started_at = serializers.DateTimeField(source="segment.call.started_at")
    agent = PersonSerializer(source="segment.call.agent")
    position = strict.IntegerField(source="segment.position")
    start = serializers.FloatField(source="segment.start_seconds", help_text="Whole seconds: open the call here")
    speaker = strict.ChoiceField(source="segment.speaker", choices=Speaker.choices)
    snippet = strict.CharField(help_text="HTML: what was said, escaped, with the matched words in <mark>")


class SearchResultSerializer(serializers.Serializer[Any]):
    results = SearchHitSerializer(many=True)
    more = strict.BooleanField(help_text="More matched than shown: narrow the search")
