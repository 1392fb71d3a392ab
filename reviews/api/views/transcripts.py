"""HTTP in, service or selector call, serializer out. No business rules here."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from reviews.api.params import time_range
from reviews.api.permissions import RoleAccess, request_user
from reviews.api.serializers.transcripts import SearchResultSerializer
from reviews.domain.errors import DomainError
from reviews.models import Channel
from reviews.selectors.transcripts import search_params, search_segments
from reviews.services.transcripts import transcript_search_record

SEARCHERS = frozenset({Role.SUPERVISOR, Role.QA_LEAD})


class JsonLinesParser(BaseParser):
    """A transcript as JSON lines (one segment per line), read as text for the domain to check line by line."""

    media_type = "application/x-ndjson"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read() if stream is not None else b""
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DomainError(_("The transcript is not UTF-8 text."), code="invalid_transcript") from exc


SEARCH_PARAMS = [
    OpenApiParameter("q", OpenApiTypes.STR, required=True, description="Words (stemmed, Dutch), “a phrase”, or, -word"),
    OpenApiParameter("start", OpenApiTypes.DATETIME, description="Calls from (default: 90 days before end)"),
    OpenApiParameter("end", OpenApiTypes.DATETIME, description="Calls until (default: now)"),
    OpenApiParameter("team", OpenApiTypes.INT, description="QA leads: one team"),
    OpenApiParameter("channel", OpenApiTypes.STR, enum=Channel.values),
]


class TranscriptSearchView(APIView):
    """Search what was said in the calls you may see. Every search is audited with its terms."""

    permission_classes = [RoleAccess]
    read_roles = SEARCHERS
    parser_classes = [JSONParser]

    @extend_schema(parameters=SEARCH_PARAMS, responses={200: SearchResultSerializer}, summary="Search transcripts")
    def get(self, request: Request) -> Response:
        user = request_user(request)
        params = search_params(request.query_params, allow_team=user.role == Role.QA_LEAD, strict=True)
        start, end = time_range(request)
        hits, more = search_segments(user=user, start=start, end=end, **params)
        transcript_search_record(
            query=params["query"],
            filters={
                "start": start.isoformat(),
                "end": end.isoformat(),
                "team": str(params["team_id"] or ""),
                "channel": params["channel"],
            },
            found=len(hits),
            acting_user=user,
        )
        return Response(SearchResultSerializer({"results": hits, "more": more}).data)
