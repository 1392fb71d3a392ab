"""Deciding an appeal: per-item decisions, and their effects in one transaction."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from reviews.domain.appeals import ItemDecision, ItemToDecide, appeal_outcome, check_item_decisions
from reviews.domain.errors import Conflict, DomainError
from reviews.domain.scoring import AnswerValue, CriticalPolicy, compute_score
from reviews.domain.transitions import AppealAction, AppealState, appeal_transition
from reviews.models import (
    Answer,
    Appeal,
    AppealItemKind,
    AppealStatus,
    AuditAction,
    CriticalError,
    CriticalErrorStatus,
    Evaluation,
    EvaluationStatus,
)
from reviews.selectors.scorecards import criteria_specs
from reviews.selectors.work import lineage_root
from reviews.services.alerts import alerts_recheck_evidence
from reviews.services.appeals import (
    ITEM_REASON_MIN_CHARS,
    REASON_MIN_CHARS,
    appeal_close_evaluation,
    appeal_lock,
    appeal_require_assignee,
)
from reviews.services.audit import audit_record
from reviews.services.notifications import notify
from reviews.services.texts import EXPLANATION_MAX_CHARS, too_long


def _revise(
    evaluation: Evaluation, corrections: dict[int, AnswerValue], appeal: Appeal, acting_user: User
) -> Evaluation:
    """A new revision with corrected answers and a recomputed score; the old one is kept, superseded."""
    answers = {a.criterion_id: a for a in evaluation.answers.all()}
    values = {
        cid: corrections.get(cid, AnswerValue(criterion_id=cid, points=a.points, not_applicable=a.not_applicable))
        for cid, a in answers.items()
    }
    root = lineage_root(evaluation)
    active_errors = CriticalError.objects.filter(evaluation=root, status=CriticalErrorStatus.ACTIVE).count()
    result = compute_score(
        criteria=criteria_specs(evaluation.scorecard_version_id),
        answers=values,
        policy=CriticalPolicy(evaluation.scorecard_version.critical_policy),
        active_critical_errors=active_errors,
    )
    now = timezone.now()
    revision = Evaluation.objects.create(
        call=evaluation.call,
        scorecard_version=evaluation.scorecard_version,
        reviewer=evaluation.reviewer,
        status=EvaluationStatus.FINAL,
        revision=evaluation.revision + 1,
        previous_revision=evaluation,
        summary=evaluation.summary,
        selection=evaluation.selection,
        target_reason=evaluation.target_reason,
        target_note=evaluation.target_note,
        score=result.score,
        points_earned=result.points_earned,
        points_possible=result.points_possible,
        auto_failed=result.auto_failed,
        submitted_at=now,
        acknowledged_at=evaluation.acknowledged_at,
        revised_by=acting_user,
        revision_reason=f"Appeal {appeal.pk}: {appeal.rationale}",
    )
    Answer.objects.bulk_create(
        Answer(
            evaluation=revision,
            criterion_id=cid,
            points=None if value.not_applicable else value.points,
            not_applicable=value.not_applicable,
            comment=answers[cid].comment,
        )
        for cid, value in values.items()
    )
    Evaluation.objects.filter(pk=evaluation.pk).update(superseded_at=now)
    audit_record(
        actor=acting_user,
        action=AuditAction.EVALUATION_REVISED,
        obj=revision,
        subject=evaluation.call.agent,
        data={
            "previous_revision_id": evaluation.pk,
            "appeal_id": appeal.pk,
            "score": str(result.score) if result.score is not None else None,
            "previous_score": str(evaluation.score) if evaluation.score is not None else None,
        },
    )
    return revision


@transaction.atomic
def appeal_decide(*, appeal: Appeal, decisions: Sequence[ItemDecision], rationale: str, acting_user: User) -> Appeal:
    """Decide every appealed item, with reasons. In one transaction: overturned errors stop counting,
    changed answers make a new revision with a recomputed score, and alerts that fall below N are retracted.
    """
    appeal = appeal_lock(appeal)
    appeal_transition(AppealState(appeal.status), AppealAction.DECIDE, acting_user.role)
    appeal_require_assignee(appeal, acting_user)
    items = {item.pk: item for item in appeal.items.select_related("critical_error", "criterion")}
    specs = {s.criterion_id: s for s in criteria_specs(appeal.evaluation.scorecard_version_id)}
    fields, corrections = check_item_decisions(
        items={
            item.pk: ItemToDecide(
                item_id=item.pk, criterion=specs.get(item.criterion_id) if item.criterion_id else None
            )
            for item in items.values()
        },
        decisions=decisions,
        rationale=rationale,
        min_rationale_chars=REASON_MIN_CHARS,
        min_item_chars=ITEM_REASON_MIN_CHARS,
    )
    by_item = {d.item_id: d for d in decisions}
    if too_long(rationale, EXPLANATION_MAX_CHARS):
        fields["rationale"] = too_long(rationale, EXPLANATION_MAX_CHARS)
    for decision in decisions:
        if too_long(decision.rationale, EXPLANATION_MAX_CHARS):
            fields[f"items[{decision.item_id}]"] = too_long(decision.rationale, EXPLANATION_MAX_CHARS)
    if fields:
        raise DomainError(_("The decision is not complete; nothing was saved."), fields=fields)

    now = timezone.now()
    outcome = appeal_outcome(by_item[i].overturned for i in items)
    overturned_errors: list[CriticalError] = []
    for item_id, item in items.items():
        decision = by_item[item_id]
        item.overturned = decision.overturned
        item.rationale = decision.rationale.strip()
        if item.kind == AppealItemKind.ANSWER and decision.overturned:
            item.corrected_points = None if decision.corrected_not_applicable else decision.corrected_points
            item.corrected_not_applicable = decision.corrected_not_applicable
        item.save()
        if item.kind == AppealItemKind.CRITICAL_ERROR and decision.overturned:
            assert item.critical_error is not None
            overturned_errors.append(item.critical_error)

    claimed = Appeal.objects.filter(pk=appeal.pk, status=AppealStatus.IN_REVIEW).update(
        status=outcome.value, decided_at=now, decided_by=acting_user, rationale=rationale.strip()
    )
    if claimed != 1:
        raise Conflict(_("This appeal was decided by someone else first."), code="already_decided")
    appeal.refresh_from_db()

    for error in overturned_errors:
        CriticalError.objects.filter(pk=error.pk).update(status=CriticalErrorStatus.OVERTURNED)
        audit_record(
            actor=acting_user,
            action=AuditAction.CRITICAL_ERROR_OVERTURNED,
            obj=error,
            subject=appeal.agent,
            data={"appeal_id": appeal.pk, "type": error.type.code},
        )
    evaluation = Evaluation.objects.select_related("scorecard_version", "call__agent").get(pk=appeal.evaluation_id)
    score_changes = bool(corrections) or (
        bool(overturned_errors) and evaluation.scorecard_version.critical_policy == CriticalPolicy.ZERO
    )
    appeal_close_evaluation(evaluation, acting_user)
    if score_changes:
        evaluation.refresh_from_db()
        revision = _revise(evaluation, corrections, appeal, acting_user)
        Appeal.objects.filter(pk=appeal.pk).update(resulting_revision=revision)
        appeal.resulting_revision = revision
    audit_record(
        actor=acting_user,
        action=AuditAction.APPEAL_DECIDED,
        obj=appeal,
        subject=appeal.agent,
        data={
            "outcome": outcome.value,
            "rationale": appeal.rationale,
            "items": [
                {"item_id": i, "overturned": by_item[i].overturned, "rationale": by_item[i].rationale} for i in items
            ],
            "resulting_revision_id": appeal.resulting_revision_id,
        },
    )
    notify(
        recipient=appeal.agent,
        kind="appeal_decided",
        obj=appeal,
        params={"evaluation": appeal.evaluation_id, "outcome": outcome.value},
    )
    if overturned_errors:
        alerts_recheck_evidence(critical_error_ids=[e.pk for e in overturned_errors], acting_user=acting_user)
    return appeal
