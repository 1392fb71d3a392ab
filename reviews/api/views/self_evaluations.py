"""HTTP in, service or selector call, serializer out. No business rules here."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Role
from reviews.api.permissions import RoleAccess, request_user
from reviews.api.serializers.self_evaluations import (
    SelfEvaluationDetailSerializer,
    SelfEvaluationSerializer,
    SelfEvaluationSubmitInput,
)
from reviews.domain.scoring import AnswerValue
from reviews.models import SelfEvaluation, SelfEvaluationStatus
from reviews.selectors import CALL_READER_ROLES
from reviews.selectors.self_evaluations import self_evaluations_visible_to
from reviews.services import self_evaluations as self_evaluation_services

AGENT_ONLY = frozenset({Role.AGENT})


class SelfEvaluationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SelfEvaluationStatus.choices)

    class Meta:
        model = SelfEvaluation
        fields = ["status"]


class SelfEvaluationViewSet(viewsets.ReadOnlyModelViewSet[SelfEvaluation]):
    """Agents: invitations to score your own evaluated calls. Supervisors and QA leads: those they may read."""

    permission_classes = [RoleAccess]
    read_roles = CALL_READER_ROLES
    write_roles = AGENT_ONLY
    filterset_class = SelfEvaluationFilter

    def get_queryset(self) -> QuerySet[SelfEvaluation]:
        return self_evaluations_visible_to(self.request.user)

    def get_serializer_class(self) -> type[Any]:
        return SelfEvaluationSerializer if self.action == "list" else SelfEvaluationDetailSerializer

    def _shown(self, self_evaluation: SelfEvaluation) -> Response:
        return Response(SelfEvaluationDetailSerializer(self.get_queryset().get(pk=self_evaluation.pk)).data)

    @extend_schema(
        request=SelfEvaluationSubmitInput,
        responses={200: SelfEvaluationDetailSerializer},
        summary="Score your own call (every criterion), before you see the reviewer's scoring",
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        data = SelfEvaluationSubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        answers = data.validated_data["answers"]
        done = self_evaluation_services.self_evaluation_submit(
            self_evaluation=self.get_object(),
            answers=[AnswerValue(a["criterion"], a["points"], a["not_applicable"]) for a in answers],
            comments={a["criterion"]: a["comment"] for a in answers if a["comment"]},
            comment=data.validated_data["comment"],
            acting_user=request_user(request),
        )
        return self._shown(done)

    @extend_schema(
        request=None,
        responses={200: SelfEvaluationDetailSerializer},
        summary="Skip: see the reviewer's scoring now, without scoring the call yourself",
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        done = self_evaluation_services.self_evaluation_decline(
            self_evaluation=self.get_object(), acting_user=request_user(request)
        )
        return self._shown(done)
