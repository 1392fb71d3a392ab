"""HTTP in, service or selector call, serializer out. No business rules here."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import JsonResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Role
from reviews.api import serializers as s
from reviews.api.permissions import RoleAccess, request_user
from reviews.api.ranges import UnsatisfiableRange, parse_range
from reviews.models import (
    Answer,
    Call,
    Channel,
    Criterion,
    CriticalError,
    CriticalErrorType,
    Evaluation,
    EvaluationStatus,
    Scorecard,
    ScorecardVersion,
    ScorecardVersionStatus,
    Section,
)
from reviews.selectors import (
    CALL_READER_ROLES,
    REVIEWER_ROLES,
    calls_visible_to,
    critical_error_types_visible_to,
    evaluations_visible_to,
    scorecard_versions_visible_to,
    scorecards_visible_to,
)
from reviews.services import calls as call_services
from reviews.services import critical_error_types as type_services
from reviews.services import evaluations as evaluation_services
from reviews.services import scorecards as scorecard_services

QA_LEAD_ONLY = frozenset({Role.QA_LEAD})
STREAM_CHUNK = 64 * 1024


class PassthroughRenderer(BaseRenderer):
    """Lets a binary response through DRF's content negotiation for any Accept header."""

    media_type = "*/*"
    format = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        return data


# --- Calls ----------------------------------------------------------------------------------


class CallFilter(django_filters.FilterSet):
    agent = django_filters.NumberFilter(field_name="agent_id")
    team = django_filters.NumberFilter(field_name="agent__team_id")
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    started_after = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="gte")
    started_before = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="lt")

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


@extend_schema_view(
    list=extend_schema(summary="Calls you may review or that are yours"),
    retrieve=extend_schema(summary="One call"),
)
class CallViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Call]):
    permission_classes = [RoleAccess]
    read_roles = CALL_READER_ROLES
    write_roles = REVIEWER_ROLES
    serializer_class = s.CallSerializer
    filterset_class = CallFilter

    def get_queryset(self) -> QuerySet[Call]:
        return calls_visible_to(self.request.user)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        # Errors from the binary recording endpoint are JSON like everywhere else.
        if isinstance(response, Response) and self.action == "recording":
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": s.CallCreateInput, "application/json": s.CallCreateInput},
        responses={201: s.CallSerializer},
        summary="Register a call (with an optional recording)",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.CallCreateInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        call = call_services.call_create(acting_user=request_user(request), **data.validated_data)
        return Response(s.CallSerializer(call).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Stream the recording (HTTP Range supported; every request is audited)",
        parameters=[OpenApiParameter("Range", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False)],
        responses={
            (200, "audio/wav"): OpenApiResponse(OpenApiTypes.BINARY, description="The whole recording"),
            (206, "audio/wav"): OpenApiResponse(OpenApiTypes.BINARY, description="The requested byte range"),
            416: OpenApiResponse(description="The range lies outside the recording"),
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[PassthroughRenderer])
    def recording(self, request: Request, pk: str | None = None) -> StreamingHttpResponse | JsonResponse:
        call = self.get_object()
        size = call.recording.size if call.recording else 0
        header = request.headers.get("Range", "")
        try:
            byte_range = parse_range(header, size)
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


# --- Scorecards -------------------------------------------------------------------------------


class ScorecardViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Scorecard]):
    permission_classes = [RoleAccess]
    write_roles = QA_LEAD_ONLY
    serializer_class = s.ScorecardSerializer

    def get_queryset(self) -> QuerySet[Scorecard]:
        user = self.request.user
        return scorecards_visible_to(user).prefetch_related(
            Prefetch(
                "versions",
                queryset=scorecard_versions_visible_to(user).order_by("-number"),
                to_attr="visible_versions",
            )
        )

    @extend_schema(
        request=s.ScorecardCreateInput,
        responses={201: s.ScorecardSerializer},
        summary="Create a scorecard with an empty draft version 1",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.ScorecardCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        scorecard = scorecard_services.scorecard_create(acting_user=request_user(request), **data.validated_data)
        return Response(s.ScorecardSerializer(self.get_queryset().get(pk=scorecard.pk)).data, status=201)

    @extend_schema(
        request=None,
        responses={201: s.ScorecardVersionSerializer},
        summary="Start a new draft version, copied from the latest one",
    )
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request: Request, pk: str | None = None) -> Response:
        draft = scorecard_services.scorecard_version_create_draft(
            scorecard=self.get_object(), acting_user=request_user(request)
        )
        return Response(s.ScorecardVersionSerializer(_version_with_content(draft.pk)).data, status=201)


def _version_with_content(pk: int) -> ScorecardVersion:
    return (
        ScorecardVersion.objects.select_related("scorecard")
        .prefetch_related("sections__criteria__critical_error_type")
        .get(pk=pk)
    )


class ScorecardVersionFilter(django_filters.FilterSet):
    scorecard = django_filters.NumberFilter(field_name="scorecard_id")
    status = django_filters.ChoiceFilter(choices=ScorecardVersionStatus.choices)

    class Meta:
        model = ScorecardVersion
        fields = ["scorecard", "status"]


class ScorecardVersionViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet[ScorecardVersion]):
    permission_classes = [RoleAccess]
    write_roles = QA_LEAD_ONLY
    serializer_class = s.ScorecardVersionSerializer
    filterset_class = ScorecardVersionFilter
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[ScorecardVersion]:
        return scorecard_versions_visible_to(self.request.user).prefetch_related(
            "sections__criteria__critical_error_type"
        )

    @extend_schema(
        request=s.ScorecardVersionUpdateInput,
        responses={200: s.ScorecardVersionSerializer},
        summary="Change a draft version's critical-error policy",
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.ScorecardVersionUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = scorecard_services.scorecard_version_update(
            version=self.get_object(),
            acting_user=request_user(request),
            **data.validated_data,
        )
        return Response(s.ScorecardVersionSerializer(_version_with_content(version.pk)).data)

    @extend_schema(
        request=None,
        responses={200: s.ScorecardVersionSerializer},
        summary="Publish a draft version (it becomes immutable)",
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        version = scorecard_services.scorecard_version_publish(
            version=self.get_object(), acting_user=request_user(request)
        )
        return Response(s.ScorecardVersionSerializer(_version_with_content(version.pk)).data)

    @extend_schema(request=s.SectionInput, responses={201: s.SectionSerializer}, summary="Add a section to a draft")
    @action(detail=True, methods=["post"])
    def sections(self, request: Request, pk: str | None = None) -> Response:
        data = s.SectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        section = scorecard_services.section_add(
            version=self.get_object(),
            acting_user=request_user(request),
            **data.validated_data,
        )
        return Response(s.SectionSerializer(section).data, status=201)


class SectionViewSet(mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet[Section]):
    permission_classes = [RoleAccess]
    read_roles = QA_LEAD_ONLY
    write_roles = QA_LEAD_ONLY
    serializer_class = s.SectionSerializer
    http_method_names = ["patch", "delete", "post", "options"]

    def get_queryset(self) -> QuerySet[Section]:
        return Section.objects.filter(version__in=scorecard_versions_visible_to(self.request.user)).select_related(
            "version"
        )

    @extend_schema(request=s.SectionInput, responses={200: s.SectionSerializer}, summary="Rename or move a section")
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.SectionInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        section = scorecard_services.section_update(
            section=self.get_object(),
            acting_user=request_user(request),
            **data.validated_data,
        )
        return Response(s.SectionSerializer(section).data)

    def perform_destroy(self, instance: Section) -> None:
        scorecard_services.section_delete(section=instance, acting_user=request_user(self.request))

    @extend_schema(request=s.CriterionInput, responses={201: s.CriterionSerializer}, summary="Add a criterion")
    @action(detail=True, methods=["post"])
    def criteria(self, request: Request, pk: str | None = None) -> Response:
        data = s.CriterionInput(data=request.data)
        data.is_valid(raise_exception=True)
        criterion = scorecard_services.criterion_add(
            section=self.get_object(),
            acting_user=request_user(request),
            **data.validated_data,
        )
        return Response(s.CriterionSerializer(criterion).data, status=201)


class CriterionViewSet(mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet[Criterion]):
    permission_classes = [RoleAccess]
    read_roles = QA_LEAD_ONLY
    write_roles = QA_LEAD_ONLY
    serializer_class = s.CriterionSerializer
    http_method_names = ["patch", "delete", "options"]

    def get_queryset(self) -> QuerySet[Criterion]:
        return Criterion.objects.filter(
            section__version__in=scorecard_versions_visible_to(self.request.user)
        ).select_related("section__version", "critical_error_type")

    @extend_schema(request=s.CriterionInput, responses={200: s.CriterionSerializer}, summary="Change a criterion")
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.CriterionInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        criterion = scorecard_services.criterion_update(
            criterion=self.get_object(),
            acting_user=request_user(request),
            **data.validated_data,
        )
        return Response(s.CriterionSerializer(criterion).data)

    def perform_destroy(self, instance: Criterion) -> None:
        scorecard_services.criterion_delete(criterion=instance, acting_user=request_user(self.request))


# --- Critical-error types -------------------------------------------------------------------------


class CriticalErrorTypeViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet[CriticalErrorType]
):
    permission_classes = [RoleAccess]
    write_roles = QA_LEAD_ONLY
    serializer_class = s.CriticalErrorTypeSerializer
    pagination_class = None
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[CriticalErrorType]:
        return critical_error_types_visible_to(self.request.user)

    @extend_schema(request=s.CriticalErrorTypeCreateInput, responses={201: s.CriticalErrorTypeSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.CriticalErrorTypeCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        error_type = type_services.critical_error_type_create(acting_user=request_user(request), **data.validated_data)
        return Response(s.CriticalErrorTypeSerializer(error_type).data, status=201)

    @extend_schema(request=s.CriticalErrorTypeUpdateInput, responses={200: s.CriticalErrorTypeSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.CriticalErrorTypeUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        error_type = type_services.critical_error_type_update(
            error_type=self.get_object(),
            acting_user=request_user(request),
            **data.validated_data,
        )
        return Response(s.CriticalErrorTypeSerializer(error_type).data)


# --- Evaluations -----------------------------------------------------------------------------------


class EvaluationFilter(django_filters.FilterSet):
    agent = django_filters.NumberFilter(field_name="call__agent_id")
    team = django_filters.NumberFilter(field_name="call__agent__team_id")
    reviewer = django_filters.NumberFilter(field_name="reviewer_id")
    call = django_filters.NumberFilter(field_name="call_id")
    status = django_filters.ChoiceFilter(choices=EvaluationStatus.choices)
    submitted_after = django_filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="gte")
    submitted_before = django_filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="lt")

    class Meta:
        model = Evaluation
        fields = ["agent", "team", "reviewer", "call", "status", "submitted_after", "submitted_before"]


@extend_schema_view(
    list=extend_schema(summary="Evaluations you may see"),
    retrieve=extend_schema(summary="One evaluation with its answers and critical errors"),
)
class EvaluationViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet[Evaluation]):
    permission_classes = [RoleAccess]
    read_roles = CALL_READER_ROLES
    write_roles = REVIEWER_ROLES
    action_roles = {"acknowledge": frozenset({Role.AGENT})}
    filterset_class = EvaluationFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Evaluation]:
        # Grouped queries drop Meta.ordering, so the order is explicit (pagination needs one).
        queryset = (
            evaluations_visible_to(self.request.user)
            .annotate(critical_error_count=Count("critical_errors", filter=Q(critical_errors__status="active")))
            .order_by("-created_at", "-id")
        )
        if self.action == "list":
            return queryset
        return queryset.prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("criterion")),
            Prefetch("critical_errors", queryset=CriticalError.objects.select_related("type")),
        )

    def get_serializer_class(self) -> type[Any]:
        return s.EvaluationListSerializer if self.action == "list" else s.EvaluationDetailSerializer

    def _detail(self, evaluation: Evaluation, code: int = 200) -> Response:
        fresh = self.get_queryset().get(pk=evaluation.pk)
        return Response(s.EvaluationDetailSerializer(fresh).data, status=code)

    @extend_schema(
        request=s.EvaluationCreateInput,
        responses={201: s.EvaluationDetailSerializer},
        summary="Start a draft evaluation of a call",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.EvaluationCreateInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        evaluation = evaluation_services.evaluation_create(acting_user=request_user(request), **data.validated_data)
        return self._detail(evaluation, 201)

    @extend_schema(
        request=s.EvaluationUpdateInput,
        responses={200: s.EvaluationDetailSerializer},
        summary="Save answers (points or N/A) and the summary of a draft",
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.EvaluationUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        answers = [
            evaluation_services.AnswerInput(
                criterion_id=a["criterion"],
                points=a["points"],
                not_applicable=a["not_applicable"],
                comment=a["comment"],
            )
            for a in data.validated_data["answers"]
        ]
        evaluation = evaluation_services.evaluation_answers_save(
            evaluation=self.get_object(),
            answers=answers,
            summary=data.validated_data["summary"],
            acting_user=request_user(request),
        )
        return self._detail(evaluation)

    @extend_schema(
        request=s.CriticalErrorInput,
        responses={201: s.CriticalErrorSerializer},
        summary="Log a critical error at a moment of the recording",
    )
    @action(detail=True, methods=["post"], url_path="critical-errors")
    def critical_errors(self, request: Request, pk: str | None = None) -> Response:
        evaluation = self.get_object()
        data = s.CriticalErrorInput(data=request.data)
        data.is_valid(raise_exception=True)
        error = evaluation_services.critical_error_log(
            evaluation=evaluation,
            error_type=data.validated_data["type"],
            offset_seconds=data.validated_data["offset_seconds"],
            note=data.validated_data["note"],
            criterion=data.validated_data.get("criterion"),
            acting_user=request_user(request),
        )
        return Response(s.CriticalErrorSerializer(error).data, status=201)

    @extend_schema(request=None, responses={204: None}, summary="Remove a critical error from a draft")
    @action(detail=True, methods=["delete"], url_path=r"critical-errors/(?P<error_id>\d+)")
    def remove_critical_error(self, request: Request, pk: str | None = None, error_id: str | None = None) -> Response:
        evaluation = self.get_object()
        error = evaluation.critical_errors.get(pk=int(error_id or 0))
        evaluation_services.critical_error_remove(critical_error=error, acting_user=request_user(request))
        return Response(status=204)

    @extend_schema(request=None, responses={200: s.EvaluationDetailSerializer}, summary="Submit a complete draft")
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        evaluation = evaluation_services.evaluation_submit(
            evaluation=self.get_object(), acting_user=request_user(request)
        )
        return self._detail(evaluation)

    @extend_schema(
        request=None,
        responses={200: s.EvaluationDetailSerializer},
        summary="Acknowledge that you saw this evaluation (not that you agree)",
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        evaluation = evaluation_services.evaluation_acknowledge(
            evaluation=self.get_object(), acting_user=request_user(request)
        )
        return self._detail(evaluation)
