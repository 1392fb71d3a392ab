from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from reviews.domain.errors import Conflict, DomainError, NotPermitted
from reviews.domain.scoring import (
    AnswerValue,
    CriticalPolicy,
    ScoreResult,
    answer_problems,
    compute_score,
    unanswered,
)
from reviews.domain.transitions import EvaluationAction, EvaluationState, evaluation_transition
from reviews.models import (
    Answer,
    AuditAction,
    CalibrationSession,
    Call,
    Criterion,
    CriticalErrorStatus,
    Evaluation,
    ReviewAssignment,
    ScorecardVersion,
    ScorecardVersionStatus,
    Selection,
    TargetReason,
)
from reviews.selectors.scorecards import criteria_specs
from reviews.services.audit import audit_record
from reviews.services.confirmations import confirmations_request
from reviews.services.screening import screening_candidate_link, screening_candidate_open, screening_candidates_reviewed
from reviews.services.self_evaluations import self_evaluation_invite
from reviews.services.texts import EXPLANATION_MAX_CHARS, too_long


@dataclass(frozen=True)
class AnswerInput:
    criterion_id: int
    points: int | None
    not_applicable: bool = False
    comment: str = ""


def _score(evaluation: Evaluation, answers: Sequence[AnswerInput] | None = None) -> ScoreResult:
    """The evaluation's score from its stored answers, or from ``answers`` when given."""
    if answers is None:
        values = [AnswerValue(a.criterion_id, a.points, a.not_applicable) for a in evaluation.answers.all()]
    else:
        values = [AnswerValue(a.criterion_id, a.points, a.not_applicable) for a in answers]
    return compute_score(
        criteria=criteria_specs(evaluation.scorecard_version_id),
        answers={value.criterion_id: value for value in values},
        policy=CriticalPolicy(evaluation.scorecard_version.critical_policy),
        active_critical_errors=evaluation.critical_errors.filter(status=CriticalErrorStatus.ACTIVE).count(),
    )


def evaluation_score_preview(*, evaluation: Evaluation, answers: Sequence[AnswerInput]) -> ScoreResult:
    """What the score would be with these answers and the evaluation's active critical errors; stores nothing."""
    return _score(evaluation, answers)


def store_score(evaluation: Evaluation) -> None:
    result = _score(evaluation)
    evaluation.score = result.score
    evaluation.points_earned = result.points_earned
    evaluation.points_possible = result.points_possible
    evaluation.auto_failed = result.auto_failed


def lock_for_reviewer(evaluation: Evaluation, acting_user: User, action: EvaluationAction) -> Evaluation:
    """Re-read under a row lock; check the state allows the action and the user is the reviewer."""
    locked = (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("call", "scorecard_version")
        .get(pk=evaluation.pk)
    )
    evaluation_transition(EvaluationState(locked.status), action, acting_user.role)
    if locked.reviewer_id != acting_user.pk:
        raise NotPermitted(_("Only the reviewer who started this evaluation can change it."), code="not_reviewer")
    return locked


