"""HTTP in, service or selector call, serializer out. No business rules here."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import JsonResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from reviews.api.filters import IdFilter, UtcDateTimeFilter
from reviews.api.pagination import keyset
from reviews.api.permissions import RoleAccess, request_user
from reviews.api.ranges import UnsatisfiableRange, parse_range
from reviews.api.serializers.calls import CallCreateInput, CallSerializer
from reviews.api.serializers.transcripts import (
    ConversationInput,
    ConversationSerializer,
    TranscriptInput,
    TranscriptSerializer,
)
from reviews.api.views.common import STREAM_CHUNK, PassthroughRenderer
from reviews.api.views.transcripts import JsonLinesParser
from reviews.domain.transcripts import json_lines, read_messages, read_segments
from reviews.models import (
    Call,
    Channel,
)
from reviews.selectors import (
    CALL_READER_ROLES,
    REVIEWER_ROLES,
    calls_visible_to,
)
from reviews.selectors.transcripts import segments_of
from reviews.services import calls as call_services
from reviews.services import transcripts as call_services_transcripts


class CallFilter(django_filters.FilterSet):
    agent = IdFilter(field_name="agent_id")
    team = IdFilter(field_name="agent__team_id")
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    started_after = UtcDateTimeFilter(field_name="started_at", lookup_expr="gte")
    started_before = UtcDateTimeFilter(field_name="started_at", lookup_expr="lt")

    class Meta:
        model = Call
        fields = ["agent", "team", "channel", "started_after", "started_before"]


def _iter_file(handle: Any, start: int, length: int) -> Any:
    try:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(STREAM_CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


RECORDING_SCHEMA = extend_schema(
    summary="Stream the recording (HTTP Range supported; every request is audited)",
    parameters=[OpenApiParameter("Range", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False)],
    responses={
        (200, "audio/wav"): OpenApiResponse(OpenApiTypes.BINARY, description="The whole recording"),
        (206, "audio/wav"): OpenApiResponse(OpenApiTypes.BINARY, description="The requested byte range"),
        416: OpenApiResponse(description="The range lies outside the recording"),
    },
)


def stream_recording(request: Request, call: Call) -> StreamingHttpResponse | JsonResponse:
    """Stream a call's recording, honouring one HTTP byte range; the playback is audited first."""
    call_services.call_recording_check(call)  # no recording: said before any range is read
    size = call.recording.size
    try:
        byte_range = parse_range(request.headers.get("Range", ""), size)
    except UnsatisfiableRange:
        return JsonResponse(
            {"code": "range_not_satisfiable", "detail": f"The recording has {size} bytes."},
            status=status.HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE,
            headers={"Content-Range": f"bytes */{size}"},
        )
    handle = call_services.call_recording_open(
        call=call,
        acting_user=request_user(request),
        byte_range=f"{byte_range.start}-{byte_range.end}" if byte_range else "",
    )
    content_type = call.recording_content_type or "application/octet-stream"
    if byte_range is None:
        streaming = StreamingHttpResponse(_iter_file(handle, 0, size), content_type=content_type)
        streaming["Content-Length"] = str(size)
    else:
        streaming = StreamingHttpResponse(
            _iter_file(handle, byte_range.start, byte_range.length), status=206, content_type=content_type
        )
        streaming["Content-Length"] = str(byte_range.length)
        streaming["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end}/{size}"
    streaming["Accept-Ranges"] = "bytes"
    streaming["Cache-Control"] = "private, no-store"
    return streaming


class BinaryErrorsAsJson:
    """Errors from a binary (audio) endpoint are JSON like everywhere else."""

    binary_actions: tuple[str, ...] = ("recording",)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(response, Response) and getattr(self, "action", None) in self.binary_actions:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]


@extend_schema_view(
    list=extend_schema(summary="Calls you may review or that are yours"),
    retrieve=extend_schema(summary="One call"),
)
class CallViewSet(BinaryErrorsAsJson, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Call]):
    permission_classes = [RoleAccess]
    read_roles = CALL_READER_ROLES
    write_roles = REVIEWER_ROLES
    serializer_class = CallSerializer
    filterset_class = CallFilter
    pagination_class = keyset("-started_at", "-id")
    # A call may come with its recording: JSON, or multipart with the file.
    parser_classes = [JSONParser, MultiPartParser]

    def get_queryset(self) -> QuerySet[Call]:
        return calls_visible_to(self.request.user)

    @extend_schema(
        request={"multipart/form-data": CallCreateInput, "application/json": CallCreateInput},
        responses={201: CallSerializer},
        summary="Register a call (with an optional recording)",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CallCreateInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        call = call_services.call_create(acting_user=request_user(request), **data.validated_data)
        return Response(CallSerializer(call).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        request=None,
        responses={200: TranscriptSerializer},
        summary="The call's transcript, segment by segment",
    )
    @extend_schema(
        methods=["PUT"],
        request={"application/json": TranscriptInput, "application/x-ndjson": OpenApiTypes.STR},
        responses={200: TranscriptSerializer},
        summary="Add or replace the transcript: segments as JSON, or JSON lines (problems named per line)",
    )
    @action(detail=True, methods=["get", "put"], parser_classes=[JSONParser, JsonLinesParser])
    def transcript(self, request: Request, pk: str | None = None) -> Response:
        call = self._replace_said(request, TranscriptInput, "segments", messages=False)
        return Response(TranscriptSerializer({"segments": segments_of(call)}).data)

    def _replace_said(self, request: Request, given: type[Any], key: str, *, messages: bool) -> Call:
        """The call; on PUT, what was said in it replaced: JSON (``given``, a list under ``key``) or JSON
        lines, read line by line as a chat's messages or a call's transcript."""
        call = self.get_object()
        if request.method == "PUT":
            if isinstance(request.data, str):
                items = json_lines(request.data)
            else:
                data = given(data=request.data)
                data.is_valid(raise_exception=True)
                items = [dict(item) for item in data.validated_data[key]]
            read = read_messages if messages else read_segments
            said, problems = read(items, duration_seconds=call.handle_time_seconds)
            call_services_transcripts.call_transcript_replace(
                call=call, segments=said, problems=dict(problems), messages=messages, acting_user=request_user(request)
            )
        return call

    @extend_schema(
        methods=["GET"],
        request=None,
        responses={200: ConversationSerializer},
        summary="A chat's or e-mail's messages",
    )
    @extend_schema(
        methods=["PUT"],
        request={"application/json": ConversationInput, "application/x-ndjson": OpenApiTypes.STR},
        responses={200: ConversationSerializer},
        summary="Add or replace a chat's or e-mail's messages: JSON, or JSON lines (problems named per line)",
    )
    @action(detail=True, methods=["get", "put"], parser_classes=[JSONParser, JsonLinesParser])
    def messages(self, request: Request, pk: str | None = None) -> Response:
        call = self._replace_said(request, ConversationInput, "messages", messages=True)
        return Response(ConversationSerializer({"messages": segments_of(call)}).data)

    @RECORDING_SCHEMA
    @action(detail=True, methods=["get"], renderer_classes=[PassthroughRenderer])
    def recording(self, request: Request, pk: str | None = None) -> StreamingHttpResponse | JsonResponse:
        return stream_recording(request, self.get_object())
