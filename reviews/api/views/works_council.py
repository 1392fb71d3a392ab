"""The works council's views: pseudonymised aggregates, each read audited, each table also as CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.pseudonyms import pseudonym_for
from reviews.api.pagination import keyset
from reviews.api.params import council_range, period_kind, time_range
from reviews.api.permissions import RoleAccess, request_user
from reviews.api.throttles import CsvExportThrottle
from reviews.domain.audit_chain import Checkpoint
from reviews.domain.errors import DomainError
from reviews.selectors.council_causes import cause_distribution
from reviews.selectors.council_support import support_before_sanction, uncoached_warnings_by_rule
from reviews.selectors.works_council import (
    audit_log,
    group_breakdown,
    pressure_indicators,
    reviewer_aggregates,
    rule_register,
    rule_usage,
)
from reviews.services.audit import audit_chain_verify
from reviews.services.figures import figures_refresh_before_read
from reviews.services.works_council import audit_verification_record, works_council_read_record

COUNCIL = frozenset({Role.WORKS_COUNCIL})
PERIOD_PARAMS = [
    OpenApiParameter("start", OpenApiTypes.DATETIME, description="default: 90 days before end"),
    OpenApiParameter("end", OpenApiTypes.DATETIME, description="default: now"),
]
WINDOW_HELP = (
    "The figures cover the calendar quarter holding start..end (installation time zone; the body's `window` "
    "says which); a period across two quarters is refused. Default: the last complete quarter."
)
WINDOW_PARAMS = [
    OpenApiParameter("start", OpenApiTypes.DATETIME, description=WINDOW_HELP),
    OpenApiParameter("end", OpenApiTypes.DATETIME, description="exclusive; see start"),
]
PERIOD_KIND_PARAM = OpenApiParameter("period", OpenApiTypes.STR, enum=["month", "quarter"])
FORMAT_PARAM = OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], description="csv for a spreadsheet")


class CSVRenderer(BaseRenderer):
    """Renders a list of flat rows (the view decides which table) as CSV."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        rows = data if isinstance(data, list) else [data]
        buffer = io.StringIO()
        headers: list[str] = []
        for row in rows:
            headers += [key for key in row if key not in headers]
        writer = csv.DictWriter(buffer, fieldnames=headers)
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {key: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v for key, v in row.items()}
            )
        return buffer.getvalue().encode()


class CouncilView(APIView):
    permission_classes = [RoleAccess]
    throttle_classes = [CsvExportThrottle]
    read_roles = COUNCIL
    renderer_classes = [JSONRenderer, CSVRenderer]
    view_name = ""

    def compute(self, request: Request) -> tuple[dict[str, Any], Any, list[dict[str, Any]]]:
        """Returns (parameters, JSON body, flat CSV rows)."""
        raise NotImplementedError

    def get(self, request: Request) -> Response:
        params, body, rows = self.compute(request)
        works_council_read_record(view=self.view_name, params=params, acting_user=request_user(request))
        if getattr(request.accepted_renderer, "format", "") == "csv":
            response = Response(rows)
            response["Content-Disposition"] = f'attachment; filename="{self.view_name}.csv"'
            return response
        return Response(body)


def _bounds(request: Request) -> dict[str, Any]:
    start, end = time_range(request)
    return {"start": start, "end": end}