@transaction.atomic
def evaluation_create(
    *,
    call: Call,
    scorecard_version: ScorecardVersion,
    acting_user: User,
    calibration_session: CalibrationSession | None = None,
    target_reason: str = "",
    target_note: str = "",
) -> Evaluation:
    """Start a draft evaluation. Nobody evaluates their own call, or the same call twice.

    With ``calibration_session`` it is a blind calibration scoring that never counts.
    With ``target_reason`` it is a targeted review (a complaint, a coaching request):
    marked as such, and by default its critical errors do not count toward thresholds.
    A call a sampling run assigned to the reviewer is marked as sampled.
    """
    if acting_user.role not in (Role.SUPERVISOR, Role.QA_LEAD):
        raise NotPermitted(_("Only supervisors and QA leads evaluate calls."), code="role_not_allowed")
    if call.agent_id == acting_user.pk:
        raise NotPermitted(_("You cannot evaluate your own call."), code="own_call")
    if scorecard_version.status != ScorecardVersionStatus.PUBLISHED:
        raise DomainError(
            _("Evaluate against a published scorecard version."),
            fields={"scorecard_version": [_("This version is not published.")]},
        )
    candidate = None
    if calibration_session is None and target_reason in ("", TargetReason.SCREENING):
        candidate = screening_candidate_open(call=call, reviewer=acting_user, required=bool(target_reason))
        if candidate is not None and not target_reason and not _drawn_for(call, acting_user):
            target_reason = TargetReason.SCREENING
    selection = _selection(call, acting_user, target_reason, target_note, calibration_session)
    existing = Evaluation.objects.filter(
        call=call, reviewer=acting_user, previous_revision__isnull=True, calibration_session=calibration_session
    ).first()
    if existing is not None:
        raise Conflict(
            _("You already evaluated this call (evaluation %(id)s).") % {"id": existing.pk},
            code="already_evaluated",
            fields={"call": [_("Already evaluated by you in evaluation %(id)s.") % {"id": existing.pk}]},
        )
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                call=call,
                scorecard_version=scorecard_version,
                reviewer=acting_user,
                calibration_session=calibration_session,
                selection=selection,
                target_reason=target_reason,
                target_note=target_note.strip(),
            )
    except IntegrityError as exc:  # a concurrent request won the race
        raise Conflict(_("You already evaluated this call."), code="already_evaluated") from exc
    if target_reason == TargetReason.SCREENING and candidate is not None:
        screening_candidate_link(candidate=candidate, evaluation=evaluation)
    audit_record(
        actor=acting_user,
        action=AuditAction.EVALUATION_CREATED,
        obj=evaluation,
        subject=call.agent,
        data={
            "call_id": call.pk,
            "scorecard_version_id": scorecard_version.pk,
            "calibration_session_id": calibration_session.pk if calibration_session else None,
            "selection": selection,
            "target_reason": target_reason,
            # The screening selection this review answers, which the list's report counts.
            "screening_candidate": candidate.pk if target_reason == TargetReason.SCREENING and candidate else None,
        },
    )
    return evaluation


def _selection(
    call: Call, reviewer: User, target_reason: str, target_note: str, calibration_session: CalibrationSession | None
) -> str:
    if target_reason:
        if target_reason not in TargetReason.values:
            raise DomainError(
                _("Unknown reason for a targeted review."),
                fields={"target_reason": [_("One of %(values)s.") % {"values": ", ".join(TargetReason.values)}]},
            )
        if calibration_session is not None:
            raise DomainError(
                _("A calibration scoring is never targeted."), fields={"target_reason": [_("Leave empty.")]}
            )
        if len(target_note) > 500:
            raise DomainError(_("The note is too long."), fields={"target_note": [_("At most 500 characters.")]})
        return Selection.TARGETED
    if target_note.strip():
        raise DomainError(
            _("A note belongs to a targeted review: give its reason too."), fields={"target_reason": ["Required."]}
        )
    if calibration_session is None and _drawn_for(call, reviewer):
        return Selection.SAMPLED
    return Selection.UNPLANNED


def _drawn_for(call: Call, reviewer: User) -> bool:
    return ReviewAssignment.objects.filter(call=call, reviewer=reviewer).exists()


