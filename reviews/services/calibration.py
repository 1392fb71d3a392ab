"""Calibration sessions: reviewers score one call blind; agreement is computed on close."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from reviews.domain import agreement
from reviews.domain.errors import Conflict, DomainError, NotPermitted
from reviews.models import (
    AuditAction,
    CalibrationParticipant,
    CalibrationSession,
    CalibrationStatus,
    Call,
    CriticalErrorType,
    Evaluation,
    EvaluationStatus,
    ScorecardVersion,
    ScorecardVersionStatus,
)
from reviews.selectors.scorecards import criteria_in_order
from reviews.services.audit import audit_record
from reviews.services.critical_errors import critical_error_log
from reviews.services.evaluations import (
    AnswerInput,
    evaluation_answers_save,
    evaluation_create,
    evaluation_submit,
)

REVIEWER_ROLES = (Role.SUPERVISOR, Role.QA_LEAD)


@transaction.atomic
def calibration_session_create(
    *,
    call: Call,
    scorecard_version: ScorecardVersion,
    title: str,
    participants: Sequence[User],
    reference_reviewer: User | None = None,
    hide_agent: bool = True,
    acting_user: User,
) -> CalibrationSession:
    """A QA lead invites reviewers to score one call blind, optionally naming a reference (the expert)."""
    if acting_user.role != Role.QA_LEAD:
        raise NotPermitted(_("Only a QA lead organises calibration sessions."), code="role_not_allowed")
    fields: dict[str, list[str]] = {}
    people = {p.pk: p for p in participants}
    if len(people) < 2:
        fields["participants"] = [_("Invite at least two reviewers.")]
    if any(p.role not in REVIEWER_ROLES for p in people.values()):
        fields["participants"] = [_("Only supervisors and QA leads take part in calibration.")]
    if call.agent_id in people:
        fields["participants"] = [_("The agent of the call cannot take part.")]
    if reference_reviewer is not None and reference_reviewer.pk not in people:
        fields["reference_reviewer"] = [_("The reference reviewer must be one of the participants.")]
    if scorecard_version.status != ScorecardVersionStatus.PUBLISHED:
        fields["scorecard_version"] = [_("Use a published scorecard version.")]
    if not title.strip():
        fields["title"] = [_("Give the session a title.")]
    if fields:
        raise DomainError(_("The session is not valid; nothing was saved."), fields=fields)
    session = CalibrationSession.objects.create(
        call=call,
        scorecard_version=scorecard_version,
        title=title.strip(),
        hide_agent=hide_agent,
        reference_reviewer=reference_reviewer,
        created_by=acting_user,
    )
    CalibrationParticipant.objects.bulk_create(
        CalibrationParticipant(session=session, reviewer=p) for p in people.values()
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.CALIBRATION_CREATED,
        obj=session,
        data={
            "call_id": call.pk,
            "participants": sorted(people),
            "reference_reviewer_id": reference_reviewer.pk if reference_reviewer else None,
            "hide_agent": hide_agent,
        },
    )
    return session


@dataclass(frozen=True)
class CalibrationError:
    type_code: str
    offset_seconds: int
    note: str


@transaction.atomic
def calibration_score(
    *,
    session: CalibrationSession,
    answers: Sequence[AnswerInput],
    critical_errors: Sequence[CalibrationError] = (),
    acting_user: User,
) -> Evaluation:
    """A participant's complete blind scoring, submitted at once. It never counts toward anyone's scores."""
    session = CalibrationSession.objects.select_for_update().get(pk=session.pk)
    if not session.participants.filter(reviewer=acting_user).exists():
        raise NotPermitted(_("You are not a participant of this session."), code="not_participant")
    if session.status != CalibrationStatus.OPEN:
        raise Conflict(_("The session is closed."), code="session_closed")
    if Evaluation.objects.filter(calibration_session=session, reviewer=acting_user).exists():
        raise Conflict(_("You already scored this session."), code="already_scored")
    evaluation = evaluation_create(
        call=session.call,
        scorecard_version=session.scorecard_version,
        acting_user=acting_user,
        calibration_session=session,
    )
    evaluation_answers_save(evaluation=evaluation, answers=answers, acting_user=acting_user)
    types = {t.code: t for t in CriticalErrorType.objects.filter(code__in={e.type_code for e in critical_errors})}
    unknown = sorted({e.type_code for e in critical_errors} - set(types))
    if unknown:
        raise DomainError(
            _("Unknown critical-error types."),
            fields={"critical_errors": [_("Unknown: %(codes)s") % {"codes": unknown}]},
        )
    for error in critical_errors:
        critical_error_log(
            evaluation=evaluation,
            error_type=types[error.type_code],
            offset_seconds=error.offset_seconds,
            note=error.note,
            acting_user=acting_user,
        )
    evaluation = evaluation_submit(evaluation=evaluation, acting_user=acting_user)
    audit_record(
        actor=acting_user, action=AuditAction.CALIBRATION_SCORED, obj=session, data={"evaluation_id": evaluation.pk}
    )
    return evaluation


@transaction.atomic
def calibration_session_close(*, session: CalibrationSession, acting_user: User) -> CalibrationSession:
    """Close the session and compute agreement: per criterion, alpha, deviations, critical errors."""
    if acting_user.role != Role.QA_LEAD:
        raise NotPermitted(_("Only a QA lead closes calibration sessions."), code="role_not_allowed")
    session = CalibrationSession.objects.select_for_update().get(pk=session.pk)
    if session.status != CalibrationStatus.OPEN:
        raise Conflict(_("The session is already closed."), code="session_closed")
    scorings_qs = (
        Evaluation.objects.filter(calibration_session=session, status=EvaluationStatus.SUBMITTED)
        .prefetch_related("answers", "critical_errors__type")
        .order_by("reviewer_id")
    )
    if scorings_qs.count() < 2:
        raise DomainError(
            _("At least two participants must have scored before the session can close."), code="too_few_scorings"
        )
    criteria = [
        agreement.CriterionSpec(criterion_id=c.pk, text=c.text, max_points=c.max_points)
        for c in criteria_in_order(version_id=session.scorecard_version_id)
    ]
    scorings = [
        agreement.ReviewerScoring(
            reviewer=str(e.reviewer_id),
            answers={a.criterion_id: (None if a.not_applicable else a.points) for a in e.answers.all()},
            error_types=frozenset(ce.type.code for ce in e.critical_errors.all()),
            total=float(e.score) if e.score is not None else None,
        )
        for e in scorings_qs
    ]
    # Results are stored by reviewer id; readers show names (QA lead, participants) or pseudonyms.
    reference = str(session.reference_reviewer_id) if session.reference_reviewer_id else None
    results = agreement.session_results(
        criteria=criteria,
        scorings=scorings,
        error_types=sorted(CriticalErrorType.objects.values_list("code", flat=True)),
        reference=reference,
    )
    session.results = dataclasses.asdict(results)
    session.status = CalibrationStatus.CLOSED
    session.closed_at = timezone.now()
    session.save(update_fields=["results", "status", "closed_at"])
    deviation_by_label = {r.reviewer: r.deviation for r in results.reviewers}
    for participant in session.participants.all():
        deviation = deviation_by_label.get(str(participant.reviewer_id))
        participant.deviation = Decimal(str(deviation)) if deviation is not None else None
        participant.save(update_fields=["deviation"])
    audit_record(
        actor=acting_user,
        action=AuditAction.CALIBRATION_CLOSED,
        obj=session,
        data={
            "scorings": len(scorings),
            "alpha_points": results.alpha_points.value,
            "deviation_from": results.deviation_from,
        },
    )
    return session
