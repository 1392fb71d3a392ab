"""Call imports: upload a telephony export, follow its progress, read the rows it refused."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from reviews.api.permissions import RoleAccess, request_user
from reviews.api.serializers.imports import CallImportInput, CallImportRejectSerializer, CallImportSerializer
from reviews.domain.errors import DomainError
from reviews.models import CallImport, RunStatus
from reviews.selectors.sampling import (
    call_import_rejects,
    call_imports_visible_to,
)
from reviews.services import call_imports as import_services

IMPORTERS = frozenset({Role.QA_LEAD, Role.ADMIN})


class CallImportUploadView(APIView):
    """Upload a telephony export. Small files are imported at once (201); larger ones go to a worker
    (202) and the answer is the import's progress resource. Bad rows never stop the good ones: see
    the import's rejects report, with line numbers."""

    permission_classes = [RoleAccess]
    read_roles = IMPORTERS
    write_roles = IMPORTERS
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": CallImportInput},
        responses={201: CallImportSerializer, 202: CallImportSerializer},
        summary="Import calls from a CSV or JSON-lines telephony export",
    )
    def post(self, request: Request) -> Response:
        data = CallImportInput(data=request.data)
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
            return Response(CallImportSerializer(call_import).data, status=status.HTTP_201_CREATED, headers=location)
        return Response(CallImportSerializer(call_import).data, status=status.HTTP_202_ACCEPTED, headers=location)


@extend_schema_view(
    list=extend_schema(summary="Call imports, newest first, with their progress and counts"),
    retrieve=extend_schema(summary="One import: poll it for progress"),
)
class CallImportViewSet(viewsets.ReadOnlyModelViewSet[CallImport]):
    permission_classes = [RoleAccess]
    read_roles = IMPORTERS
    serializer_class = CallImportSerializer

    def get_queryset(self) -> QuerySet[CallImport]:
        return call_imports_visible_to(self.request.user)

    @extend_schema(responses={200: CallImportRejectSerializer(many=True)}, summary="The rows the import refused")
    @action(detail=True, methods=["get"])
    def rejects(self, request: Request, pk: str | None = None) -> Response:
        rejects = call_import_rejects(self.get_object())
        page: Any = self.paginate_queryset(rejects)  # type: ignore[arg-type]
        return self.get_paginated_response(CallImportRejectSerializer(page, many=True).data)
