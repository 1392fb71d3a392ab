"""HTTP in, service or selector call, serializer out. No business rules here."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Role
from reviews.api.permissions import RoleAccess, request_user
from reviews.api.serializers.coaching import (
    CoachingCloseInput,
    CoachingCommentInput,
    CoachingPlanInput,
    CoachingPlanSerializer,
    CoachingSessionInput,
    CoachingSessionSerializer,
)
from reviews.models import CoachingPlan, Criterion
from reviews.selectors import (
    alerts_visible_to,
    coaching_plans_visible_to,
    evaluations_visible_to,
    users_visible_to,
)
from reviews.services import coaching as coaching_services

COACHES = frozenset({Role.SUPERVISOR, Role.QA_LEAD})


class CoachingPlanViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[CoachingPlan]):
    """Coaching plans: the agent sees their own, a supervisor the team's, a QA lead all."""

    permission_classes = [RoleAccess]
    read_roles = COACHES | {Role.AGENT}
    write_roles = COACHES
    action_roles = {"comment": frozenset({Role.AGENT})}
    serializer_class = CoachingPlanSerializer

    def get_queryset(self) -> QuerySet[CoachingPlan]:
        return coaching_plans_visible_to(self.request.user)

    def _shown(self, plan: CoachingPlan, status: int = 200) -> Response:
        return Response(CoachingPlanSerializer(self.get_queryset().get(pk=plan.pk)).data, status=status)

    @extend_schema(request=CoachingPlanInput, responses={201: CoachingPlanSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CoachingPlanInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = request_user(request)
        given = data.validated_data
        evaluation = (
            get_object_or_404(evaluations_visible_to(user), pk=given["evaluation"]) if given["evaluation"] else None
        )
        plan = coaching_services.coaching_plan_open(
            agent=get_object_or_404(users_visible_to(user), pk=given["agent"]),
            goals=given["goals"],
            evaluation=evaluation,
            criterion=get_object_or_404(Criterion.objects.select_related("section"), pk=given["criterion"])
            if given["criterion"]
            else None,
            alert=get_object_or_404(alerts_visible_to(user), pk=given["alert"]) if given["alert"] else None,
            acting_user=user,
        )
        return self._shown(plan, 201)

    @extend_schema(request=CoachingSessionInput, responses={201: CoachingSessionSerializer})
    @action(detail=True, methods=["post"])
    def sessions(self, request: Request, pk: str | None = None) -> Response:
        data = CoachingSessionInput(data=request.data)
        data.is_valid(raise_exception=True)
        session = coaching_services.coaching_session_add(
            plan=self.get_object(), acting_user=request_user(request), **data.validated_data
        )
        return Response(CoachingSessionSerializer(session).data, status=201)

    @extend_schema(request=CoachingCommentInput, responses={200: CoachingPlanSerializer})
    @action(detail=True, methods=["post"])
    def comment(self, request: Request, pk: str | None = None) -> Response:
        data = CoachingCommentInput(data=request.data)
        data.is_valid(raise_exception=True)
        plan = coaching_services.coaching_plan_comment(
            plan=self.get_object(), comment=data.validated_data["comment"], acting_user=request_user(request)
        )
        return self._shown(plan)

    @extend_schema(request=CoachingCloseInput, responses={200: CoachingPlanSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        data = CoachingCloseInput(data=request.data)
        data.is_valid(raise_exception=True)
        plan = coaching_services.coaching_plan_close(
            plan=self.get_object(), acting_user=request_user(request), **data.validated_data
        )
        return self._shown(plan)
