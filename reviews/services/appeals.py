"""Appeals: an agent contests an evaluation; someone independent decides; overturned errors stop counting."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import Role, User
from reviews.domain.appeals import add_working_days, appeal_outcome, within_window
from reviews.domain.errors import Conflict, DomainError, NotPermitted
from reviews.domain.scoring import AnswerValue, CriticalPolicy, answer_problems, compute_score
from reviews.domain.transitions import (
    AppealAction,
    AppealState,
    EvaluationAction,
    EvaluationState,
    appeal_transition,
    evaluation_transition,
)
from reviews.models import (
    OPEN_APPEAL_STATUSES,
    Answer,
    Appeal,
    AppealItem,
    AppealItemKind,
    AppealStatus,
    Criterion,
    CriticalError,
    CriticalErrorStatus,
    Evaluation,
    EvaluationStatus,
)
from reviews.services.alerts import alerts_recheck_evidence
from reviews.services.audit import audit_record
from reviews.services.evaluations import criteria_specs
from reviews.services.notifications import notify

REASON_MIN_CHARS = 20


def _lineage_root(evaluation: Evaluation) -> Evaluation:
    root = evaluation
    while root.previous_revision_id is not None:
        root = Evaluation.objects.get(pk=root.previous_revision_id)
    return root


def _reviewers_of(evaluation: Evaluation) -> set[int]:
    ids = {evaluation.reviewer_id}
    current = evaluation
    while current.previous_revision_id is not None:
        current = Evaluation.objects.get(pk=current.previous_revision_id)
        ids.add(current.reviewer_id)
    return ids


def _eligible_deciders(evaluation: Evaluation, agent: User) -> QuerySet[User]:
    """Supervisors and QA leads who are neither the agent nor a reviewer of the evaluation, least loaded first."""
    return (
        User.objects.filter(role__in=[Role.SUPERVISOR, Role.QA_LEAD], is_active=True)
        .exclude(pk__in=_reviewers_of(evaluation) | {agent.pk})
        .annotate(open_appeals=Count("appeals_assigned", filter=Q(appeals_assigned__status__in=OPEN_APPEAL_STATUSES)))
        .order_by("open_appeals", "pk")
    )


def _pick_assignee(evaluation: Evaluation, agent: User) -> User | None:
    """The least-loaded eligible person, preferring someone outside the agent's team."""
    eligible = _eligible_deciders(evaluation, agent)  # least loaded first
    outside_team = eligible.exclude(team_id=agent.team_id) if agent.team_id else eligible
    return outside_team.first() or eligible.first()


@transaction.atomic
def appeal_submit(
    *,
    evaluation: Evaluation,
    reason: str,
    critical_error_ids: Sequence[int] = (),
    criterion_ids: Sequence[int] = (),
    whole_evaluation: bool = False,
    acting_user: User,
) -> Appeal:
    """The agent appeals a submitted evaluation within the appeal window, with a written reason."""
    evaluation = Evaluation.objects.select_for_update(of=("self",)).select_related("call").get(pk=evaluation.pk)
    if evaluation.call.agent_id != acting_user.pk:
        raise NotPermitted("Only the agent whose call was evaluated can appeal it.", code="not_own_evaluation")
    if evaluation.superseded_at is not None:
        raise DomainError("This evaluation was replaced by a later revision; appeal that one.", code="superseded")
    next_state = evaluation_transition(EvaluationState(evaluation.status), EvaluationAction.APPEAL, acting_user.role)
    assert evaluation.submitted_at is not None
    shown_on = timezone.localdate(evaluation.submitted_at)
    window = settings.APPEAL_WINDOW_DAYS
    if not within_window(shown_on=shown_on, today=timezone.localdate(), window_days=window):
        raise DomainError(
            f"The appeal window closed {window} days after the evaluation was shown to you "
            f"(shown {shown_on.isoformat()}).",
            code="appeal_window_closed",
        )
    fields: dict[str, list[str]] = {}
    if len(reason.strip()) < REASON_MIN_CHARS:
        fields["reason"] = [f"Explain the appeal in at least {REASON_MIN_CHARS} characters."]
    errors = list(evaluation.critical_errors.filter(status=CriticalErrorStatus.ACTIVE))
    criteria = list(Criterion.objects.filter(section__version_id=evaluation.scorecard_version_id))
    if whole_evaluation:
        chosen_errors, chosen_criteria = errors, criteria
    else:
        error_by_id = {e.pk: e for e in errors}
        criterion_by_id = {c.pk: c for c in criteria}
        unknown_errors = sorted(set(critical_error_ids) - set(error_by_id))
        unknown_criteria = sorted(set(criterion_ids) - set(criterion_by_id))
        if unknown_errors:
            fields["critical_errors"] = [f"Not an active critical error of this evaluation: {unknown_errors}."]
        if unknown_criteria:
            fields["criteria"] = [f"Not a criterion of this evaluation: {unknown_criteria}."]
        chosen_errors = [error_by_id[i] for i in dict.fromkeys(critical_error_ids) if i in error_by_id]
        chosen_criteria = [criterion_by_id[i] for i in dict.fromkeys(criterion_ids) if i in criterion_by_id]
        if not chosen_errors and not chosen_criteria and not unknown_errors and not unknown_criteria:
            fields["items"] = ["Choose the critical errors or answers you contest, or appeal the whole evaluation."]
    if fields:
        raise DomainError("The appeal is not complete; nothing was saved.", fields=fields)
    now = timezone.now()
    assignee = _pick_assignee(evaluation, acting_user)
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                evaluation=evaluation,
                agent=acting_user,
                whole_evaluation=whole_evaluation,
                reason=reason.strip(),
                assignee=assignee,
                submitted_at=now,
                deadline=add_working_days(timezone.localdate(now), settings.APPEAL_DEADLINE_WORKING_DAYS),
            )
    except IntegrityError as exc:
        raise Conflict("This evaluation already has an open appeal.", code="appeal_open") from exc
    AppealItem.objects.bulk_create(
        [AppealItem(appeal=appeal, kind=AppealItemKind.CRITICAL_ERROR, critical_error=e) for e in chosen_errors]
        + [AppealItem(appeal=appeal, kind=AppealItemKind.ANSWER, criterion=c) for c in chosen_criteria]
    )
    evaluation.status = next_state.value
    evaluation.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=acting_user,
        action="reviews.appeal.submitted",
        obj=appeal,
        subject=acting_user,
        data={
            "evaluation_id": evaluation.pk,
            "whole_evaluation": whole_evaluation,
            "critical_errors": [e.pk for e in chosen_errors],
            "criteria": [c.pk for c in chosen_criteria],
            "assignee_id": assignee.pk if assignee else None,
            "deadline": appeal.deadline.isoformat(),
        },
    )
    if assignee is not None:
        notify(
            recipient=assignee,
            kind="appeal_assigned",
            obj=appeal,
            message=f"An appeal on evaluation {evaluation.pk} was assigned to you; decide by {appeal.deadline}.",
        )
    return appeal


