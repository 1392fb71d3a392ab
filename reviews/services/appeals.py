"""Appeals: an agent contests an evaluation; someone independent decides; overturned errors stop counting."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from reviews.domain.appeals import add_working_days, within_window
from reviews.domain.errors import Conflict, DomainError, NotPermitted
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
    Appeal,
    AppealItem,
    AppealItemKind,
    AuditAction,
    Criterion,
    CriticalErrorStatus,
    Evaluation,
)
from reviews.services.audit import audit_record
from reviews.services.notifications import notify
from reviews.services.texts import EXPLANATION_MAX_CHARS, too_long

REASON_MIN_CHARS = 20
# Each contested item's decision gives its own reason: a letter or a word is not one.
ITEM_REASON_MIN_CHARS = 10


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
        raise NotPermitted(_("Only the agent whose call was evaluated can appeal it."), code="not_own_evaluation")
    if evaluation.superseded_at is not None:
        raise DomainError(_("This evaluation was replaced by a later revision; appeal that one."), code="superseded")
    next_state = evaluation_transition(EvaluationState(evaluation.status), EvaluationAction.APPEAL, acting_user.role)
    assert evaluation.submitted_at is not None
    shown_on = timezone.localdate(evaluation.submitted_at)
    window = settings.APPEAL_WINDOW_DAYS
    if not within_window(shown_on=shown_on, today=timezone.localdate(), window_days=window):
        raise DomainError(
            _("The appeal window closed %(days)s days after the evaluation was shown to you (shown %(shown)s).")
            % {"days": window, "shown": shown_on.isoformat()},
            code="appeal_window_closed",
        )
    fields: dict[str, list[str]] = {}
    if too_long(reason, EXPLANATION_MAX_CHARS):
        fields["reason"] = too_long(reason, EXPLANATION_MAX_CHARS)
    elif len(reason.strip()) < REASON_MIN_CHARS:
        fields["reason"] = [_("Explain the appeal in at least %(n)s characters.") % {"n": REASON_MIN_CHARS}]
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
            fields["critical_errors"] = [
                _("Not an active critical error of this evaluation: %(ids)s.") % {"ids": unknown_errors}
            ]
        if unknown_criteria:
            fields["criteria"] = [_("Not a criterion of this evaluation: %(ids)s.") % {"ids": unknown_criteria}]
        chosen_errors = [error_by_id[i] for i in dict.fromkeys(critical_error_ids) if i in error_by_id]
        chosen_criteria = [criterion_by_id[i] for i in dict.fromkeys(criterion_ids) if i in criterion_by_id]
        if not chosen_errors and not chosen_criteria and not unknown_errors and not unknown_criteria:
            fields["items"] = [_("Choose the critical errors or answers you contest, or appeal the whole evaluation.")]
    if fields:
        raise DomainError(_("The appeal is not complete; nothing was saved."), fields=fields)
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
        raise Conflict(_("This evaluation already has an open appeal."), code="appeal_open") from exc
    AppealItem.objects.bulk_create(
        [AppealItem(appeal=appeal, kind=AppealItemKind.CRITICAL_ERROR, critical_error=e) for e in chosen_errors]
        + [AppealItem(appeal=appeal, kind=AppealItemKind.ANSWER, criterion=c) for c in chosen_criteria]
    )
    evaluation.status = next_state.value
    evaluation.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.APPEAL_SUBMITTED,
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
            params={"evaluation": evaluation.pk, "deadline": appeal.deadline.isoformat()},
        )
    return appeal


def appeal_lock(appeal: Appeal) -> Appeal:
    """Re-read the appeal under a row lock (every transition of an appeal starts here)."""
    return Appeal.objects.select_for_update(of=("self",)).select_related("evaluation", "agent").get(pk=appeal.pk)


@transaction.atomic
def appeal_assign(*, appeal: Appeal, assignee: User, acting_user: User) -> Appeal:
    """A QA lead (re)assigns an appeal to someone independent of the evaluation."""
    appeal = appeal_lock(appeal)
    next_state = appeal_transition(AppealState(appeal.status), AppealAction.ASSIGN, acting_user.role)
    if not _eligible_deciders(appeal.evaluation, appeal.agent).filter(pk=assignee.pk).exists():
        raise DomainError(
            _("Assign a supervisor or QA lead who is neither the agent nor a reviewer of this evaluation."),
            fields={"assignee": [_("Not eligible for this appeal.")]},
        )
    previous = appeal.assignee_id
    appeal.assignee = assignee
    appeal.status = next_state.value
    appeal.review_started_at = None
    appeal.save(update_fields=["assignee", "status", "review_started_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.APPEAL_ASSIGNED,
        obj=appeal,
        subject=appeal.agent,
        data={"assignee_id": assignee.pk, "previous_assignee_id": previous},
    )
    notify(
        recipient=assignee,
        kind="appeal_assigned",
        obj=appeal,
        params={"evaluation": appeal.evaluation_id, "deadline": appeal.deadline.isoformat()},
    )
    return appeal


def appeal_require_assignee(appeal: Appeal, acting_user: User) -> None:
    """Rule 5: only the assignee decides, and never the original reviewer or the agent."""
    if appeal.assignee_id != acting_user.pk:
        raise NotPermitted(_("Only the person this appeal is assigned to can handle it."), code="not_assignee")
    if acting_user.pk in _reviewers_of(appeal.evaluation) or acting_user.pk == appeal.agent_id:
        raise NotPermitted(_("The original reviewer and the agent cannot decide an appeal."), code="not_independent")


@transaction.atomic
def appeal_start_review(*, appeal: Appeal, acting_user: User) -> Appeal:
    appeal = appeal_lock(appeal)
    next_state = appeal_transition(AppealState(appeal.status), AppealAction.START_REVIEW, acting_user.role)
    appeal_require_assignee(appeal, acting_user)
    appeal.status = next_state.value
    appeal.review_started_at = timezone.now()
    appeal.save(update_fields=["status", "review_started_at"])
    audit_record(actor=acting_user, action=AuditAction.APPEAL_REVIEW_STARTED, obj=appeal, subject=appeal.agent, data={})
    return appeal


@transaction.atomic
def appeal_withdraw(*, appeal: Appeal, acting_user: User) -> Appeal:
    """The agent withdraws before a decision. The evaluation then stands as final."""
    appeal = appeal_lock(appeal)
    if appeal.agent_id != acting_user.pk:
        raise NotPermitted(_("Only the agent who appealed can withdraw."), code="not_own_appeal")
    appeal.status = appeal_transition(AppealState(appeal.status), AppealAction.WITHDRAW, acting_user.role).value
    appeal.withdrawn_at = timezone.now()
    appeal.save(update_fields=["status", "withdrawn_at"])
    appeal_close_evaluation(appeal.evaluation, acting_user)
    audit_record(actor=acting_user, action=AuditAction.APPEAL_WITHDRAWN, obj=appeal, subject=acting_user, data={})
    return appeal


def appeal_close_evaluation(evaluation: Evaluation, acting_user: User) -> None:
    """The appeal is over (decided or withdrawn): the evaluation becomes final."""
    locked = Evaluation.objects.select_for_update(of=("self",)).select_related("call").get(pk=evaluation.pk)
    previous = locked.status
    locked.status = evaluation_transition(
        EvaluationState(locked.status), EvaluationAction.CLOSE_APPEAL, acting_user.role
    ).value
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.EVALUATION_FINALIZED,
        obj=locked,
        subject=locked.call.agent,
        data={"previous_status": previous},
    )
