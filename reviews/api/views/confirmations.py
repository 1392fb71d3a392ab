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
from reviews.api.serializers.confirmations import (
    ConfirmationAnswerInput,
    ConfirmationDecisionInput,
    ConfirmationTaskDecisionSerializer,
    ConfirmationTaskSerializer,
)
from reviews.models import ConfirmationStatus, ConfirmationTask
from reviews.selectors import confirmation_tasks_visible_to
from reviews.services import confirmations as confirmation_services

SECOND_REVIEWERS = frozenset({Role.SUPERVISOR, Role.QA_LEAD})


class ConfirmationTaskFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ConfirmationStatus.choices)

    class Meta:
        model = ConfirmationTask
        fields = ["status"]


class ConfirmationTaskViewSet(viewsets.ReadOnlyModelViewSet[ConfirmationTask]):
    """Second opinions: the tasks asked of you (QA leads: all, and they decide disagreements)."""

    permission_classes = [RoleAccess]
    read_roles = SECOND_REVIEWERS
    write_roles = SECOND_REVIEWERS
    action_roles = {"decide": frozenset({Role.QA_LEAD})}
    filterset_class = ConfirmationTaskFilter

    def get_queryset(self) -> QuerySet[ConfirmationTask]:
        return confirmation_tasks_visible_to(self.request.user)

    def get_serializer_class(self) -> type[Any]:
        # The schema (no user) documents the QA lead's fuller view; a second reviewer gets the blind one.
        role = getattr(getattr(self.request, "user", None), "role", Role.QA_LEAD)
        return ConfirmationTaskDecisionSerializer if role == Role.QA_LEAD else ConfirmationTaskSerializer

    def _shown(self, task: ConfirmationTask) -> Response:
        return Response(self.get_serializer_class()(self.get_queryset().get(pk=task.pk)).data)

    @extend_schema(
        request=ConfirmationAnswerInput,
        responses={200: ConfirmationTaskSerializer},
        summary="Give the second opinion: is the error there?",
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        data = ConfirmationAnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        task = confirmation_services.confirmation_answer(
            task=self.get_object(), acting_user=request_user(request), **data.validated_data
        )
        return self._shown(task)

    @extend_schema(
        request=ConfirmationDecisionInput,
        responses={200: ConfirmationTaskDecisionSerializer},
        summary="Decide a disagreement between the two reviewers (a QA lead who is neither)",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        data = ConfirmationDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        task = confirmation_services.confirmation_decide(
            task=self.get_object(), acting_user=request_user(request), **data.validated_data
        )
        return self._shown(task)