def _window(request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    """The council window's bounds (for the selectors) and how the body describes it."""
    start, end, window = council_range(request)
    described = {"label": window.label, "start": start.isoformat(), "end": end.isoformat()}
    return {"start": start, "end": end}, described


class RuleRegisterView(CouncilView):
    """Every threshold rule with its full version history, consents, a readable diff between versions,
    and what changed when and by whom (pseudonyms), straight from the audit log."""

    view_name = "rule-register"

    @extend_schema(parameters=[FORMAT_PARAM], responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return super().get(request)

    def compute(self, request: Request) -> tuple[dict[str, Any], Any, list[dict[str, Any]]]:
        rules = rule_register()
        rows = [
            {"rule": r["name"], **{k: v for k, v in version.items() if k != "history"}}
            for r in rules
            for version in r["versions"]
        ]
        return {}, {"rules": rules}, rows


class RuleUsageView(CouncilView):
    """Per rule version and month (or quarter): agents whose alerts were opened, confirmed, dismissed,
    retracted after appeal or quarantined; time from evidence to decision; deciders and rubber-stamp flags."""

    view_name = "rule-usage"

    @extend_schema(
        parameters=[*WINDOW_PARAMS, PERIOD_KIND_PARAM, FORMAT_PARAM],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    def compute(self, request: Request) -> tuple[dict[str, Any], Any, list[dict[str, Any]]]:
        (bounds, window), period = _window(request), period_kind(request)
        usage = rule_usage(**bounds, period=period)
        params = {k: v.isoformat() for k, v in bounds.items()} | {"period": period}
        return params, {"window": window, **usage}, usage["rows"]


class GroupBreakdownView(CouncilView):
    """Per team and per employment type: agents with alerts and confirmed warnings, rates against the rest."""

    view_name = "group-breakdown"

    @extend_schema(parameters=[*WINDOW_PARAMS, FORMAT_PARAM], responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return super().get(request)

    def compute(self, request: Request) -> tuple[dict[str, Any], Any, list[dict[str, Any]]]:
        bounds, window = _window(request)
        breakdown = group_breakdown(**bounds)
        rows = [{"dimension": d, **row} for d in ("team", "employment_type") for row in breakdown[d]]
        return {k: v.isoformat() for k, v in bounds.items()}, {"window": window, **breakdown}, rows


class RootCausesView(CouncilView):
    """Critical errors per root cause, per team and per employment type, and the systemic share."""

    view_name = "root-causes"

    @extend_schema(parameters=[*WINDOW_PARAMS, FORMAT_PARAM], responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return super().get(request)

    def compute(self, request: Request) -> tuple[dict[str, Any], Any, list[dict[str, Any]]]:
        bounds, window = _window(request)
        figures = cause_distribution(**bounds)
        rows = [
            {
                "dimension": d,
                "group": row["group"],
                **row["cells"],
                "critical_errors": row["critical_errors"],
                "systemic_share": row["systemic_share"],
            }
            for d in ("team", "employment_type")
            for row in figures[d]
        ]
        return {k: v.isoformat() for k, v in bounds.items()}, {"window": window, **figures}, rows


class SupportBeforeSanctionView(CouncilView):
    """Of the confirmed formal and contract warnings, the share a coaching plan for the agent preceded."""

    view_name = "support-before-sanction"

    @extend_schema(parameters=[*WINDOW_PARAMS, FORMAT_PARAM], responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return super().get(request)

    def compute(self, request: Request) -> tuple[dict[str, Any], Any, list[dict[str, Any]]]:
        bounds, window = _window(request)
        figures = support_before_sanction(**bounds)
        body = {"window": window, **figures, "uncoached_by_rule": uncoached_warnings_by_rule(**bounds)}
        rows = [{"dimension": d, **row} for d in ("team", "employment_type") for row in figures[d]]
        return {k: v.isoformat() for k, v in bounds.items()}, body, rows


class CouncilReviewerConsistencyView(CouncilView):
    """Reviewer consistency per pseudonymised reviewer."""

    view_name = "reviewer-consistency"

    @extend_schema(parameters=[*WINDOW_PARAMS, FORMAT_PARAM], responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return super().get(request)

    def compute(self, request: Request) -> tuple[dict[str, Any], Any, list[dict[str, Any]]]:
        bounds, window = _window(request)
        rows = reviewer_aggregates(**bounds)
        return {k: v.isoformat() for k, v in bounds.items()}, {"window": window, "reviewers": rows}, rows


class PressureIndicatorsView(CouncilView):
    """Critical-error rates by handle-time band, and the share of unreported signals over time."""

    view_name = "pressure-indicators"

    @extend_schema(
        parameters=[*WINDOW_PARAMS, PERIOD_KIND_PARAM, FORMAT_PARAM],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    def compute(self, request: Request) -> tuple[dict[str, Any], Any, list[dict[str, Any]]]:
        (bounds, window), period = _window(request), period_kind(request)
        figures_refresh_before_read()
        figures = {"window": window, **pressure_indicators(**bounds, period=period)}
        rows = [{"table": "handle_time_band", **b} for b in figures["handle_time_bands"]] + [
            {"table": "unreported_signal_share", **s} for s in figures["unreported_signal_share"]
        ]
        return {k: v.isoformat() for k, v in bounds.items()} | {"period": period}, figures, rows


class CouncilAuditLogView(CouncilView):
    """Audit events about rules, consents, alerts and appeals, newest first. People as pseudonyms;
    payloads only for rule and consent events (alerts and appeals may hold free text about people)."""

    view_name = "audit-log"

    @extend_schema(
        parameters=[
            *PERIOD_PARAMS,
            OpenApiParameter("action", OpenApiTypes.STR, description="action prefix"),
            OpenApiParameter("cursor", OpenApiTypes.STR, description="the `next` or `previous` link's position"),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="rows per page, 1 to 200"),
            FORMAT_PARAM,
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    def compute(self, request: Request) -> tuple[dict[str, Any], Any, list[dict[str, Any]]]:
        bounds = _bounds(request)
        action = request.query_params.get("action", "")
        events = audit_log(action_prefix=action, **bounds)
        paginator = keyset("-sequence")()
        page = paginator.paginate_queryset(events, request, view=self) or []
        rows = [
            {
                "sequence": e.sequence,
                "occurred_at": e.occurred_at.isoformat(),
                "actor": pseudonym_for(e.actor_id) if e.actor_id else "system",
                "actor_role": e.actor_role,
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "subject": pseudonym_for(e.subject_id) if e.subject_id else None,
                "data": e.data
                if e.action.startswith(("reviews.threshold_rule.", "reviews.rule_version.", "reviews.root_cause."))
                else None,
                "hash": e.hash,
            }
            for e in page
        ]
        body = {"next": paginator.get_next_link(), "previous": paginator.get_previous_link(), "results": rows}
        return {k: v.isoformat() for k, v in bounds.items()} | {"action": action}, body, rows


class AuditVerifyView(APIView):
    """Recompute the audit log's hash chain; report the head so it can be kept and compared later."""

    permission_classes = [RoleAccess]
    read_roles = frozenset({Role.WORKS_COUNCIL, Role.QA_LEAD, Role.ADMIN})

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "expect",
                OpenApiTypes.STR,
                pattern=r"^[1-9][0-9]*:[0-9a-f]{64}$",
                description="A head kept earlier, SEQUENCE:HASH: the chain must still hold it (a removed or "
                "rewritten tail fails)",
            )
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("expect")
        try:
            checkpoint = Checkpoint.parse(raw) if raw is not None else None
        except ValueError as exc:
            message = _("A checkpoint is written SEQUENCE:HASH, e.g. 1234:3fa9… with the 64-character hash.")
            raise DomainError(message, code="invalid_checkpoint", fields={"expect": [message]}) from exc
        result = audit_chain_verify(expect=checkpoint)
        audit_verification_record(
            ok=result.ok,
            head_sequence=result.head_sequence,
            head_hash=result.head_hash,
            acting_user=request_user(request),
        )
        return Response(
            {
                "ok": result.ok,
                "checked": result.checked,
                "head_sequence": result.head_sequence,
                "head_hash": result.head_hash,
                "first_broken_sequence": result.first_broken_sequence,
                "reason": result.reason,
            }
        )
