"""HTTP in, service or selector call, serializer out. No business rules here."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from reviews.api.permissions import RoleAccess, request_user
from reviews.api.serializers.critical_error_types import (
    CriticalErrorTypeCreateInput,
    CriticalErrorTypeSerializer,
    CriticalErrorTypeUpdateInput,
)
from reviews.api.views.common import QA_LEAD_ONLY
from reviews.models import (
    CriticalErrorType,
)
from reviews.selectors import (
    critical_error_types_visible_to,
)
from reviews.services import critical_error_types as type_services


class CriticalErrorTypeViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet[CriticalErrorType]
):
    permission_classes = [RoleAccess]
    write_roles = QA_LEAD_ONLY
    serializer_class = CriticalErrorTypeSerializer
    pagination_class = None
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[CriticalErrorType]:
        return critical_error_types_visible_to(self.request.user)

    @extend_schema(request=CriticalErrorTypeCreateInput, responses={201: CriticalErrorTypeSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CriticalErrorTypeCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        error_type = type_services.critical_error_type_create(acting_user=request_user(request), **data.validated_data)
        return Response(CriticalErrorTypeSerializer(error_type).data, status=201)

    @extend_schema(request=CriticalErrorTypeUpdateInput, responses={200: CriticalErrorTypeSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CriticalErrorTypeUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        error_type = type_services.critical_error_type_update(
            error_type=self.get_object(),
            acting_user=request_user(request),
            **data.validated_data,
        )
        return Response(CriticalErrorTypeSerializer(error_type).data)