def _lock(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update(of=("self",)).select_related("evaluation", "agent").get(pk=appeal.pk)


@transaction.atomic
def appeal_assign(*, appeal: Appeal, assignee: User, acting_user: User) -> Appeal:
    """A QA lead (re)assigns an appeal to someone independent of the evaluation."""
    appeal = _lock(appeal)
    next_state = appeal_transition(AppealState(appeal.status), AppealAction.ASSIGN, acting_user.role)
    if not _eligible_deciders(appeal.evaluation, appeal.agent).filter(pk=assignee.pk).exists():
        raise DomainError(
            "Assign a supervisor or QA lead who is neither the agent nor a reviewer of this evaluation.",
            fields={"assignee": ["Not eligible for this appeal."]},
        )
    previous = appeal.assignee_id
    appeal.assignee = assignee
    appeal.status = next_state.value
    appeal.review_started_at = None
    appeal.save(update_fields=["assignee", "status", "review_started_at"])
    audit_record(
        actor=acting_user,
        action="reviews.appeal.assigned",
        obj=appeal,
        subject=appeal.agent,
        data={"assignee_id": assignee.pk, "previous_assignee_id": previous},
    )
    notify(
        recipient=assignee,
        kind="appeal_assigned",
        obj=appeal,
        message=f"An appeal on evaluation {appeal.evaluation_id} was assigned to you; decide by {appeal.deadline}.",
    )
    return appeal


def _require_assignee(appeal: Appeal, acting_user: User) -> None:
    if appeal.assignee_id != acting_user.pk:
        raise NotPermitted("Only the person this appeal is assigned to can handle it.", code="not_assignee")
    if acting_user.pk in _reviewers_of(appeal.evaluation) or acting_user.pk == appeal.agent_id:
        raise NotPermitted("The original reviewer and the agent cannot decide an appeal.", code="not_independent")


@transaction.atomic
def appeal_start_review(*, appeal: Appeal, acting_user: User) -> Appeal:
    appeal = _lock(appeal)
    next_state = appeal_transition(AppealState(appeal.status), AppealAction.START_REVIEW, acting_user.role)
    _require_assignee(appeal, acting_user)
    appeal.status = next_state.value
    appeal.review_started_at = timezone.now()
    appeal.save(update_fields=["status", "review_started_at"])
    audit_record(actor=acting_user, action="reviews.appeal.review_started", obj=appeal, subject=appeal.agent, data={})
    return appeal


@transaction.atomic
def appeal_withdraw(*, appeal: Appeal, acting_user: User) -> Appeal:
    """The agent withdraws before a decision. The evaluation then stands as final."""
    appeal = _lock(appeal)
    if appeal.agent_id != acting_user.pk:
        raise NotPermitted("Only the agent who appealed can withdraw.", code="not_own_appeal")
    appeal.status = appeal_transition(AppealState(appeal.status), AppealAction.WITHDRAW, acting_user.role).value
    appeal.withdrawn_at = timezone.now()
    appeal.save(update_fields=["status", "withdrawn_at"])
    _close_evaluation(appeal.evaluation, acting_user)
    audit_record(actor=acting_user, action="reviews.appeal.withdrawn", obj=appeal, subject=acting_user, data={})
    return appeal


def _close_evaluation(evaluation: Evaluation, acting_user: User) -> None:
    locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    locked.status = evaluation_transition(
        EvaluationState(locked.status), EvaluationAction.CLOSE_APPEAL, acting_user.role
    ).value
    locked.save(update_fields=["status", "updated_at"])


@dataclass(frozen=True)
class ItemDecision:
    item_id: int
    overturned: bool
    rationale: str
    corrected_points: int | None = None
    corrected_not_applicable: bool = False


def _revise(
    evaluation: Evaluation, corrections: dict[int, AnswerValue], appeal: Appeal, acting_user: User
) -> Evaluation:
    """A new revision with corrected answers and a recomputed score; the old one is kept, superseded."""
    answers = {a.criterion_id: a for a in evaluation.answers.all()}
    values = {
        cid: corrections.get(cid, AnswerValue(criterion_id=cid, points=a.points, not_applicable=a.not_applicable))
        for cid, a in answers.items()
    }
    root = _lineage_root(evaluation)
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
        action="reviews.evaluation.revised",
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
    appeal = _lock(appeal)
    appeal_transition(AppealState(appeal.status), AppealAction.DECIDE, acting_user.role)
    _require_assignee(appeal, acting_user)
    items = {item.pk: item for item in appeal.items.select_related("critical_error", "criterion")}
    fields: dict[str, list[str]] = {}
    if len(rationale.strip()) < REASON_MIN_CHARS:
        fields["rationale"] = [f"Explain the decision in at least {REASON_MIN_CHARS} characters."]
    by_item = {d.item_id: d for d in decisions}
    missing = sorted(set(items) - set(by_item))
    unknown = sorted(set(by_item) - set(items))
    if missing:
        fields["items"] = [f"Decide every item; missing: {missing}."]
    if unknown:
        fields.setdefault("items", []).append(f"Not items of this appeal: {unknown}.")
    corrections: dict[int, AnswerValue] = {}
    specs = {s.criterion_id: s for s in criteria_specs(appeal.evaluation.scorecard_version_id)}
    for item_id, decision in by_item.items():
        item = items.get(item_id)
        if item is None:
            continue
        key = f"items[{item_id}]"
        if not decision.rationale.strip():
            fields[key] = ["Give the reason for this item's decision."]
        elif item.kind == AppealItemKind.ANSWER and decision.overturned:
            assert item.criterion_id is not None
            problems = answer_problems(
                specs[item.criterion_id],
                points=None if decision.corrected_not_applicable else decision.corrected_points,
                not_applicable=decision.corrected_not_applicable,
            )
            if problems:
                fields[key] = problems
            else:
                corrections[item.criterion_id] = AnswerValue(
                    criterion_id=item.criterion_id,
                    points=None if decision.corrected_not_applicable else decision.corrected_points,
                    not_applicable=decision.corrected_not_applicable,
                )
    if fields:
        raise DomainError("The decision is not complete; nothing was saved.", fields=fields)

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
        raise Conflict("This appeal was decided by someone else first.", code="already_decided")
    appeal.refresh_from_db()

    for error in overturned_errors:
        CriticalError.objects.filter(pk=error.pk).update(status=CriticalErrorStatus.OVERTURNED)
        audit_record(
            actor=acting_user,
            action="reviews.critical_error.overturned",
            obj=error,
            subject=appeal.agent,
            data={"appeal_id": appeal.pk, "type": error.type.code},
        )
    evaluation = Evaluation.objects.select_related("scorecard_version", "call__agent").get(pk=appeal.evaluation_id)
    score_changes = bool(corrections) or (
        bool(overturned_errors) and evaluation.scorecard_version.critical_policy == CriticalPolicy.ZERO
    )
    _close_evaluation(evaluation, acting_user)
    if score_changes:
        evaluation.refresh_from_db()
        revision = _revise(evaluation, corrections, appeal, acting_user)
        Appeal.objects.filter(pk=appeal.pk).update(resulting_revision=revision)
        appeal.resulting_revision = revision
    audit_record(
        actor=acting_user,
        action="reviews.appeal.decided",
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
        message=f"Your appeal on evaluation {appeal.evaluation_id} was decided: {outcome.value.replace('_', ' ')}.",
    )
    if overturned_errors:
        alerts_recheck_evidence(critical_error_ids=[e.pk for e in overturned_errors], acting_user=acting_user)
    return appeal
