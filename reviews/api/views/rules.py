from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Role
from reviews.api.permissions import RoleAccess, request_user
from reviews.api.serializers.rules import (
    ConsentInput,
    NullityInput,
    PreviewInput,
    PreviewSerializer,
    RuleTermsInput,
    ThresholdRuleCreateInput,
    ThresholdRuleSerializer,
    VersionChoiceInput,
)
from reviews.models import RuleVersionStatus, ThresholdRule
from reviews.selectors import rule_versions_visible_to, threshold_rules_visible_to
from reviews.selectors.thresholds import rule_version_for_action
from reviews.services import rule_preview
from reviews.services import rules as rule_services

QA_LEAD = frozenset({Role.QA_LEAD})
COUNCIL = frozenset({Role.WORKS_COUNCIL})


def _term_changes(data: dict[str, Any]) -> dict[str, Any]:
    """API field names to the domain's RuleTerms names (only the fields given)."""
    renames = {
        "purpose": ("purpose", lambda v: v),
        "counted_types": ("counted_type_codes", frozenset),
        "count_n": ("count_n", lambda v: v),
        "window_days": ("window_days", lambda v: v),
        "level": ("level", lambda v: v),
        "effective_from": ("effective_from", lambda v: v),
        "scope_teams": ("team_ids", lambda teams: frozenset(t.pk for t in teams)),
        "scope_employment_types": ("employment_types", frozenset),
        "count_targeted_reviews": ("count_targeted_reviews", bool),
        "exclude_flagged_reviewers": ("exclude_flagged_reviewers", bool),
        "exclude_systemic_causes": ("exclude_systemic_causes", bool),
        "requires_confirmation": ("requires_confirmation", bool),
    }
    return {renames[k][0]: renames[k][1](v) for k, v in data.items() if k in renames}


class ThresholdRuleViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet[ThresholdRule]
):
    """Threshold rules, their full version history, and the consent lifecycle as POST actions."""

    permission_classes = [RoleAccess]
    read_roles = frozenset({Role.QA_LEAD, Role.WORKS_COUNCIL, Role.SUPERVISOR, Role.AGENT})
    write_roles = QA_LEAD
    action_roles = {
        "consent": COUNCIL,
        "nullify": COUNCIL,
        "preview": frozenset({Role.QA_LEAD, Role.WORKS_COUNCIL}),
    }
    serializer_class = ThresholdRuleSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[ThresholdRule]:
        user = self.request.user
        return threshold_rules_visible_to(user).prefetch_related(
            Prefetch(
                "versions",
                queryset=rule_versions_visible_to(user)
                .prefetch_related("counted_types", "scope_teams", "consents__decided_by")
                .order_by("-number"),
                to_attr="visible_versions",
            )
        )

    def _rule_response(self, rule_id: int, status: int = 200) -> Response:
        return Response(ThresholdRuleSerializer(self.get_queryset().get(pk=rule_id)).data, status=status)

    @extend_schema(
        request=ThresholdRuleCreateInput,
        responses={201: ThresholdRuleSerializer},
        summary="Draft a new rule (version 1)",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ThresholdRuleCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        rule = rule_services.threshold_rule_create(
            name=data.validated_data["name"],
            terms=rule_services.RuleTerms(**_term_changes(data.validated_data)),
            acting_user=request_user(request),
        )
        return self._rule_response(rule.pk, 201)

    @extend_schema(
        request=RuleTermsInput,
        responses={200: ThresholdRuleSerializer},
        summary="Change a rule: edits the draft, or starts a new draft version that needs consent again",
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rule = self.get_object()
        data = RuleTermsInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        rule_services.threshold_rule_change(
            rule=rule, changes=_term_changes(data.validated_data), acting_user=request_user(request)
        )
        return self._rule_response(rule.pk)

    def _transition(
        self, request: Request, states: tuple[str, ...], service: Callable[..., Any], **extra: Any
    ) -> Response:
        rule = self.get_object()
        data = VersionChoiceInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = rule_version_for_action(rule.pk, requested_id=data.validated_data.get("version"), states=states)
        service(version=version, acting_user=request_user(request), **extra)
        return self._rule_response(rule.pk)

    @extend_schema(
        request=VersionChoiceInput,
        responses={200: ThresholdRuleSerializer},
        summary="Propose the draft to the works council",
    )
    @action(detail=True, methods=["post"])
    def propose(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, (RuleVersionStatus.DRAFT,), rule_services.rule_version_propose)

    @extend_schema(
        request=ConsentInput,
        responses={200: ThresholdRuleSerializer},
        summary="Works council: grant or refuse consent to the proposed version",
    )
    @action(detail=True, methods=["post"])
    def consent(self, request: Request, pk: str | None = None) -> Response:
        rule = self.get_object()
        data = ConsentInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = rule_version_for_action(
            rule.pk, requested_id=fields.pop("version", None), states=(RuleVersionStatus.PROPOSED,)
        )
        rule_services.rule_version_decide_consent(version=version, acting_user=request_user(request), **fields)
        return self._rule_response(rule.pk)

    @extend_schema(
        request=VersionChoiceInput,
        responses={200: ThresholdRuleSerializer},
        summary="Activate the consented version (refused without a granted consent)",
    )
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, (RuleVersionStatus.CONSENTED,), rule_services.rule_version_activate)

    @extend_schema(
        request=VersionChoiceInput, responses={200: ThresholdRuleSerializer}, summary="Retire the active version"
    )
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, (RuleVersionStatus.ACTIVE,), rule_services.rule_version_retire)

    @extend_schema(
        request=NullityInput,
        responses={200: ThresholdRuleSerializer},
        summary="Works council: invoke nullity; the version stops and its alerts are quarantined",
    )
    @action(detail=True, methods=["post"])
    def nullify(self, request: Request, pk: str | None = None) -> Response:
        rule = self.get_object()
        data = NullityInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = rule_version_for_action(
            rule.pk,
            requested_id=data.validated_data.get("version"),
            states=(RuleVersionStatus.ACTIVE, RuleVersionStatus.CONSENTED),
        )
        rule_services.rule_version_nullify(
            version=version, reason=data.validated_data["reason"], acting_user=request_user(request)
        )
        return self._rule_response(rule.pk)

    @extend_schema(
        request=PreviewInput,
        responses={200: PreviewSerializer},
        summary="What-if: how many agents this draft or proposed version would have flagged",
    )
    @action(detail=True, methods=["post"])
    def preview(self, request: Request, pk: str | None = None) -> Response:
        rule = self.get_object()
        data = PreviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = rule_version_for_action(
            rule.pk,
            requested_id=data.validated_data.get("version"),
            states=(RuleVersionStatus.DRAFT, RuleVersionStatus.PROPOSED),
        )
        preview = rule_preview.rule_version_preview(
            version=version, acting_user=request_user(request), as_of=data.validated_data.get("as_of")
        )
        return Response(PreviewSerializer(preview).data)
