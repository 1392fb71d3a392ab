"""Screening lists under works-council consent (the lifecycle as POST actions, like threshold rules),
each version's report, and the candidates a list selected."""

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
from reviews.api.pagination import keyset
from reviews.api.permissions import RoleAccess, request_user
from reviews.api.serializers.rules import ConsentInput, NullityInput, VersionChoiceInput
from reviews.api.serializers.screening import (
    ScreeningCandidateSerializer,
    ScreeningListCreateInput,
    ScreeningListSerializer,
    ScreeningTermsInput,
    VersionReportSerializer,
)
from reviews.models import RuleVersionStatus, ScreeningCandidate, ScreeningList
from reviews.selectors.screening import (
    candidates_visible_to,
    screening_lists_visible_to,
    screening_report,
    screening_version_for_action,
    screening_versions_visible_to,
)
from reviews.services import screening_lists

QA_LEAD = frozenset({Role.QA_LEAD})
COUNCIL = frozenset({Role.WORKS_COUNCIL})


def _terms(data: dict[str, Any]) -> screening_lists.ScreeningTerms:
    return screening_lists.ScreeningTerms(
        purpose=data["purpose"], phrases=tuple(data["phrases"]), max_gap=data.get("max_gap", 2)
    )


class ScreeningListViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[ScreeningList]):
    """Screening lists with their versions. Only an active version with a standing consent screens."""

    permission_classes = [RoleAccess]
    read_roles = frozenset({Role.QA_LEAD, Role.WORKS_COUNCIL, Role.SUPERVISOR, Role.AGENT})
    write_roles = QA_LEAD
    action_roles = {
        "consent": COUNCIL,
        "nullify": COUNCIL,
        "report": frozenset({Role.QA_LEAD, Role.WORKS_COUNCIL}),
    }
    serializer_class = ScreeningListSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[ScreeningList]:
        user = self.request.user
        return screening_lists_visible_to(user).prefetch_related(
            Prefetch(
                "versions",
                queryset=screening_versions_visible_to(user).order_by("-number"),
                to_attr="visible_versions",
            )
        )

    def _response(self, list_id: int, status: int = 200) -> Response:
        return Response(ScreeningListSerializer(self.get_queryset().get(pk=list_id)).data, status=status)

    @extend_schema(
        request=ScreeningListCreateInput,
        responses={201: ScreeningListSerializer},
        summary="Draft a new screening list (version 1)",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ScreeningListCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        screening_list = screening_lists.screening_list_create(
            name=data.validated_data["name"], terms=_terms(data.validated_data), acting_user=request_user(request)
        )
        return self._response(screening_list.pk, 201)

    @extend_schema(
        request=ScreeningTermsInput,
        responses={200: ScreeningListSerializer},
        summary="Change a list: edits the draft, or starts a new draft version that needs consent again",
    )
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: str | None = None) -> Response:
        screening_list = self.get_object()
        data = ScreeningTermsInput(data=request.data)
        data.is_valid(raise_exception=True)
        screening_lists.screening_list_revise(
            screening_list=screening_list, terms=_terms(data.validated_data), acting_user=request_user(request)
        )
        return self._response(screening_list.pk)

    def _transition(
        self, request: Request, states: tuple[str, ...], service: Callable[..., Any], data: Any = None
    ) -> Response:
        screening_list = self.get_object()
        data = data or VersionChoiceInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = screening_version_for_action(
            screening_list.pk, requested_id=fields.pop("version", None), states=states
        )
        service(version=version, acting_user=request_user(request), **fields)
        return self._response(screening_list.pk)

    @extend_schema(request=VersionChoiceInput, responses={200: ScreeningListSerializer}, summary="Propose the draft")
    @action(detail=True, methods=["post"])
    def propose(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, (RuleVersionStatus.DRAFT,), screening_lists.screening_version_propose)

    @extend_schema(
        request=ConsentInput,
        responses={200: ScreeningListSerializer},
        summary="Works council: grant or refuse consent to the proposed version",
    )
    @action(detail=True, methods=["post"])
    def consent(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(
            request,
            (RuleVersionStatus.PROPOSED,),
            screening_lists.screening_version_decide_consent,
            ConsentInput(data=request.data),
        )

    @extend_schema(
        request=VersionChoiceInput,
        responses={200: ScreeningListSerializer},
        summary="Activate the consented version: it screens transcripts added from now on",
    )
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, (RuleVersionStatus.CONSENTED,), screening_lists.screening_version_activate)

    @extend_schema(
        request=VersionChoiceInput, responses={200: ScreeningListSerializer}, summary="Retire the active version"
    )
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, (RuleVersionStatus.ACTIVE,), screening_lists.screening_version_retire)

    @extend_schema(
        request=NullityInput,
        responses={200: ScreeningListSerializer},
        summary="Works council: invoke nullity; the version stops and its unreviewed candidates are withdrawn",
    )
    @action(detail=True, methods=["post"])
    def nullify(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(
            request,
            (RuleVersionStatus.ACTIVE, RuleVersionStatus.CONSENTED),
            screening_lists.screening_version_nullify,
            NullityInput(data=request.data),
        )

    @extend_schema(
        responses={200: VersionReportSerializer(many=True)},
        summary="Per version: candidates, reviewed, with a critical error, and the precision (Wilson 95 %)",
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def report(self, request: Request, pk: str | None = None) -> Response:
        screening_list = self.get_object()
        versions = (
            screening_versions_visible_to(request_user(request))
            .filter(screening_list=screening_list)
            .exclude(status=RuleVersionStatus.DRAFT)
            .order_by("-number")
        )
        return Response(VersionReportSerializer(screening_report(versions), many=True).data)


class ScreeningCandidateViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[ScreeningCandidate]):
    """Calls a screening list selected: a QA lead sees all, a reviewer theirs, an agent those of their calls."""

    permission_classes = [RoleAccess]
    read_roles = frozenset({Role.QA_LEAD, Role.SUPERVISOR, Role.AGENT})
    serializer_class = ScreeningCandidateSerializer
    pagination_class = keyset("-created_at", "-id")

    def get_queryset(self) -> QuerySet[ScreeningCandidate]:
        return candidates_visible_to(self.request.user)
