from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import JsonResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from reviews.api.params import time_range
from reviews.api.permissions import RoleAccess, request_user
from reviews.api.serializers.calibration import (
    SESSION_PREFETCHES,
    CalibrationScoreInput,
    CalibrationSessionCreateInput,
    CalibrationSessionSerializer,
    ReviewerConsistencySerializer,
)
from reviews.api.views.calls import RECORDING_SCHEMA, BinaryErrorsAsJson, stream_recording
from reviews.api.views.common import PassthroughRenderer
from reviews.models import CalibrationSession
from reviews.selectors import calibration_sessions_visible_to
from reviews.selectors.consistency import reviewer_consistency_for
from reviews.services import calibration as calibration_services
from reviews.services.calibration import CalibrationError
from reviews.services.evaluations import AnswerInput

REVIEWERS = frozenset({Role.SUPERVISOR, Role.QA_LEAD})


class CalibrationSessionViewSet(
    BinaryErrorsAsJson, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[CalibrationSession]
):
    """Calibration: participants score one call blind; the QA lead closes the session and sees agreement."""

    permission_classes = [RoleAccess]
    read_roles = REVIEWERS
    write_roles = frozenset({Role.QA_LEAD})
    action_roles = {"score": REVIEWERS, "close": frozenset({Role.QA_LEAD})}
    serializer_class = CalibrationSessionSerializer

    def get_queryset(self) -> QuerySet[CalibrationSession]:
        return calibration_sessions_visible_to(self.request.user).prefetch_related(*SESSION_PREFETCHES)

    def _fresh(self, session: CalibrationSession, status: int = 200) -> Response:
        return Response(
            CalibrationSessionSerializer(
                self.get_queryset().get(pk=session.pk), context={"request": self.request}
            ).data,
            status=status,
        )

    @extend_schema(request=CalibrationSessionCreateInput, responses={201: CalibrationSessionSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CalibrationSessionCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        session = calibration_services.calibration_session_create(
            acting_user=request_user(request), **data.validated_data
        )
        return self._fresh(session, 201)

    @extend_schema(
        request=CalibrationScoreInput,
        responses={201: CalibrationSessionSerializer},
        summary="Participant: submit your complete blind scoring",
    )
    @action(detail=True, methods=["post"])
    def score(self, request: Request, pk: str | None = None) -> Response:
        session = self.get_object()
        data = CalibrationScoreInput(data=request.data)
        data.is_valid(raise_exception=True)
        calibration_services.calibration_score(
            session=session,
            answers=[
                AnswerInput(
                    criterion_id=a["criterion"],
                    points=a["points"],
                    not_applicable=a["not_applicable"],
                    comment=a["comment"],
                )
                for a in data.validated_data["answers"]
            ],
            critical_errors=[
                CalibrationError(type_code=e["type"], offset_seconds=e["offset_seconds"], note=e["note"])
                for e in data.validated_data["critical_errors"]
            ],
            acting_user=request_user(request),
        )
        return self._fresh(session, 201)

    @extend_schema(
        request=None,
        responses={200: CalibrationSessionSerializer},
        summary="QA lead: close the session and compute agreement",
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        session = calibration_services.calibration_session_close(
            session=self.get_object(), acting_user=request_user(request)
        )
        return self._fresh(session)

    @RECORDING_SCHEMA
    @action(detail=True, methods=["get"], renderer_classes=[PassthroughRenderer])
    def recording(self, request: Request, pk: str | None = None) -> StreamingHttpResponse | JsonResponse:
        return stream_recording(request, self.get_object().call)


class ReviewerConsistencyView(APIView):
    """Per reviewer: volume, mean score, critical-error rate against peers (95 % Wilson intervals),
    calibration history, appeal overturn rate, and whether they are flagged for calibration."""

    permission_classes = [RoleAccess]
    read_roles = REVIEWERS

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATETIME, description="default: 90 days ago"),
            OpenApiParameter("end", OpenApiTypes.DATETIME, description="default: now"),
        ],
        responses={200: ReviewerConsistencySerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        user = request_user(request)
        start, end = time_range(request)
        rows = reviewer_consistency_for(user, start=start, end=end)
        return Response(ReviewerConsistencySerializer(rows, many=True).data)
