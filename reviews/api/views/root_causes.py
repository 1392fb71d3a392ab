"""HTTP in, service or selector call, serializer out. No business rules here."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from reviews.api import fields as strict
from reviews.api.permissions import RoleAccess, request_user
from reviews.api.serializers.evaluations import RootCauseSerializer
from reviews.api.views.common import QA_LEAD_ONLY
from reviews.models import CauseKind, RootCause
from reviews.selectors import root_causes_visible_to
from reviews.services import root_causes as cause_services


class RootCauseCreateInput(serializers.Serializer[dict[str, Any]]):
    code = strict.CharField(max_length=50)
    kind = strict.ChoiceField(choices=CauseKind.choices)
    label_nl = strict.CharField(max_length=200)
    label_en = strict.CharField(max_length=200)
    description_nl = strict.CharField(max_length=2000, required=False, allow_blank=True, default="")
    description_en = strict.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RootCauseReviseInput(serializers.Serializer[dict[str, Any]]):
    kind = strict.ChoiceField(choices=CauseKind.choices, required=False)
    label_nl = strict.CharField(max_length=200, required=False)
    label_en = strict.CharField(max_length=200, required=False)
    description_nl = strict.CharField(max_length=2000, required=False, allow_blank=True)
    description_en = strict.CharField(max_length=2000, required=False, allow_blank=True)


class RootCauseViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[RootCause]):
    """The root-cause taxonomy, every version; QA leads add, revise (a new version) and retire causes."""

    permission_classes = [RoleAccess]
    write_roles = QA_LEAD_ONLY
    serializer_class = RootCauseSerializer
    pagination_class = None
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[RootCause]:
        return root_causes_visible_to(self.request.user).order_by("code", "-version")

    @extend_schema(request=RootCauseCreateInput, responses={201: RootCauseSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = RootCauseCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        cause = cause_services.root_cause_create(acting_user=request_user(request), **data.validated_data)
        return Response(RootCauseSerializer(cause).data, status=201)

    @extend_schema(
        request=RootCauseReviseInput,
        responses={201: RootCauseSerializer},
        summary="A new version of the cause with the changed texts or kind; the old version is retired",
    )
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: str | None = None) -> Response:
        data = RootCauseReviseInput(data=request.data)
        data.is_valid(raise_exception=True)
        cause = cause_services.root_cause_revise(
            cause=self.get_object(), acting_user=request_user(request), **data.validated_data
        )
        return Response(RootCauseSerializer(cause).data, status=201)

    @extend_schema(request=None, responses={200: RootCauseSerializer}, summary="No longer offer the cause")
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str | None = None) -> Response:
        cause = cause_services.root_cause_retire(cause=self.get_object(), acting_user=request_user(request))
        return Response(RootCauseSerializer(cause).data)
