"""Reads: role-scoped querysets. Every API view's get_queryset comes from here.

A row a user may not see is simply absent, so the API answers 404 for it.
An anonymous viewer sees nothing.
"""

from __future__ import annotations

from typing import TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.db.models import BooleanField, Case, Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Role, Team, User
from reviews.models import (
    OPEN_APPEAL_STATUSES,
    AgentScore,
    Alert,
    AlertEvidence,
    AlertStatus,
    Appeal,
    AppealItem,
    CalibrationParticipant,
    CalibrationSession,
    Call,
    CoachingPlan,
    CoachingSession,
    ConfirmationTask,
    CriticalError,
    CriticalErrorType,
    Evaluation,
    EvaluationStatus,
    Notification,
    ReviewAssignment,
    RootCause,
    RootCauseChange,
    RuleVersion,
    RuleVersionStatus,
    Scorecard,
    ScorecardVersion,
    ScorecardVersionStatus,
    ScoringRun,
    ScreeningCandidate,
    ThresholdRule,
)

# Roles that work with calls and evaluations at all. Others get 403 on those endpoints.
CALL_READER_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.QA_LEAD})
REVIEWER_ROLES = frozenset({Role.SUPERVISOR, Role.QA_LEAD})

Viewer = User | AnonymousUser


def _known(user: Viewer) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_authenticated


def _team_of(user: User) -> int:
    """The user's team id; -1 (no team matches) for a user without a team."""
    return user.team_id if user.team_id is not None else -1


def teams_visible_to(user: Viewer) -> QuerySet[Team]:
    if not _known(user):
        return Team.objects.none()
    if user.role in (Role.AGENT, Role.SUPERVISOR):
        return Team.objects.filter(pk=_team_of(user))
    return Team.objects.all()


def users_visible_to(user: Viewer) -> QuerySet[User]:
    """Agents see themselves; supervisors their team; QA leads and admins everyone.

    The works council sees only itself: elsewhere it sees pseudonyms, never people.
    """
    users = User.objects.select_related("team").order_by("username")
    if not _known(user):
        return users.none()
    if user.role in (Role.QA_LEAD, Role.ADMIN):
        return users.all()
    if user.role == Role.SUPERVISOR and user.team_id is not None:
        return users.filter(Q(pk=user.pk) | Q(team_id=_team_of(user)))
    return users.filter(pk=user.pk)


def calls_visible_to(user: Viewer) -> QuerySet[Call]:
    calls = Call.objects.select_related("agent", "agent__team")
    if not _known(user):
        return calls.none()
    if user.role == Role.QA_LEAD:
        return calls.all()
    if user.role == Role.SUPERVISOR:
        # Every arm is a condition on the call's own columns (no join in the OR), so PostgreSQL
        # filters with hashed subplans and pages by the started_at index (bench/RESULTS.md).
        return calls.filter(
            Q(agent_id__in=User.objects.filter(team_id=_team_of(user)).values("pk"))
            | Q(pk__in=Evaluation.objects.filter(reviewer=user).values("call_id"))
            # A sampling run may assign a call of another team's agent.
            | Q(pk__in=ReviewAssignment.objects.filter(reviewer=user).values("call_id"))
            | Q(pk__in=Appeal.objects.filter(assignee=user).values("evaluation__call_id"))
            # A second opinion on one of the call's errors: the recording, not the first judgment.
            | Q(pk__in=ConfirmationTask.objects.filter(assignee=user).values("critical_error__evaluation__call_id"))
            # A screening list selected the call for this reviewer.
            | Q(pk__in=ScreeningCandidate.objects.filter(reviewer=user).values("call_id"))
        )
    if user.role == Role.AGENT:
        return calls.filter(agent=user)
    return calls.none()


def evaluations_visible_to(user: Viewer) -> QuerySet[Evaluation]:
    """Agents see their submitted evaluations (never drafts); supervisors their team's and their own work."""
    # Calibration scorings are reached through their session only, never as evaluations.
    evaluations = Evaluation.objects.filter(calibration_session__isnull=True).select_related(
        "call", "call__agent", "call__agent__team", "reviewer", "scorecard_version", "scorecard_version__scorecard"
    )
    if not _known(user):
        return evaluations.none()
    if user.role == Role.QA_LEAD:
        return evaluations.all()
    if user.role == Role.SUPERVISOR:
        # As for calls: every arm a condition on the evaluation's own columns, no join inside the OR.
        team_calls = Call.objects.filter(agent_id__in=User.objects.filter(team_id=_team_of(user)).values("pk"))
        return evaluations.filter(
            Q(reviewer=user)
            | (Q(call_id__in=team_calls.values("pk")) & ~Q(status=EvaluationStatus.DRAFT))
            # An appeal's assignee sees the appealed evaluation and the revision it led to.
            | Q(pk__in=Appeal.objects.filter(assignee=user).values("evaluation_id"))
            | Q(previous_revision__in=Appeal.objects.filter(assignee=user).values("evaluation_id"))
        )
    if user.role == Role.AGENT:
        return evaluations.filter(call__agent=user).exclude(status=EvaluationStatus.DRAFT)
    return evaluations.none()


