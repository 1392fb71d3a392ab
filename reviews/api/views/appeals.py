from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.models import Role
from reviews.api.filters import BoolFilter, IdFilter
from reviews.api.permissions import RoleAccess, request_user
from reviews.api.serializers.appeals import (
    AppealAssignInput,
    AppealCreateInput,
    AppealDecisionInput,
    AppealSerializer,
    MyOverviewSerializer,
)
from reviews.domain.errors import DomainError
from reviews.models import (
    Appeal,
    AppealStatus,
)
from reviews.selectors import appeal_items_prefetch, appeals_visible_to, evaluations_visible_to, with_overdue
from reviews.selectors.me import my_overview
from reviews.selectors.self_evaluations import withheld_evaluation_ids
from reviews.services import appeal_decisions
from reviews.services import appeals as appeal_services
from reviews.services.exports import user_data_export

DECIDERS = frozenset({Role.SUPERVISOR, Role.QA_LEAD})


class AppealFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AppealStatus.choices)
    assignee = IdFilter(field_name="assignee_id")
    agent = IdFilter(field_name="agent_id")
    mine = BoolFilter(method="filter_mine", label="Assigned to me")
    overdue = BoolFilter(field_name="overdue")

    class Meta:
        model = Appeal
        fields = ["status", "assignee", "agent", "mine", "overdue"]

    def filter_mine(self, queryset: QuerySet[Appeal], name: str, value: bool) -> QuerySet[Appeal]:
        user = self.request.user if self.request else None
        return queryset.filter(assignee=user) if value else queryset.exclude(assignee=user)


class AppealViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Appeal]):
    """Appeals: the agent submits and may withdraw; an independent assignee reviews and decides."""

    permission_classes = [RoleAccess]
    read_roles = frozenset({Role.AGENT, Role.SUPERVISOR, Role.QA_LEAD})
    write_roles = frozenset({Role.AGENT})
    action_roles = {
        "assign": frozenset({Role.QA_LEAD}),
        "start_review": DECIDERS,
        "decide": DECIDERS,
        "withdraw": frozenset({Role.AGENT}),
    }
    serializer_class = AppealSerializer
    filterset_class = AppealFilter

    def get_queryset(self) -> QuerySet[Appeal]:
        return (
            with_overdue(appeals_visible_to(self.request.user))
            .prefetch_related(appeal_items_prefetch())
            .order_by("-submitted_at", "-id")
        )

    def _fresh(self, appeal: Appeal, status: int = 200) -> Response:
        return Response(AppealSerializer(self.get_queryset().get(pk=appeal.pk)).data, status=status)

    @extend_schema(
        request=AppealCreateInput,
        responses={201: AppealSerializer},
        summary="Appeal an evaluation (the whole of it, or listed critical errors and criteria)",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = AppealCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        evaluation = evaluations_visible_to(request.user).filter(pk=data.validated_data["evaluation"]).first()
        if evaluation is None:
            raise DomainError(_("No such evaluation of yours."), fields={"evaluation": [_("Not found.")]})
        appeal = appeal_services.appeal_submit(
            evaluation=evaluation,
            reason=data.validated_data["reason"],
            whole_evaluation=data.validated_data["whole_evaluation"],
            critical_error_ids=data.validated_data["critical_errors"],
            criterion_ids=data.validated_data["criteria"],
            acting_user=request_user(request),
        )
        return self._fresh(appeal, 201)

    @extend_schema(
        request=AppealAssignInput,
        responses={200: AppealSerializer},
        summary="QA lead: assign the appeal to someone independent",
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        appeal = self.get_object()
        data = AppealAssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        appeal_services.appeal_assign(
            appeal=appeal, assignee=data.validated_data["assignee"], acting_user=request_user(request)
        )
        return self._fresh(appeal)

    @extend_schema(request=None, responses={200: AppealSerializer}, summary="Assignee: start the review")
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request: Request, pk: str | None = None) -> Response:
        appeal = appeal_services.appeal_start_review(appeal=self.get_object(), acting_user=request_user(request))
        return self._fresh(appeal)

    @extend_schema(
        request=AppealDecisionInput,
        responses={200: AppealSerializer},
        summary="Assignee: decide every item, with reasons",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        appeal = self.get_object()
        data = AppealDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        decisions = [
            appeal_decisions.ItemDecision(
                item_id=item["item"],
                overturned=item["overturned"],
                rationale=item["rationale"],
                corrected_points=item["corrected_points"],
                corrected_not_applicable=item["corrected_not_applicable"],
            )
            for item in data.validated_data["items"]
        ]
        appeal_decisions.appeal_decide(
            appeal=appeal,
            decisions=decisions,
            rationale=data.validated_data["rationale"],
            acting_user=request_user(request),
        )
        return self._fresh(appeal)

    @extend_schema(
        request=None,
        responses={200: AppealSerializer},
        summary="Agent: withdraw before a decision (the evaluation then stands as final)",
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        appeal = appeal_services.appeal_withdraw(appeal=self.get_object(), acting_user=request_user(request))
        return self._fresh(appeal)


class MyOverviewView(APIView):
    """Everything recorded about me: evaluations and scores over time, critical errors, decided alerts,
    appeals, monthly scores and notifications."""

    @extend_schema(responses={200: MyOverviewSerializer})
    def get(self, request: Request) -> Response:
        user = request_user(request)
        overview = my_overview(user)
        withheld = withheld_evaluation_ids(user)
        return Response(MyOverviewSerializer(overview, context={"withheld": withheld}).data)


class MyExportView(APIView):
    """A complete, machine-readable copy of every record that refers to me (right of access)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "export"

    @extend_schema(
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="JSON: every record that refers to me")}
    )
    def get(self, request: Request) -> JsonResponse:
        user = request_user(request)
        export = user_data_export(acting_user=user)
        response = JsonResponse(export, json_dumps_params={"ensure_ascii": False, "indent": 1})
        response["Content-Disposition"] = f'attachment; filename="qa_review-export-{user.username}.json"'
        response["Cache-Control"] = "private, no-store"
        return response
