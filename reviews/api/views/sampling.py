"""Call imports, sampling policies and runs, review assignments and the fairness report."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Role
from reviews.api.filters import BoolFilter, IdFilter
from reviews.api.permissions import RoleAccess, request_user
from reviews.api.serializers.sampling import (
    ReviewAssignmentSerializer,
    SamplingPolicyChange,
    SamplingPolicyInput,
    SamplingPolicySerializer,
    SamplingRunInput,
    SamplingRunSerializer,
)
from reviews.api.throttles import CsvExportThrottle
from reviews.api.views.works_council import CSVRenderer
from reviews.domain.errors import DomainError
from reviews.domain.periods import MONTH_PATTERN
from reviews.models import ReviewAssignment, RunStatus, RunTrigger, SamplingPolicy, SamplingRun
from reviews.selectors.sampling import (
    assignments_visible_to,
    sampling_fairness,
    sampling_policies_visible_to,
    sampling_runs_visible_to,
)
from reviews.services import sampling as sampling_services
from reviews.services.figures import figures_refresh_before_read
from reviews.services.works_council import works_council_read_record

QA_LEAD = frozenset({Role.QA_LEAD})
QA_AND_COUNCIL = frozenset({Role.QA_LEAD, Role.WORKS_COUNCIL})
PERIOD_PARAM = OpenApiParameter(
    "period", {"type": "string", "pattern": MONTH_PATTERN}, required=True, description="The month, YYYY-MM"
)
FORMAT_PARAM = OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], description="csv for a spreadsheet")


@extend_schema_view(
    list=extend_schema(summary="Sampling policies"),
    retrieve=extend_schema(summary="One sampling policy"),
)
class SamplingPolicyViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet[SamplingPolicy]
):
    permission_classes = [RoleAccess]
    read_roles = QA_AND_COUNCIL
    write_roles = QA_LEAD
    action_roles = {"fairness": QA_AND_COUNCIL}
    serializer_class = SamplingPolicySerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[SamplingPolicy]:
        return sampling_policies_visible_to(self.request.user)

    @extend_schema(request=SamplingPolicyInput, responses={201: SamplingPolicySerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = SamplingPolicyInput(data=request.data)
        data.is_valid(raise_exception=True)
        policy = sampling_services.sampling_policy_create(acting_user=request_user(request), **data.validated_data)
        return Response(SamplingPolicySerializer(policy).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SamplingPolicyChange, responses={200: SamplingPolicySerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = SamplingPolicyChange(data=request.data)
        data.is_valid(raise_exception=True)
        policy = sampling_services.sampling_policy_update(
            policy=self.get_object(), acting_user=request_user(request), **data.validated_data
        )
        return Response(SamplingPolicySerializer(policy).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(
        request=SamplingRunInput,
        responses={202: SamplingRunSerializer},
        summary="Draw a finished month under this policy; follow the run's progress at its URL",
    )
    @action(detail=True, methods=["post"])
    def runs(self, request: Request, pk: str | None = None) -> Response:
        data = SamplingRunInput(data=request.data)
        data.is_valid(raise_exception=True)
        run = sampling_services.sampling_run_create(
            policy=self.get_object(),
            period=data.validated_data["period"],
            trigger=RunTrigger.MANUAL,
            acting_user=request_user(request),
        )
        run.refresh_from_db()
        return Response(
            SamplingRunSerializer(run).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": f"/api/v1/sampling-runs/{run.pk}/"},
        )

    @extend_schema(
        parameters=[PERIOD_PARAM, FORMAT_PARAM],
        responses={200: OpenApiTypes.OBJECT},
        summary="Fairness: per agent, calls handled vs sampled vs evaluated, and the deviation from the policy",
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, CSVRenderer],
        throttle_classes=[CsvExportThrottle],
    )
    def fairness(self, request: Request, pk: str | None = None) -> Response:
        policy = self.get_object()
        period = request.query_params.get("period", "")
        user = request_user(request)
        council = user.role == Role.WORKS_COUNCIL
        figures_refresh_before_read()
        try:
            report = sampling_fairness(policy=policy, period=period, pseudonymous=council)
        except ValueError as exc:
            raise DomainError(str(exc), fields={"period": [_("Write the month as YYYY-MM.")]}) from exc
        if council:
            works_council_read_record(
                view="sampling-fairness", params={"policy": policy.pk, "period": period}, acting_user=user
            )
        # Plain dicts of the report's rows: 10,000 agents through a serializer took half a second.
        rows: list[dict[str, Any]] = [{**vars(row), "flags": list(row.flags)} for row in report.rows]
        if council:  # the selector left them empty; the council's table does not show the columns at all
            rows = [{k: v for k, v in row.items() if k not in ("team", "employment_type")} for row in rows]
        if getattr(request.accepted_renderer, "format", "") == "csv":
            response = Response([{**row, "flags": " ".join(row["flags"])} for row in rows])
            response["Content-Disposition"] = f'attachment; filename="sampling-fairness-{period}.csv"'
            return response
        return Response(
            {
                "policy": SamplingPolicySerializer(policy).data,
                "period": period,
                "runs": SamplingRunSerializer(report.runs, many=True).data,
                "agents": len(report.rows),
                "flagged": report.flagged,
                "rows": rows,
            }
        )


class SamplingRunFilter(django_filters.FilterSet):
    policy = IdFilter(field_name="policy_id")
    status = django_filters.ChoiceFilter(choices=RunStatus.choices)

    class Meta:
        model = SamplingRun
        fields = ["policy", "status"]


@extend_schema_view(
    list=extend_schema(summary="Sampling runs, newest month first"),
    retrieve=extend_schema(summary="One sampling run with its seed, parameters and progress"),
)
class SamplingRunViewSet(viewsets.ReadOnlyModelViewSet[SamplingRun]):
    permission_classes = [RoleAccess]
    read_roles = QA_AND_COUNCIL
    serializer_class = SamplingRunSerializer
    filterset_class = SamplingRunFilter

    def get_queryset(self) -> QuerySet[SamplingRun]:
        return sampling_runs_visible_to(self.request.user)


class AssignmentFilter(django_filters.FilterSet):
    run = IdFilter(field_name="run_id")
    reviewer = IdFilter(field_name="reviewer_id")
    evaluated = BoolFilter()

    class Meta:
        model = ReviewAssignment
        fields = ["run", "reviewer", "evaluated"]


@extend_schema_view(
    list=extend_schema(summary="Calls drawn for review: the QA lead sees all, a reviewer their own"),
    retrieve=extend_schema(summary="One assignment"),
)
class ReviewAssignmentViewSet(viewsets.ReadOnlyModelViewSet[ReviewAssignment]):
    permission_classes = [RoleAccess]
    read_roles = frozenset({Role.QA_LEAD, Role.SUPERVISOR})
    serializer_class = ReviewAssignmentSerializer
    filterset_class = AssignmentFilter

    def get_queryset(self) -> QuerySet[ReviewAssignment]:
        return assignments_visible_to(self.request.user)
