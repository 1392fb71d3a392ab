"""HTTP in, service or selector call, serializer out. No business rules here."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Role
from reviews.api.filters import IdFilter, UtcDateTimeFilter
from reviews.api.pagination import keyset
from reviews.api.permissions import RoleAccess, request_user
from reviews.api.serializers.evaluations import (
    CauseChangeInput,
    CriticalErrorInput,
    CriticalErrorSerializer,
    EvaluationCreateInput,
    EvaluationDetailSerializer,
    EvaluationListSerializer,
    EvaluationUpdateInput,
)
from reviews.models import (
    Answer,
    Evaluation,
    EvaluationStatus,
)
from reviews.selectors import (
    CALL_READER_ROLES,
    REVIEWER_ROLES,
    critical_errors_shown,
    evaluations_visible_to,
    with_critical_error_counts,
)
from reviews.selectors.self_evaluations import withheld_evaluation_ids
from reviews.services import critical_errors as critical_error_services
from reviews.services import evaluations as evaluation_services
from reviews.services.root_causes import critical_error_cause_change


class EvaluationFilter(django_filters.FilterSet):
    agent = IdFilter(field_name="call__agent_id")
    team = IdFilter(field_name="call__agent__team_id")
    reviewer = IdFilter(field_name="reviewer_id")
    call = IdFilter(field_name="call_id")
    status = django_filters.ChoiceFilter(choices=EvaluationStatus.choices)
    submitted_after = UtcDateTimeFilter(field_name="submitted_at", lookup_expr="gte")
    submitted_before = UtcDateTimeFilter(field_name="submitted_at", lookup_expr="lt")

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
    pagination_class = keyset("-created_at", "-id")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Evaluation]:
        queryset = with_critical_error_counts(evaluations_visible_to(self.request.user)).order_by("-created_at", "-id")
        if self.action == "list":
            return queryset
        return queryset.prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("criterion")),
            Prefetch("critical_errors", queryset=critical_errors_shown()),
        )

    def get_serializer_class(self) -> type[Any]:
        return EvaluationListSerializer if self.action == "list" else EvaluationDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        # An agent who may still score a call themselves does not get the reviewer's scoring yet.
        return {**super().get_serializer_context(), "withheld": withheld_evaluation_ids(self.request.user)}

    def _detail(self, evaluation: Evaluation, code: int = 200) -> Response:
        fresh = self.get_queryset().get(pk=evaluation.pk)
        return Response(EvaluationDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        request=EvaluationCreateInput,
        responses={201: EvaluationDetailSerializer},
        summary="Start a draft evaluation of a call",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = EvaluationCreateInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        evaluation = evaluation_services.evaluation_create(acting_user=request_user(request), **data.validated_data)
        return self._detail(evaluation, 201)

    @extend_schema(
        request=EvaluationUpdateInput,
        responses={200: EvaluationDetailSerializer},
        summary="Save answers (points or N/A) and the summary of a draft",
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = EvaluationUpdateInput(data=request.data)
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
        request=CriticalErrorInput,
        responses={201: CriticalErrorSerializer},
        summary="Log a critical error at a moment of the recording",
    )
    @action(detail=True, methods=["post"], url_path="critical-errors")
    def critical_errors(self, request: Request, pk: str | None = None) -> Response:
        evaluation = self.get_object()
        data = CriticalErrorInput(data=request.data)
        data.is_valid(raise_exception=True)
        error = critical_error_services.critical_error_log(
            evaluation=evaluation,
            error_type=data.validated_data["type"],
            offset_seconds=data.validated_data["offset_seconds"],
            note=data.validated_data["note"],
            criterion=data.validated_data.get("criterion"),
            root_cause=data.validated_data["root_cause"],
            acting_user=request_user(request),
        )
        return Response(CriticalErrorSerializer(error).data, status=201)

    @extend_schema(request=None, responses={204: None}, summary="Remove a critical error from a draft")
    @action(detail=True, methods=["delete"], url_path=r"critical-errors/(?P<error_id>\d+)")
    def remove_critical_error(self, request: Request, pk: str | None = None, error_id: str | None = None) -> Response:
        evaluation = self.get_object()
        error = evaluation.critical_errors.get(pk=int(error_id or 0))
        critical_error_services.critical_error_remove(critical_error=error, acting_user=request_user(request))
        return Response(status=204)

    @extend_schema(
        request=CauseChangeInput,
        responses={200: CriticalErrorSerializer},
        summary="Change a critical error's root cause, with a reason (an open alert's decider or an appeal's handler)",
    )
    @action(detail=True, methods=["post"], url_path=r"critical-errors/(?P<error_id>\d+)/root-cause")
    def change_root_cause(self, request: Request, pk: str | None = None, error_id: str | None = None) -> Response:
        evaluation = self.get_object()
        error = evaluation.critical_errors.get(pk=int(error_id or 0))
        data = CauseChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        error = critical_error_cause_change(
            error=error,
            root_cause=data.validated_data["root_cause"],
            reason=data.validated_data["reason"],
            acting_user=request_user(request),
        )
        fresh = self.get_queryset().get(pk=evaluation.pk).critical_errors.all()
        return Response(CriticalErrorSerializer(next(e for e in fresh if e.pk == error.pk)).data)

    @extend_schema(request=None, responses={200: EvaluationDetailSerializer}, summary="Submit a complete draft")
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        evaluation = evaluation_services.evaluation_submit(
            evaluation=self.get_object(), acting_user=request_user(request)
        )
        return self._detail(evaluation)

    @extend_schema(
        request=None,
        responses={200: EvaluationDetailSerializer},
        summary="Acknowledge that you saw this evaluation (not that you agree)",
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        evaluation = evaluation_services.evaluation_acknowledge(
            evaluation=self.get_object(), acting_user=request_user(request)
        )
        return self._detail(evaluation)