def scorecards_visible_to(user: Viewer) -> QuerySet[Scorecard]:
    """Everyone may read the scorecards people are scored with; drafts only the QA lead."""
    if not _known(user):
        return Scorecard.objects.none()
    if user.role == Role.QA_LEAD:
        return Scorecard.objects.all()
    return Scorecard.objects.filter(
        pk__in=ScorecardVersion.objects.exclude(status=ScorecardVersionStatus.DRAFT).values("scorecard_id")
    )


def scorecard_versions_visible_to(user: Viewer) -> QuerySet[ScorecardVersion]:
    versions = ScorecardVersion.objects.select_related("scorecard")
    if not _known(user):
        return versions.none()
    if user.role == Role.QA_LEAD:
        return versions.all()
    return versions.exclude(status=ScorecardVersionStatus.DRAFT)


def critical_error_types_visible_to(user: Viewer) -> QuerySet[CriticalErrorType]:
    if not _known(user):
        return CriticalErrorType.objects.none()
    return CriticalErrorType.objects.all()


def coaching_plans_visible_to(user: Viewer) -> QuerySet[CoachingPlan]:
    """The agent sees their own plans; a supervisor the team's; a QA lead all. The council sees none."""
    plans = (
        CoachingPlan.objects.select_related("agent", "agent__team", "opened_by")
        .prefetch_related(
            Prefetch("sessions", queryset=CoachingSession.objects.select_related("recorded_by")),
            "linked_evaluations__call",
        )
        .order_by("-opened_at", "-id")
    )
    if not _known(user):
        return plans.none()
    if user.role == Role.QA_LEAD:
        return plans
    if user.role == Role.SUPERVISOR:
        return plans.filter(agent__team_id=_team_of(user))
    if user.role == Role.AGENT:
        return plans.filter(agent=user)
    return plans.none()


def confirmation_tasks_visible_to(user: Viewer) -> QuerySet[ConfirmationTask]:
    """A second reviewer sees the tasks asked of them; QA leads see all (they decide disagreements)."""
    tasks = ConfirmationTask.objects.select_related(
        "critical_error__type",
        "critical_error__evaluation__call__agent",
        "critical_error__evaluation__reviewer",
        "critical_error__root_cause",
        "assignee",
        "first_reviewer",
        "decided_by",
    ).order_by("due_on", "id")
    if not _known(user):
        return tasks.none()
    if user.role == Role.QA_LEAD:
        return tasks
    if user.role == Role.SUPERVISOR:
        return tasks.filter(assignee=user)
    return tasks.none()


def root_causes_visible_to(user: Viewer) -> QuerySet[RootCause]:
    """Everyone may read the taxonomy, every version of it: what a cause meant when it was given."""
    if not _known(user):
        return RootCause.objects.none()
    return RootCause.objects.all()


def alerts_visible_to(user: Viewer) -> QuerySet[Alert]:
    """Open alerts stay with supervisors and the QA lead; the agent sees an alert once it is decided."""
    alerts = Alert.objects.select_related("agent", "agent__team", "rule", "rule_version", "decided_by")
    if not _known(user):
        return alerts.none()
    if user.role == Role.QA_LEAD:
        return alerts.all()
    if user.role == Role.SUPERVISOR:
        return alerts.filter(agent__team_id=_team_of(user))
    if user.role == Role.AGENT:
        return alerts.filter(agent=user).exclude(status=AlertStatus.OPEN)
    return alerts.none()


