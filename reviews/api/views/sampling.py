"""Call imports, sampling policies and runs, review assignments and the fairness report."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from reviews.api import sampling_serializers as ss
from reviews.api.filters import BoolFilter, IdFilter
from reviews.api.permissions import RoleAccess, request_user
from reviews.api.throttles import CsvExportThrottle
from reviews.api.views.works_council import CSVRenderer
from reviews.domain.errors import DomainError
from reviews.domain.sampling import MONTH_PATTERN
from reviews.models import CallImport, ReviewAssignment, RunStatus, RunTrigger, SamplingPolicy, SamplingRun
from reviews.selectors.sampling import (
    assignments_visible_to,
    call_import_rejects,
    call_imports_visible_to,
    sampling_fairness,
    sampling_policies_visible_to,
    sampling_runs_visible_to,
)
from reviews.services import call_imports as import_services
from reviews.services import sampling as sampling_services
from reviews.services.works_council import works_council_read_record

IMPORTERS = frozenset({Role.QA_LEAD, Role.ADMIN})
QA_LEAD = frozenset({Role.QA_LEAD})
QA_AND_COUNCIL = frozenset({Role.QA_LEAD, Role.WORKS_COUNCIL})


class CallImportUploadView(APIView):
    """Upload a telephony export. Small files are imported at once (201); larger ones go to a worker
    (202) and the answer is the import's progress resource. Bad rows never stop the good ones: see
    the import's rejects report, with line numbers."""

    permission_classes = [RoleAccess]
    read_roles = IMPORTERS
    write_roles = IMPORTERS
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ss.CallImportInput},
        responses={201: ss.CallImportSerializer, 202: ss.CallImportSerializer},
        summary="Import calls from a CSV or JSON-lines telephony export",
    )
    def post(self, request: Request) -> Response:
        data = ss.CallImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        call_import = import_services.call_import_start(
            upload=data.validated_data["file"],
            source=data.validated_data["source"],
            requested_format=data.validated_data["format"],
            acting_user=request_user(request),
        )
        location = {"Location": f"/api/v1/call-imports/{call_import.pk}/"}
        if call_import.status == RunStatus.FAILED:
            raise DomainError(call_import.error, code="file_rejected", fields={"file": [call_import.error]})
        if call_import.status == RunStatus.SUCCEEDED:
            return Response(ss.CallImportSerializer(call_import).data, status=status.HTTP_201_CREATED, headers=location)
        return Response(ss.CallImportSerializer(call_import).data, status=status.HTTP_202_ACCEPTED, headers=location)


@extend_schema_view(
    list=extend_schema(summary="Call imports, newest first, with their progress and counts"),
    retrieve=extend_schema(summary="One import: poll it for progress"),
)
class CallImportViewSet(viewsets.ReadOnlyModelViewSet[CallImport]):
    permission_classes = [RoleAccess]
    read_roles = IMPORTERS
    serializer_class = ss.CallImportSerializer

    def get_queryset(self) -> QuerySet[CallImport]:
        return call_imports_visible_to(self.request.user)

    @extend_schema(responses={200: ss.CallImportRejectSerializer(many=True)}, summary="The rows the import refused")
    @action(detail=True, methods=["get"])
    def rejects(self, request: Request, pk: str | None = None) -> Response:
        rejects = call_import_rejects(self.get_object())
        page: Any = self.paginate_queryset(rejects)  # type: ignore[arg-type]
        return self.get_paginated_response(ss.CallImportRejectSerializer(page, many=True).data)


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
    serializer_class = ss.SamplingPolicySerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[SamplingPolicy]:
        return sampling_policies_visible_to(self.request.user)

    @extend_schema(request=ss.SamplingPolicyInput, responses={201: ss.SamplingPolicySerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ss.SamplingPolicyInput(data=request.data)
        data.is_valid(raise_exception=True)
        policy = sampling_services.sampling_policy_create(acting_user=request_user(request), **data.validated_data)
        return Response(ss.SamplingPolicySerializer(policy).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ss.SamplingPolicyChange, responses={200: ss.SamplingPolicySerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ss.SamplingPolicyChange(data=request.data)
        data.is_valid(raise_exception=True)
        policy = sampling_services.sampling_policy_update(
            policy=self.get_object(), acting_user=request_user(request), **data.validated_data
        )
        return Response(ss.SamplingPolicySerializer(policy).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(
        request=ss.SamplingRunInput,
        responses={202: ss.SamplingRunSerializer},
        summary="Draw a finished month under this policy; follow the run's progress at its URL",
    )
    @action(detail=True, methods=["post"])
    def runs(self, request: Request, pk: str | None = None) -> Response:
        data = ss.SamplingRunInput(data=request.data)
        data.is_valid(raise_exception=True)
        run = sampling_services.sampling_run_create(
            policy=self.get_object(),
            period=data.validated_data["period"],
            trigger=RunTrigger.MANUAL,
            acting_user=request_user(request),
        )
        run.refresh_from_db()
        return Response(
            ss.SamplingRunSerializer(run).data,
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
        try:
            report = sampling_fairness(policy=policy, period=period, pseudonymous=council)
        except ValueError as exc:
            raise DomainError(str(exc), fields={"period": ["Write the month as YYYY-MM."]}) from exc
        if council:
            works_council_read_record(
                view="sampling-fairness", params={"policy": policy.pk, "period": period}, acting_user=user
            )
        rows: list[dict[str, Any]] = list(ss.FairnessRowSerializer(report.rows, many=True).data)
        if council:  # the selector left them empty; the council's table does not show the columns at all
            rows = [{k: v for k, v in row.items() if k not in ("team", "employment_type")} for row in rows]
        if getattr(request.accepted_renderer, "format", "") == "csv":
            response = Response([{**row, "flags": " ".join(row["flags"])} for row in rows])
            response["Content-Disposition"] = f'attachment; filename="sampling-fairness-{period}.csv"'
            return response
        return Response(
            {
                "policy": ss.SamplingPolicySerializer(policy).data,
                "period": period,
                "runs": ss.SamplingRunSerializer(report.runs, many=True).data,
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
    serializer_class = ss.SamplingRunSerializer
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
    serializer_class = ss.ReviewAssignmentSerializer
    filterset_class = AssignmentFilter

    def get_queryset(self) -> QuerySet[ReviewAssignment]:
        return assignments_visible_to(self.request.user)