@transaction.atomic
def evaluation_answers_save(
    *,
    evaluation: Evaluation,
    answers: Sequence[AnswerInput],
    summary: str | None = None,
    acting_user: User,
) -> Evaluation:
    """Save (insert or replace) answers on a draft. Every answer is checked against its criterion."""
    evaluation = lock_for_reviewer(evaluation, acting_user, EvaluationAction.EDIT)
    specs = {spec.criterion_id: spec for spec in criteria_specs(evaluation.scorecard_version_id)}
    field_errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for index, answer in enumerate(answers):
        key = f"answers.{index}"
        spec = specs.get(answer.criterion_id)
        if spec is None:
            field_errors[key] = [_("This criterion is not part of the evaluation's scorecard version.")]
            continue
        if answer.criterion_id in seen:
            field_errors[key] = [_("This criterion is answered twice.")]
            continue
        seen.add(answer.criterion_id)
        problems = answer_problems(spec, points=answer.points, not_applicable=answer.not_applicable)
        if problems:
            field_errors[key] = problems
    if field_errors:
        raise DomainError(
            _("Some answers are not valid; nothing was saved."), code="invalid_answers", fields=field_errors
        )

    for answer in answers:
        Answer.objects.update_or_create(
            evaluation=evaluation,
            criterion_id=answer.criterion_id,
            defaults={
                "points": None if answer.not_applicable else answer.points,
                "not_applicable": answer.not_applicable,
                "comment": answer.comment,
            },
        )
    if summary is not None and too_long(summary, EXPLANATION_MAX_CHARS):
        raise DomainError(
            _("The summary is too long; nothing was saved."),
            fields={"summary": too_long(summary, EXPLANATION_MAX_CHARS)},
        )
    if summary is not None:
        evaluation.summary = summary
    store_score(evaluation)
    evaluation.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.EVALUATION_ANSWERS_SAVED,
        obj=evaluation,
        subject=evaluation.call.agent,
        data={
            "answers": [
                {"criterion_id": a.criterion_id, "points": a.points, "not_applicable": a.not_applicable}
                for a in answers
            ],
            "summary_changed": summary is not None,
        },
    )
    return evaluation


def evaluation_check_complete(*, evaluation: Evaluation) -> None:
    """Raise, naming them, when criteria of the draft are still unanswered (submitting needs them all)."""
    missing = unanswered(
        criteria_specs(evaluation.scorecard_version_id),
        set(evaluation.answers.values_list("criterion_id", flat=True)),
    )
    if missing:
        texts = dict(Criterion.objects.filter(pk__in=missing).values_list("id", "text"))
        raise DomainError(
            ngettext("%(n)s criterion is not answered yet.", "%(n)s criteria are not answered yet.", len(missing))
            % {"n": len(missing)},
            code="unanswered_criteria",
            fields={f"criterion:{pk}": [_("Not answered: %(text)s") % {"text": texts[pk]}] for pk in missing},
            params={"unanswered_criterion_ids": list(missing)},
        )


@transaction.atomic
def evaluation_submit(*, evaluation: Evaluation, acting_user: User) -> Evaluation:
    """Submit a complete draft. Its score is fixed from here on; corrections are new revisions."""
    evaluation = lock_for_reviewer(evaluation, acting_user, EvaluationAction.SUBMIT)
    evaluation_check_complete(evaluation=evaluation)
    evaluation.status = evaluation_transition(
        EvaluationState(evaluation.status), EvaluationAction.SUBMIT, acting_user.role
    ).value
    store_score(evaluation)
    evaluation.submitted_at = timezone.now()
    evaluation.save()
    confirmations_request(evaluation=evaluation)
    self_evaluation_invite(evaluation=evaluation)
    screening_candidates_reviewed(evaluation=evaluation)
    audit_record(
        actor=acting_user,
        action=AuditAction.EVALUATION_SUBMITTED,
        obj=evaluation,
        subject=evaluation.call.agent,
        data={
            "score": str(evaluation.score) if evaluation.score is not None else None,
            "auto_failed": evaluation.auto_failed,
            "critical_errors": list(evaluation.critical_errors.values_list("type__code", "offset_seconds")),
        },
    )
    return evaluation


@transaction.atomic
def evaluation_acknowledge(*, evaluation: Evaluation, acting_user: User) -> Evaluation:
    """The agent records that they saw the evaluation. It never means they agree."""
    locked = Evaluation.objects.select_for_update(of=("self",)).select_related("call").get(pk=evaluation.pk)
    if locked.call.agent_id != acting_user.pk:
        raise NotPermitted(_("Only the agent whose call was evaluated can acknowledge it."), code="not_own_evaluation")
    locked.status = evaluation_transition(
        EvaluationState(locked.status), EvaluationAction.ACKNOWLEDGE, acting_user.role
    ).value
    locked.acknowledged_at = timezone.now()
    locked.save(update_fields=["status", "acknowledged_at", "updated_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.EVALUATION_ACKNOWLEDGED,
        obj=locked,
        subject=acting_user,
        data={},
    )
    return locked