def with_critical_error_counts(evaluations: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    """Each evaluation's number of active critical errors as ``critical_error_count`` (for the page's rows only)."""
    errors = CriticalError.objects.filter(evaluation=OuterRef("pk"), status="active").order_by().values("evaluation")
    return evaluations.annotate(critical_error_count=Coalesce(Subquery(errors.annotate(n=Count("pk")).values("n")), 0))


def with_evidence_counts(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """Each alert's number of evidence rows as ``evidence_count``.

    A correlated subquery, computed for the rows a page returns only; a grouped COUNT would count
    the evidence of every alert in the list before the page is taken (seconds at 65,000 alerts).
    """
    evidence = AlertEvidence.objects.filter(alert=OuterRef("pk")).order_by().values("alert")
    return alerts.annotate(evidence_count=Coalesce(Subquery(evidence.annotate(n=Count("pk")).values("n")), 0))


def threshold_rules_visible_to(user: Viewer) -> QuerySet[ThresholdRule]:
    """The QA lead and the works council see every rule; others the rules in force, for transparency."""
    rules = ThresholdRule.objects.all()
    if not _known(user):
        return rules.none()
    if user.role in (Role.QA_LEAD, Role.WORKS_COUNCIL):
        return rules
    if user.role in (Role.SUPERVISOR, Role.AGENT):
        return rules.filter(versions__status=RuleVersionStatus.ACTIVE).distinct()
    return rules.none()


def rule_versions_visible_to(user: Viewer) -> QuerySet[RuleVersion]:
    versions = RuleVersion.objects.select_related("rule")
    if not _known(user):
        return versions.none()
    if user.role in (Role.QA_LEAD, Role.WORKS_COUNCIL):
        return versions.all()
    if user.role in (Role.SUPERVISOR, Role.AGENT):
        return versions.filter(status=RuleVersionStatus.ACTIVE)
    return versions.none()


def scoring_runs_visible_to(user: Viewer) -> QuerySet[ScoringRun]:
    if _known(user) and user.role == Role.QA_LEAD:
        return ScoringRun.objects.all()
    return ScoringRun.objects.none()


def agent_scores_visible_to(user: Viewer) -> QuerySet[AgentScore]:
    scores = AgentScore.objects.select_related("agent", "agent__team")
    if not _known(user):
        return scores.none()
    if user.role == Role.QA_LEAD:
        return scores.all()
    if user.role == Role.SUPERVISOR:
        return scores.filter(agent__team_id=_team_of(user))
    if user.role == Role.AGENT:
        return scores.filter(agent=user)
    return scores.none()


def appeals_visible_to(user: Viewer) -> QuerySet[Appeal]:
    """The agent sees their appeals; a supervisor those assigned to them and their team's; the QA lead all."""
    appeals = Appeal.objects.select_related(
        "evaluation", "evaluation__call", "agent", "agent__team", "assignee", "decided_by"
    )
    if not _known(user):
        return appeals.none()
    if user.role == Role.QA_LEAD:
        return appeals.all()
    if user.role == Role.SUPERVISOR:
        return appeals.filter(Q(assignee=user) | Q(agent__team_id=_team_of(user)))
    if user.role == Role.AGENT:
        return appeals.filter(agent=user)
    return appeals.none()


def notifications_of(user: Viewer) -> QuerySet[Notification]:
    if not _known(user):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def calibration_sessions_visible_to(user: Viewer) -> QuerySet[CalibrationSession]:
    """The QA lead sees every session; a reviewer the sessions they take part in."""
    sessions = CalibrationSession.objects.select_related("call", "call__agent", "scorecard_version")
    if not _known(user):
        return sessions.none()
    if user.role == Role.QA_LEAD:
        return sessions.all()
    if user.role == Role.SUPERVISOR:
        return sessions.filter(pk__in=CalibrationParticipant.objects.filter(reviewer=user).values("session_id"))
    return sessions.none()


def with_overdue(appeals: QuerySet[Appeal]) -> QuerySet[Appeal]:
    """Annotate whether an open appeal has passed its deadline."""
    return appeals.annotate(
        overdue=Case(
            When(status__in=OPEN_APPEAL_STATUSES, deadline__lt=timezone.localdate(), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def critical_errors_shown() -> QuerySet[CriticalError]:
    """Critical errors with what showing one needs: its type, its root cause and the cause's changes."""
    return CriticalError.objects.select_related("type", "root_cause", "confirmation").prefetch_related(
        Prefetch("root_cause_changes", queryset=RootCauseChange.objects.select_related("previous", "new"))
    )


def alert_evidence_prefetch() -> Prefetch:
    """An alert's counted errors with what showing them needs, in one query for many alerts."""
    return Prefetch("evidence", queryset=critical_errors_shown().select_related("evaluation", "evaluation__reviewer"))


def appeal_items_prefetch() -> Prefetch:
    """An appeal's contested items with what they contest, in the order they were lodged."""
    return Prefetch(
        "items",
        queryset=AppealItem.objects.select_related(
            "critical_error__type", "critical_error__root_cause", "critical_error__confirmation", "criterion"
        )
        .prefetch_related(
            Prefetch(
                "critical_error__root_cause_changes", queryset=RootCauseChange.objects.select_related("previous", "new")
            )
        )
        .order_by("pk"),
    )
