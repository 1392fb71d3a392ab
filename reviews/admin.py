"""Admin: read-only for review data.

Every change to review data goes through a service that checks the rules and
writes its AuditEvent; the admin would bypass both, so it only shows.
Administrators manage users and teams (accounts admin).
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from reviews.models import (
    AgentScore,
    Alert,
    AlertEvidence,
    AlertEvidenceView,
    Answer,
    Appeal,
    AppealItem,
    AuditEvent,
    Call,
    ConsentRecord,
    Criterion,
    CriticalError,
    CriticalErrorType,
    Evaluation,
    Notification,
    RuleVersion,
    Scorecard,
    ScorecardVersion,
    ScoringChunk,
    ScoringRun,
    Section,
    ThresholdRule,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = ["external_id", "source", "agent", "channel", "started_at", "handle_time_seconds"]
    list_filter = ["source", "channel"]
    search_fields = ["external_id"]
    exclude = ["transcript"]


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnlyAdmin):
    list_display = ["name", "created_at"]


@admin.register(ScorecardVersion)
class ScorecardVersionAdmin(ReadOnlyAdmin):
    list_display = ["scorecard", "number", "status", "critical_policy", "published_at"]
    list_filter = ["status"]


@admin.register(Section)
class SectionAdmin(ReadOnlyAdmin):
    list_display = ["title", "version", "position"]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ["text", "section", "max_points", "na_allowed", "critical_error_type"]


@admin.register(CriticalErrorType)
class CriticalErrorTypeAdmin(ReadOnlyAdmin):
    list_display = ["code", "label_en", "counts_toward_thresholds", "is_active"]


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["id", "call", "reviewer", "status", "revision", "score", "submitted_at"]
    list_filter = ["status"]


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ["evaluation", "criterion", "points", "not_applicable"]


@admin.register(CriticalError)
class CriticalErrorAdmin(ReadOnlyAdmin):
    list_display = ["evaluation", "type", "offset_seconds", "status", "observed_at"]
    list_filter = ["status", "type"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["sequence", "occurred_at", "actor", "actor_role", "action", "object_type", "object_id"]
    list_filter = ["action", "actor_role"]
    search_fields = ["action", "object_id"]


@admin.register(ThresholdRule)
class ThresholdRuleAdmin(ReadOnlyAdmin):
    list_display = ["name", "created_at"]


@admin.register(RuleVersion)
class RuleVersionAdmin(ReadOnlyAdmin):
    list_display = ["rule", "number", "status", "level", "count_n", "window_days", "effective_from", "review_by"]
    list_filter = ["status", "level"]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ["rule_version", "decision", "decided_on", "reference"]


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["id", "agent", "rule_version", "status", "level", "opened_at", "decided_at"]
    list_filter = ["status", "level"]


@admin.register(AlertEvidence)
class AlertEvidenceAdmin(ReadOnlyAdmin):
    list_display = ["alert", "critical_error", "added_at"]


@admin.register(AlertEvidenceView)
class AlertEvidenceViewAdmin(ReadOnlyAdmin):
    list_display = ["alert", "viewer", "viewed_at"]


@admin.register(ScoringRun)
class ScoringRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "as_of", "trigger", "status", "processed_agents", "total_agents", "alerts_opened"]


@admin.register(ScoringChunk)
class ScoringChunkAdmin(ReadOnlyAdmin):
    list_display = ["run", "index", "status", "attempts", "processed_at"]


@admin.register(AgentScore)
class AgentScoreAdmin(ReadOnlyAdmin):
    list_display = ["agent", "period_start", "evaluations", "mean_score", "computed_at"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["id", "evaluation", "agent", "status", "assignee", "deadline", "decided_at"]
    list_filter = ["status"]


@admin.register(AppealItem)
class AppealItemAdmin(ReadOnlyAdmin):
    list_display = ["appeal", "kind", "critical_error", "criterion", "overturned"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "kind", "created_at", "read_at"]
