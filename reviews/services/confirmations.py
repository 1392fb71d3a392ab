"""A second pair of eyes before an error counts toward a rule that requires it.

When an evaluation is submitted, each of its active critical errors that some active rule version
requiring confirmation would count (its type, the agent in scope) gets a task for a second reviewer:
not the first reviewer, not the agent, and not a supervisor of the agent's team (who could read the
first judgment on the evaluation); the least loaded of the rest, ties broken by a draw seeded with the
error's id. The second reviewer hears the call around the error's moment and says whether the error is
there, without seeing the first reviewer's note, cause or score. Agreement confirms the error; a
disagreement goes to a QA lead (neither of the two), who decides with a reason. Every step is audited
with the agent as subject, so the next scoring run looks at the agent again.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from reviews.domain.errors import Conflict, DomainError, NotPermitted
from reviews.domain.thresholds import in_scope
from reviews.models import (
    AuditAction,
    ConfirmationStatus,
    ConfirmationTask,
    CriticalError,
    CriticalErrorStatus,
    Evaluation,
    RuleVersion,
    RuleVersionStatus,
)
from reviews.services.audit import audit_record
from reviews.services.notifications import notify
from reviews.services.texts import EXPLANATION_MAX_CHARS, too_long

RATIONALE_MIN_CHARS = 20


def _needs_confirmation(error: CriticalError, versions: list[RuleVersion]) -> bool:
    agent = error.agent
    return any(
        error.type.code in {t.code for t in v.counted_types.all()}
        and in_scope(
            agent_team_id=agent.team_id,
            agent_employment_type=agent.employment_type,
            team_ids=frozenset(t.pk for t in v.scope_teams.all()),
            employment_types=frozenset(v.scope_employment_types),
        )
        for v in versions
    )


def second_reviewer_for(error: CriticalError) -> User | None:
    """The least loaded eligible reviewer (open tasks), ties broken by a draw seeded with the error's id."""
    agent = error.agent
    first = error.evaluation.reviewer_id
    supervisors = User.objects.filter(role=Role.SUPERVISOR, is_active=True).exclude(pk__in=[first, agent.pk])
    if agent.team_id is not None:
        supervisors = supervisors.exclude(team_id=agent.team_id)
    candidates = list(supervisors.order_by("pk"))
    if not candidates:  # a QA lead sees every evaluation, so only when no other supervisor can
        candidates = list(
            User.objects.filter(role=Role.QA_LEAD, is_active=True).exclude(pk__in=[first, agent.pk]).order_by("pk")
        )
    if not candidates:
        return None
    load = Counter(
        ConfirmationTask.objects.filter(
            assignee__in=candidates, status__in=[ConfirmationStatus.OPEN, ConfirmationStatus.DISPUTED]
        ).values_list("assignee_id", flat=True)
    )
    least = min(load[c.pk] for c in candidates)
    return random.Random(error.pk).choice([c for c in candidates if load[c.pk] == least])


def confirmations_request(*, evaluation: Evaluation) -> list[ConfirmationTask]:
    """Ask a second reviewer about each error of a just-submitted evaluation that a rule requiring
    confirmation would count. Runs inside the submission's transaction."""
    if evaluation.calibration_session_id is not None:
        return []
    versions = list(
        RuleVersion.objects.filter(status=RuleVersionStatus.ACTIVE, requires_confirmation=True).prefetch_related(
            "counted_types", "scope_teams"
        )
    )
    if not versions:
        return []
    errors = CriticalError.objects.filter(
        evaluation=evaluation, status=CriticalErrorStatus.ACTIVE, confirmation__isnull=True
    ).select_related("type", "agent", "evaluation")
    due_on = timezone.localdate() + dt.timedelta(days=settings.CONFIRMATION_DAYS)
    tasks = []
    for error in errors:
        if not _needs_confirmation(error, versions):
            continue
        assignee = second_reviewer_for(error)
        if assignee is None:
            continue  # nobody can confirm it: it stays unconfirmed and does not count
        task = ConfirmationTask.objects.create(
            critical_error=error, first_reviewer_id=error.evaluation.reviewer_id, assignee=assignee, due_on=due_on
        )
        audit_record(
            actor=None,
            action=AuditAction.CONFIRMATION_ASSIGNED,
            obj=task,
            subject=error.agent,
            data={"critical_error_id": error.pk, "assignee_id": assignee.pk, "due_on": due_on.isoformat()},
        )
        notify(recipient=assignee, kind="confirmation_assigned", obj=task, params={"due_on": due_on.isoformat()})
        tasks.append(task)
    return tasks


