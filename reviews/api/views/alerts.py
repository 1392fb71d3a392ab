from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Role
from reviews.api.filters import IdFilter
from reviews.api.pagination import keyset
from reviews.api.permissions import RoleAccess, request_user
from reviews.api.serializers.alerts import (
    AgentScoreSerializer,
    AlertSerializer,
    AlertWithEvidenceSerializer,
    DecisionInput,
    ScoringRunInput,
    ScoringRunSerializer,
)
from reviews.models import AgentScore, Alert, AlertLevel, AlertStatus, RunTrigger, ScoringRun
from reviews.selectors import (
    agent_scores_visible_to,
    alert_evidence_prefetch,
    alerts_visible_to,
    scoring_runs_visible_to,
    with_evidence_counts,
)
from reviews.services import alerts as alert_services
from reviews.services import scoring as scoring_services

DECIDERS = frozenset({Role.SUPERVISOR, Role.QA_LEAD})


class AlertFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AlertStatus.choices)
    level = django_filters.ChoiceFilter(choices=AlertLevel.choices)
    agent = IdFilter(field_name="agent_id")
    rule = IdFilter(field_name="rule_id")

    class Meta:
        model = Alert
        fields = ["status", "level", "agent", "rule"]


class AlertViewSet(viewsets.ReadOnlyModelViewSet[Alert]):
    """Alerts: open ones only for supervisors and QA leads; the agent sees theirs once decided."""

    permission_classes = [RoleAccess]
    read_roles = frozenset({Role.AGENT, Role.SUPERVISOR, Role.QA_LEAD})
    action_roles = {"view_evidence": DECIDERS, "confirm": DECIDERS, "dismiss": DECIDERS}
    filterset_class = AlertFilter
    pagination_class = keyset("-opened_at", "-id")

    def get_queryset(self) -> QuerySet[Alert]:
        alerts = (
            with_evidence_counts(alerts_visible_to(self.request.user))
            .select_related("rule_version__rule")
            .prefetch_related("rule_version__counted_types")
            .order_by("-opened_at", "-id")
        )
        # The list shows how many errors count, not which: their rows are read only where shown.
        return alerts if self.action == "list" else alerts.prefetch_related(alert_evidence_prefetch())

    def get_serializer_class(self) -> type[Any]:
        # The agent sees the evidence of their own decided alerts; deciders open it explicitly.
        user = self.request.user
        if self.action == "retrieve" and getattr(user, "role", None) == Role.AGENT:
            return AlertWithEvidenceSerializer
        return AlertSerializer

    def _fresh(self, alert: Alert) -> Alert:
        return self.get_queryset().get(pk=alert.pk)

    @extend_schema(
        request=None,
        responses={200: AlertWithEvidenceSerializer},
        summary="Open the evidence (recorded; required before deciding)",
    )
    @action(detail=True, methods=["post"], url_path="view-evidence")
    def view_evidence(self, request: Request, pk: str | None = None) -> Response:
        alert = self.get_object()
        alert_services.alert_view_evidence(alert=alert, acting_user=request_user(request))
        return Response(AlertWithEvidenceSerializer(self._fresh(alert)).data)

    def _decide(self, request: Request, decision: str) -> Response:
        alert = self.get_object()
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        decided = alert_services.alert_decide(
            alert=alert,
            decision=decision,
            rationale=data.validated_data["rationale"],
            acting_user=request_user(request),
        )
        return Response(AlertSerializer(self._fresh(decided)).data)

    @extend_schema(
        request=DecisionInput, responses={200: AlertSerializer}, summary="Confirm the alert, with a rationale"
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, "confirm")

    @extend_schema(
        request=DecisionInput, responses={200: AlertSerializer}, summary="Dismiss the alert, with a rationale"
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, "dismiss")


class ScoringRunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[ScoringRun]):
    """Batch scoring runs with their live progress."""

    permission_classes = [RoleAccess]
    read_roles = frozenset({Role.QA_LEAD})
    write_roles = frozenset({Role.QA_LEAD})
    serializer_class = ScoringRunSerializer

    def get_queryset(self) -> QuerySet[ScoringRun]:
        return scoring_runs_visible_to(self.request.user)

    @extend_schema(
        request=ScoringRunInput,
        responses={201: ScoringRunSerializer},
        summary="Start a scoring run; follow its progress at its URL",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ScoringRunInput(data=request.data)
        data.is_valid(raise_exception=True)
        run = scoring_services.scoring_run_create(
            trigger=RunTrigger.MANUAL, acting_user=request_user(request), **data.validated_data
        )
        run.refresh_from_db()
        return Response(
            ScoringRunSerializer(run).data, status=201, headers={"Location": f"/api/v1/scoring-runs/{run.pk}/"}
        )


class AgentScoreFilter(django_filters.FilterSet):
    agent = IdFilter(field_name="agent_id")
    period_start = django_filters.DateFilter()

    class Meta:
        model = AgentScore
        fields = ["agent", "period_start"]


class AgentScoreViewSet(viewsets.ReadOnlyModelViewSet[AgentScore]):
    permission_classes = [RoleAccess]
    read_roles = frozenset({Role.AGENT, Role.SUPERVISOR, Role.QA_LEAD})
    serializer_class = AgentScoreSerializer
    filterset_class = AgentScoreFilter

    def get_queryset(self) -> QuerySet[AgentScore]:
        return agent_scores_visible_to(self.request.user).order_by("agent_id", "-period_start")
