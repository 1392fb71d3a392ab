"""Self-evaluation: invite the agent when an evaluation is submitted on a version that asks for it,
take their own blind scoring (or their choice not to), and let QA leads turn it on per version.

Nothing here is read by a rule, a score, a report or a consistency figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from reviews.domain.errors import Conflict, DomainError, NotPermitted
from reviews.domain.scoring import AnswerValue, CriticalPolicy, answer_problems, compute_score
from reviews.models import (
    AuditAction,
    Evaluation,
    ScorecardVersion,
    ScorecardVersionStatus,
    SelfAnswer,
    SelfEvaluation,
    SelfEvaluationStatus,
)
from reviews.selectors.scorecards import criteria_specs
from reviews.services.audit import audit_record
from reviews.services.notifications import notify
from reviews.services.texts import EXPLANATION_MAX_CHARS, too_long


@transaction.atomic
def scorecard_version_self_evaluation_set(
    *, version: ScorecardVersion, enabled: bool, acting_user: User
) -> ScorecardVersion:
    """Turn self-evaluation on or off for a version. It changes no score, so published versions allow it."""
    if acting_user.role != Role.QA_LEAD:
        raise NotPermitted(_("Only a QA lead decides whether agents score their own calls."), code="not_qa_lead")
    locked = ScorecardVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status == ScorecardVersionStatus.RETIRED:
        raise Conflict(_("This version is retired; no new evaluations use it."), code="version_retired")
    if locked.self_evaluation == enabled:
        return locked
    locked.self_evaluation = enabled
    locked.save(update_fields=["self_evaluation"])
    audit_record(
        actor=acting_user,
        action=AuditAction.SCORECARD_VERSION_SELF_EVALUATION,
        obj=locked,
        data={"enabled": enabled},
    )
    return locked


def self_evaluation_invite(*, evaluation: Evaluation) -> SelfEvaluation | None:
    """Called when an evaluation is submitted: invite its agent where the version asks for it.

    Only a first revision of a real evaluation invites; calibration scorings and corrections never do.
    """
    version = evaluation.scorecard_version
    if not version.self_evaluation or evaluation.calibration_session_id or evaluation.previous_revision_id:
        return None
    agent = evaluation.call.agent
    now = timezone.now()
    invitation = SelfEvaluation.objects.create(
        evaluation=evaluation,
        agent=agent,
        invited_at=now,
        open_until=now + dt.timedelta(days=settings.SELF_EVALUATION_DAYS),
    )
    notify(
        recipient=agent,
        kind="self_evaluation_invited",
        obj=invitation,
        params={"evaluation": evaluation.pk, "until": timezone.localdate(invitation.open_until).isoformat()},
    )
    audit_record(
        actor=None,
        action=AuditAction.SELF_EVALUATION_INVITED,
        obj=invitation,
        subject=agent,
        data={"evaluation": evaluation.pk, "open_until": invitation.open_until.isoformat()},
    )
    return invitation


def _lock_open(self_evaluation: SelfEvaluation, acting_user: User) -> SelfEvaluation:
    locked = (
        SelfEvaluation.objects.select_for_update(of=("self",))
        .select_related("evaluation__scorecard_version", "evaluation__reviewer")
        .get(pk=self_evaluation.pk)
    )
    if locked.agent_id != acting_user.pk:
        raise NotPermitted(_("Only the agent whose call it is scores it themselves."), code="not_own_call")
    if locked.status != SelfEvaluationStatus.INVITED:
        raise Conflict(_("You already answered this invitation."), code="self_evaluation_closed")
    if not locked.is_open:
        raise Conflict(
            _("The invitation has lapsed; the reviewer's scoring is shown to you now."), code="self_evaluation_lapsed"
        )
    return locked


@transaction.atomic
def self_evaluation_submit(
    *,
    self_evaluation: SelfEvaluation,
    answers: Sequence[AnswerValue],
    comments: dict[int, str] | None = None,
    comment: str = "",
    acting_user: User,
) -> SelfEvaluation:
    """The agent's own scoring of every criterion, checked as a reviewer's is. It never counts."""
    locked = _lock_open(self_evaluation, acting_user)
    specs = criteria_specs(locked.evaluation.scorecard_version_id)
    by_id = {spec.criterion_id: spec for spec in specs}
    comments = comments or {}
    field_errors: dict[str, list[str]] = {}
    given: dict[int, AnswerValue] = {}
    for index, answer in enumerate(answers):
        key = f"answers.{index}"
        spec = by_id.get(answer.criterion_id)
        if spec is None:
            field_errors[key] = [_("This criterion is not part of the evaluation's scorecard version.")]
        elif answer.criterion_id in given:
            field_errors[key] = [_("This criterion is answered twice.")]
        elif problems := answer_problems(spec, points=answer.points, not_applicable=answer.not_applicable):
            field_errors[key] = [_(p) for p in problems]
        else:
            given[answer.criterion_id] = answer
    missing = [spec.criterion_id for spec in specs if spec.criterion_id not in given]
    if missing and not field_errors:
        field_errors["answers"] = [_("Answer every criterion (points, or N/A where that is allowed).")]
    for name, value in {"comment": comment, **{f"comments.{k}": v for k, v in comments.items()}}.items():
        if problem := too_long(value, EXPLANATION_MAX_CHARS):
            field_errors[name] = problem
    if field_errors:
        raise DomainError(
            _("Your scoring is not complete or not valid; nothing was saved."),
            code="invalid_answers",
            fields=field_errors,
            params={"missing_criteria": missing},
        )
    result = compute_score(criteria=specs, answers=given, policy=CriticalPolicy.SEPARATE, active_critical_errors=0)
    SelfAnswer.objects.bulk_create(
        SelfAnswer(
            self_evaluation=locked,
            criterion_id=a.criterion_id,
            points=None if a.not_applicable else a.points,
            not_applicable=a.not_applicable,
            comment=comments.get(a.criterion_id, ""),
        )
        for a in given.values()
    )
    locked.status = SelfEvaluationStatus.SUBMITTED
    locked.answered_at = timezone.now()
    locked.comment = comment
    locked.score = result.score
    locked.points_earned = result.points_earned
    locked.points_possible = result.points_possible
    locked.save()
    reviewer = locked.evaluation.reviewer
    if reviewer.is_active:
        notify(
            recipient=reviewer,
            kind="self_evaluation_submitted",
            obj=locked,
            params={"evaluation": locked.evaluation_id},
        )
    audit_record(
        actor=acting_user,
        action=AuditAction.SELF_EVALUATION_SUBMITTED,
        obj=locked,
        subject=acting_user,
        data={"evaluation": locked.evaluation_id, "score": str(result.score) if result.score is not None else None},
    )
    return locked


@transaction.atomic
def self_evaluation_decline(*, self_evaluation: SelfEvaluation, acting_user: User) -> SelfEvaluation:
    """The agent would rather see the reviewer's scoring now; the invitation closes."""
    locked = _lock_open(self_evaluation, acting_user)
    locked.status = SelfEvaluationStatus.DECLINED
    locked.answered_at = timezone.now()
    locked.save(update_fields=["status", "answered_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.SELF_EVALUATION_DECLINED,
        obj=locked,
        subject=acting_user,
        data={"evaluation": locked.evaluation_id},
    )
    return locked
