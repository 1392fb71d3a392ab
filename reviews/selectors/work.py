"""Reads behind the reviewers' pages: the work queue, who can review, an evaluation's lineage."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from accounts.models import Role, User
from reviews.models import Call, CriticalError, Evaluation, EvaluationStatus, ReviewAssignment, RootCauseChange
from reviews.selectors import calls_visible_to

QUEUE_STATES = ("to_score", "draft", "scored", "assigned")


def review_queue(
    user: User, *, agent_id: int | None = None, channel: str | None = None, state: str | None = None
) -> QuerySet[Call]:
    """Calls the reviewer may see, newest first, marked with whether they have a draft or scored them.

    ``state``: ``to_score`` (neither, and not their own call), ``draft``, ``scored`` or ``assigned``
    (drawn for them by a sampling run).
    """
    mine = Evaluation.objects.filter(call=OuterRef("pk"), reviewer=user, calibration_session__isnull=True)
    calls = (
        calls_visible_to(user)
        .annotate(
            my_draft=Exists(mine.filter(status=EvaluationStatus.DRAFT)),
            scored_by_me=Exists(mine.exclude(status=EvaluationStatus.DRAFT)),
            drawn_for_me=Exists(ReviewAssignment.objects.filter(call=OuterRef("pk"), reviewer=user)),
        )
        .order_by("-started_at", "-pk")
    )
    if agent_id is not None:
        calls = calls.filter(agent_id=agent_id)
    if channel:
        calls = calls.filter(channel=channel)
    if state == "to_score":
        calls = calls.filter(my_draft=False, scored_by_me=False).exclude(agent=user)
    elif state == "draft":
        calls = calls.filter(my_draft=True)
    elif state == "scored":
        calls = calls.filter(scored_by_me=True)
    elif state == "assigned":
        calls = calls.filter(drawn_for_me=True)
    return calls


def active_reviewers() -> QuerySet[User]:
    """Everyone who may review, decide appeals or take part in calibration."""
    return User.objects.filter(role__in=[Role.SUPERVISOR, Role.QA_LEAD], is_active=True).order_by("username")


def lineage_root(evaluation: Evaluation) -> Evaluation:
    """The first revision: critical errors stay with the evaluation they were logged in."""
    root = evaluation
    while root.previous_revision_id is not None:
        root = Evaluation.objects.get(pk=root.previous_revision_id)
    return root


def lineage_critical_errors(evaluation: Evaluation) -> QuerySet[CriticalError]:
    """The critical errors of any revision: those logged in its first revision, in recording order."""
    return (
        CriticalError.objects.filter(evaluation=lineage_root(evaluation))
        .select_related("type", "root_cause", "evaluation", "confirmation")
        .prefetch_related(
            Prefetch("root_cause_changes", queryset=RootCauseChange.objects.select_related("previous", "new"))
        )
        .order_by("offset_seconds", "pk")
    )


def draft_of(*, call: Call, reviewer_id: int) -> Evaluation | None:
    """The reviewer's own draft evaluation of a call, if any (calibration scorings are not drafts)."""
    return (
        Evaluation.objects.filter(
            call=call, reviewer_id=reviewer_id, status=EvaluationStatus.DRAFT, calibration_session__isnull=True
        )
        .select_related("scorecard_version__scorecard")
        .first()
    )


def critical_errors_of(*, evaluation: Evaluation) -> QuerySet[CriticalError]:
    """The critical errors logged in one evaluation, by their moment in the recording."""
    return (
        CriticalError.objects.filter(evaluation=evaluation)
        .select_related("type", "root_cause")
        .order_by("offset_seconds", "pk")
    )