def _locked(task: ConfirmationTask) -> ConfirmationTask:
    return (
        ConfirmationTask.objects.select_for_update(of=("self",))
        .select_related("critical_error__agent", "critical_error__evaluation")
        .get(pk=task.pk)
    )


def _confirm(task: ConfirmationTask, now: dt.datetime) -> None:
    CriticalError.objects.filter(pk=task.critical_error_id).update(confirmed_at=now)


@transaction.atomic
def confirmation_answer(*, task: ConfirmationTask, found: bool, note: str, acting_user: User) -> ConfirmationTask:
    """The second reviewer's judgment: the error is there (confirmed) or not (a QA lead decides)."""
    task = _locked(task)
    if task.assignee_id != acting_user.pk:
        raise NotPermitted(_("Only the reviewer asked for this second opinion gives it."), code="not_assignee")
    if task.status != ConfirmationStatus.OPEN:
        raise Conflict(_("This second opinion has been given already."), code="already_answered")
    if too_long(note, EXPLANATION_MAX_CHARS):
        raise DomainError(
            _("The note is too long; nothing was saved."), fields={"note": too_long(note, EXPLANATION_MAX_CHARS)}
        )
    now = timezone.now()
    task.found, task.note, task.answered_at = found, note.strip(), now
    task.status = ConfirmationStatus.CONFIRMED if found else ConfirmationStatus.DISPUTED
    task.save(update_fields=["found", "note", "answered_at", "status"])
    if found:
        _confirm(task, now)
    audit_record(
        actor=acting_user,
        action=AuditAction.CONFIRMATION_ANSWERED,
        obj=task,
        subject=task.critical_error.agent,
        data={"critical_error_id": task.critical_error_id, "found": found, "status": task.status},
    )
    return task


def may_decide_disagreement(task: ConfirmationTask, user: User, *, any_status: bool = False) -> bool:
    """A QA lead who is neither of the two reviewers (and, unless ``any_status``, the task is disputed)."""
    neither = user.role == Role.QA_LEAD and user.pk not in (task.first_reviewer_id, task.assignee_id)
    return neither and (any_status or task.status == ConfirmationStatus.DISPUTED)


@transaction.atomic
def confirmation_decide(
    *, task: ConfirmationTask, confirmed: bool, rationale: str, acting_user: User
) -> ConfirmationTask:
    """Where the two reviewers disagree, a QA lead who is neither of them decides, with a reason."""
    task = _locked(task)
    if not may_decide_disagreement(task, acting_user, any_status=True):
        raise NotPermitted(
            _("A QA lead who is neither of the two reviewers decides a disagreement."), code="not_decider"
        )
    if task.status != ConfirmationStatus.DISPUTED:
        raise Conflict(_("Only a disagreement between the reviewers is decided here."), code="not_disputed")
    if len(rationale.strip()) < RATIONALE_MIN_CHARS or too_long(rationale, EXPLANATION_MAX_CHARS):
        problem = too_long(rationale, EXPLANATION_MAX_CHARS) or [
            _("At least %(n)s characters.") % {"n": RATIONALE_MIN_CHARS}
        ]
        raise DomainError(_("Explain the decision; nothing was saved."), fields={"rationale": problem})
    now = timezone.now()
    task.status = ConfirmationStatus.CONFIRMED if confirmed else ConfirmationStatus.REJECTED
    task.decided_by, task.rationale, task.decided_at = acting_user, rationale.strip(), now
    task.save(update_fields=["status", "decided_by", "rationale", "decided_at"])
    if confirmed:
        _confirm(task, now)
    audit_record(
        actor=acting_user,
        action=AuditAction.CONFIRMATION_DECIDED,
        obj=task,
        subject=task.critical_error.agent,
        data={"critical_error_id": task.critical_error_id, "confirmed": confirmed, "rationale": task.rationale},
    )
    return task
