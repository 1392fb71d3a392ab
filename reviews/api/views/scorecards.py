"""HTTP in, service or selector call, serializer out. No business rules here."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from reviews.api.filters import IdFilter
from reviews.api.permissions import RoleAccess, request_user
from reviews.api.serializers.scorecards import (
    CriterionInput,
    CriterionSerializer,
    ScorecardCreateInput,
    ScorecardSerializer,
    ScorecardVersionSerializer,
    ScorecardVersionUpdateInput,
    SectionInput,
    SectionSerializer,
    SelfEvaluationSettingInput,
)
from reviews.api.views.common import QA_LEAD_ONLY
from reviews.models import (
    Criterion,
    Scorecard,
    ScorecardVersion,
    ScorecardVersionStatus,
    Section,
)
from reviews.selectors import (
    scorecard_versions_visible_to,
    scorecards_visible_to,
)
from reviews.services import scorecards as scorecard_services
from reviews.services.self_evaluations import scorecard_version_self_evaluation_set


class ScorecardViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Scorecard]):
    permission_classes = [RoleAccess]
    write_roles = QA_LEAD_ONLY
    serializer_class = ScorecardSerializer

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
        request=ScorecardCreateInput,
        responses={201: ScorecardSerializer},
        summary="Create a scorecard with an empty draft version 1",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ScorecardCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        scorecard = scorecard_services.scorecard_create(acting_user=request_user(request), **data.validated_data)
        return Response(ScorecardSerializer(self.get_queryset().get(pk=scorecard.pk)).data, status=201)

    @extend_schema(
        request=None,
        responses={201: ScorecardVersionSerializer},
        summary="Start a new draft version, copied from the latest one",
    )
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request: Request, pk: str | None = None) -> Response:
        draft = scorecard_services.scorecard_version_create_draft(
            scorecard=self.get_object(), acting_user=request_user(request)
        )
        return Response(ScorecardVersionSerializer(_version_with_content(draft.pk)).data, status=201)


def _version_with_content(pk: int) -> ScorecardVersion:
    return (
        ScorecardVersion.objects.select_related("scorecard")
        .prefetch_related("sections__criteria__critical_error_type")
        .get(pk=pk)
    )


class ScorecardVersionFilter(django_filters.FilterSet):
    scorecard = IdFilter(field_name="scorecard_id")
    status = django_filters.ChoiceFilter(choices=ScorecardVersionStatus.choices)

    class Meta:
        model = ScorecardVersion
        fields = ["scorecard", "status"]


class ScorecardVersionViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet[ScorecardVersion]):
    permission_classes = [RoleAccess]
    write_roles = QA_LEAD_ONLY
    serializer_class = ScorecardVersionSerializer
    filterset_class = ScorecardVersionFilter
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[ScorecardVersion]:
        return scorecard_versions_visible_to(self.request.user).prefetch_related(
            "sections__criteria__critical_error_type"
        )

    @extend_schema(
        request=ScorecardVersionUpdateInput,
        responses={200: ScorecardVersionSerializer},
        summary="Change a draft version's critical-error policy",
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ScorecardVersionUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        version = self.get_object()
        if data.validated_data:  # an empty PATCH changes nothing
            version = scorecard_services.scorecard_version_update(
                version=version,
                acting_user=request_user(request),
                **data.validated_data,
            )
        return Response(ScorecardVersionSerializer(_version_with_content(version.pk)).data)

    @extend_schema(
        request=None,
        responses={200: ScorecardVersionSerializer},
        summary="Publish a draft version (it becomes immutable)",
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        version = scorecard_services.scorecard_version_publish(
            version=self.get_object(), acting_user=request_user(request)
        )
        return Response(ScorecardVersionSerializer(_version_with_content(version.pk)).data)

    @extend_schema(
        request=SelfEvaluationSettingInput,
        responses={200: ScorecardVersionSerializer},
        summary="Turn self-evaluation on or off (agents score their own evaluated calls blind; it never counts)",
    )
    @action(detail=True, methods=["post"], url_path="self-evaluation")
    def self_evaluation(self, request: Request, pk: str | None = None) -> Response:
        data = SelfEvaluationSettingInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = scorecard_version_self_evaluation_set(
            version=self.get_object(), enabled=data.validated_data["enabled"], acting_user=request_user(request)
        )
        return Response(ScorecardVersionSerializer(_version_with_content(version.pk)).data)

    @extend_schema(request=SectionInput, responses={201: SectionSerializer}, summary="Add a section to a draft")
    @action(detail=True, methods=["post"])
    def sections(self, request: Request, pk: str | None = None) -> Response:
        data = SectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        section = scorecard_services.section_add(
            version=self.get_object(),
            acting_user=request_user(request),
            **data.validated_data,
        )
        return Response(SectionSerializer(section).data, status=201)


class SectionViewSet(mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet[Section]):
    permission_classes = [RoleAccess]
    read_roles = QA_LEAD_ONLY
    write_roles = QA_LEAD_ONLY
    serializer_class = SectionSerializer
    http_method_names = ["patch", "delete", "post", "options"]

    def get_queryset(self) -> QuerySet[Section]:
        return Section.objects.filter(version__in=scorecard_versions_visible_to(self.request.user)).select_related(
            "version"
        )

    @extend_schema(request=SectionInput, responses={200: SectionSerializer}, summary="Rename or move a section")
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = SectionInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        section = scorecard_services.section_update(
            section=self.get_object(),
            acting_user=request_user(request),
            **data.validated_data,
        )
        return Response(SectionSerializer(section).data)

    def perform_destroy(self, instance: Section) -> None:
        scorecard_services.section_delete(section=instance, acting_user=request_user(self.request))

    @extend_schema(request=CriterionInput, responses={201: CriterionSerializer}, summary="Add a criterion")
    @action(detail=True, methods=["post"])
    def criteria(self, request: Request, pk: str | None = None) -> Response:
        data = CriterionInput(data=request.data)
        data.is_valid(raise_exception=True)
        criterion = scorecard_services.criterion_add(
            section=self.get_object(),
            acting_user=request_user(request),
            **data.validated_data,
        )
        return Response(CriterionSerializer(criterion).data, status=201)


class CriterionViewSet(mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet[Criterion]):
    permission_classes = [RoleAccess]
    read_roles = QA_LEAD_ONLY
    write_roles = QA_LEAD_ONLY
    serializer_class = CriterionSerializer
    http_method_names = ["patch", "delete", "options"]

    def get_queryset(self) -> QuerySet[Criterion]:
        return Criterion.objects.filter(
            section__version__in=scorecard_versions_visible_to(self.request.user)
        ).select_related("section__version", "critical_error_type")

    @extend_schema(request=CriterionInput, responses={200: CriterionSerializer}, summary="Change a criterion")
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CriterionInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        criterion = scorecard_services.criterion_update(
            criterion=self.get_object(),
            acting_user=request_user(request),
            **data.validated_data,
        )
        return Response(CriterionSerializer(criterion).data)

    def perform_destroy(self, instance: Criterion) -> None:
        scorecard_services.criterion_delete(criterion=instance, acting_user=request_user(self.request))
