"""Coaching plans: opened by the agent's supervisor or a QA lead (or by a confirmed coaching alert),
with sessions, linked evaluations and the agent's own comment. Every change is audited with the agent
as subject and the agent is told; nothing here ever counts toward a threshold rule.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from reviews.domain.errors import Conflict, DomainError, NotPermitted
from reviews.models import (
    Alert,
    AuditAction,
    CoachingPlan,
    CoachingSession,
    CoachingStatus,
    Criterion,
    Evaluation,
)
from reviews.services.audit import audit_record
from reviews.services.notifications import notify
from reviews.services.texts import EXPLANATION_MAX_CHARS, too_long


def may_coach(agent: User, user: User) -> bool:
    """The agent's own supervisor or a QA lead coaches; nobody coaches themselves."""
    allowed = user.role == Role.QA_LEAD or (
        user.role == Role.SUPERVISOR and user.team_id is not None and user.team_id == agent.team_id
    )
    return allowed and user.pk != agent.pk


def _check_coach(agent: User, acting_user: User) -> None:
    if not may_coach(agent, acting_user):
        raise NotPermitted(_("Only the agent's own supervisor or a QA lead coaches this agent."), code="not_coach")


def _texts(**texts: str) -> dict[str, list[str]]:
    return {name: problem for name, value in texts.items() if (problem := too_long(value, EXPLANATION_MAX_CHARS))}


@transaction.atomic
def coaching_plan_open(
    *,
    agent: User,
    goals: str,
    acting_user: User,
    evaluation: Evaluation | None = None,
    criterion: Criterion | None = None,
    alert: Alert | None = None,
) -> CoachingPlan:
    if agent.role != Role.AGENT:
        raise DomainError(_("Coaching plans are for agents."), fields={"agent": [_("Choose an agent.")]})
    _check_coach(agent, acting_user)
    fields = _texts(goals=goals)
    if evaluation is not None and evaluation.call.agent_id != agent.pk:
        fields["evaluation"] = [_("This evaluation is about someone else.")]
    if criterion is not None and (
        evaluation is None or criterion.section.version_id != evaluation.scorecard_version_id
    ):
        fields["criterion"] = [_("Choose a criterion of the evaluation's scorecard.")]
    if alert is not None and alert.agent_id != agent.pk:
        fields["alert"] = [_("This alert is about someone else.")]
    if fields:
        raise DomainError(_("The coaching plan is not valid; nothing was saved."), fields=fields)
    if alert is not None and CoachingPlan.objects.filter(alert=alert).exists():
        raise Conflict(_("This alert already has a coaching plan."), code="plan_exists")
    plan = CoachingPlan.objects.create(
        agent=agent,
        opened_by=acting_user,
        opened_at=timezone.now(),
        goals=goals.strip(),
        evaluation=evaluation,
        criterion=criterion,
        alert=alert,
    )
    if evaluation is not None:
        plan.linked_evaluations.add(evaluation)
    audit_record(
        actor=acting_user,
        action=AuditAction.COACHING_PLAN_OPENED,
        obj=plan,
        subject=agent,
        data={
            "evaluation_id": getattr(evaluation, "pk", None),
            "criterion_id": getattr(criterion, "pk", None),
            "alert_id": getattr(alert, "pk", None),
        },
    )
    notify(recipient=agent, kind="coaching_plan_opened", obj=plan, params={"plan": plan.pk})
    return plan


def coaching_plan_for_confirmed_alert(*, alert: Alert, acting_user: User) -> CoachingPlan | None:
    """A confirmed coaching-level alert opens a plan for its agent (inside the decision's transaction)."""
    if alert.level != "coaching" or CoachingPlan.objects.filter(alert=alert).exists():
        return None
    return coaching_plan_open(agent=alert.agent, goals="", acting_user=acting_user, alert=alert)


def _open_plan(plan: CoachingPlan) -> CoachingPlan:
    plan = CoachingPlan.objects.select_for_update(of=("self",)).select_related("agent").get(pk=plan.pk)
    if plan.status != CoachingStatus.OPEN:
        raise Conflict(_("This coaching plan is closed."), code="plan_closed")
    return plan


@transaction.atomic
def coaching_session_add(
    *, plan: CoachingPlan, held_on: dt.date, notes: str, agreed_actions: str, acting_user: User
) -> CoachingSession:
    plan = _open_plan(plan)
    _check_coach(plan.agent, acting_user)
    fields = _texts(notes=notes, agreed_actions=agreed_actions)
    if not notes.strip():
        fields["notes"] = [_("Write down what was discussed.")]
    if held_on > timezone.localdate() + dt.timedelta(days=366):
        fields["held_on"] = [_("Choose a date within a year.")]
    if fields:
        raise DomainError(_("The session is not valid; nothing was saved."), fields=fields)
    session = CoachingSession.objects.create(
        plan=plan,
        held_on=held_on,
        notes=notes.strip(),
        agreed_actions=agreed_actions.strip(),
        recorded_by=acting_user,
        recorded_at=timezone.now(),
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.COACHING_SESSION_RECORDED,
        obj=session,
        subject=plan.agent,
        data={"plan_id": plan.pk, "held_on": held_on.isoformat()},
    )
    notify(recipient=plan.agent, kind="coaching_session", obj=plan, params={"held_on": held_on.isoformat()})
    return session


@transaction.atomic
def coaching_plan_comment(*, plan: CoachingPlan, comment: str, acting_user: User) -> CoachingPlan:
    """The agent's own word on the plan, shown beside it (the agent may change it while the plan is open)."""
    plan = _open_plan(plan)
    if acting_user.pk != plan.agent_id:
        raise NotPermitted(_("Only the agent writes their own comment."), code="not_the_agent")
    fields = _texts(comment=comment)
    if fields:
        raise DomainError(_("The comment is too long; nothing was saved."), fields=fields)
    plan.agent_comment, plan.agent_commented_at = comment.strip(), timezone.now()
    plan.save(update_fields=["agent_comment", "agent_commented_at"])
    audit_record(actor=acting_user, action=AuditAction.COACHING_PLAN_COMMENTED, obj=plan, subject=plan.agent, data={})
    return plan


@transaction.atomic
def coaching_plan_close(*, plan: CoachingPlan, status: str, note: str, acting_user: User) -> CoachingPlan:
    plan = _open_plan(plan)
    _check_coach(plan.agent, acting_user)
    if status not in (CoachingStatus.COMPLETED, CoachingStatus.CANCELLED):
        raise DomainError(
            _("Close as completed or cancelled."), fields={"status": [_("Choose completed or cancelled.")]}
        )
    fields = _texts(note=note)
    if fields:
        raise DomainError(_("The note is too long; nothing was saved."), fields=fields)
    plan.status, plan.closing_note, plan.closed_at = status, note.strip(), timezone.now()
    plan.save(update_fields=["status", "closing_note", "closed_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.COACHING_PLAN_CLOSED,
        obj=plan,
        subject=plan.agent,
        data={"status": status},
    )
    notify(recipient=plan.agent, kind="coaching_plan_closed", obj=plan, params={"plan": plan.pk, "status": status})
    return plan
