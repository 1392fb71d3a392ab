"""Alerts: the batch opens them; a person who did not log the evidence, and has read it, decides."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from reviews.domain.errors import Conflict, DomainError, NotPermitted
from reviews.domain.transitions import AlertAction, AlertState, alert_transition
from reviews.models import Alert, AlertEvidence, AlertEvidenceView, AlertStatus, CriticalError
from reviews.services.audit import audit_record
from reviews.services.notifications import notify

RATIONALE_MIN_CHARS = 20


def _check_decider(alert: Alert, acting_user: User) -> None:
    if acting_user.role == Role.SUPERVISOR and acting_user.team_id != alert.agent.team_id:
        raise NotPermitted("Only the agent's own supervisor or a QA lead decides this alert.", code="not_decider")
    reviewed = CriticalError.objects.filter(alerts=alert, evaluation__reviewer=acting_user).exists()
    if reviewed:
        raise NotPermitted("You logged part of this evidence; someone else must decide.", code="reviewer_cannot_decide")


@transaction.atomic
def alert_view_evidence(*, alert: Alert, acting_user: User) -> AlertEvidenceView:
    """Record that a decider opened the evidence (a sensitive read). Deciding requires it."""
    if acting_user.role not in (Role.SUPERVISOR, Role.QA_LEAD):
        raise NotPermitted("Only supervisors and QA leads open alert evidence.", code="role_not_allowed")
    view, created = AlertEvidenceView.objects.get_or_create(
        alert=alert, viewer=acting_user, defaults={"viewed_at": timezone.now()}
    )
    audit_record(
        actor=acting_user,
        action="reviews.alert.evidence_viewed",
        obj=alert,
        subject=alert.agent,
        data={"first_view": created},
    )
    return view


@transaction.atomic
def alert_decide(*, alert: Alert, decision: str, rationale: str, acting_user: User) -> Alert:
    """Confirm or dismiss an open alert. Exactly one of two simultaneous decisions wins; the other is a 409."""
    action = {"confirm": AlertAction.CONFIRM, "dismiss": AlertAction.DISMISS}.get(decision)
    if action is None:
        raise DomainError("Decide 'confirm' or 'dismiss'.", fields={"decision": ["Choose confirm or dismiss."]})
    next_state = alert_transition(AlertState(alert.status), action, acting_user.role)
    _check_decider(alert, acting_user)
    if len(rationale.strip()) < RATIONALE_MIN_CHARS:
        raise DomainError(
            f"Explain the decision in at least {RATIONALE_MIN_CHARS} characters.",
            fields={"rationale": [f"At least {RATIONALE_MIN_CHARS} characters."]},
        )
    view = AlertEvidenceView.objects.filter(alert=alert, viewer=acting_user).first()
    if view is None:
        raise DomainError("Open the evidence before deciding.", code="evidence_not_viewed")
    now = timezone.now()
    claimed = Alert.objects.filter(pk=alert.pk, status=AlertStatus.OPEN).update(
        status=next_state.value,
        decision=next_state.value,
        decided_by=acting_user,
        decided_at=now,
        rationale=rationale.strip(),
        evidence_viewed_at=view.viewed_at,
    )
    if claimed != 1:
        raise Conflict("Someone else decided this alert first.", code="already_decided")
    alert.refresh_from_db()
    audit_record(
        actor=acting_user,
        action=f"reviews.alert.{alert.status}",
        obj=alert,
        subject=alert.agent,
        data={
            "rule_version_id": alert.rule_version_id,
            "rationale": alert.rationale,
            "evidence_viewed_at": view.viewed_at.isoformat(),
            "evidence": list(alert.evidence_links.values_list("critical_error_id", flat=True)),
        },
    )
    return alert


def alerts_recheck_evidence(*, critical_error_ids: list[int], acting_user: User | None) -> list[Alert]:
    """Retract every open or confirmed alert whose active evidence fell below its rule's N; tell the agent.

    Runs inside the caller's transaction (an appeal decision). Running it again changes nothing.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("alerts_recheck_evidence runs inside the transaction that changed the evidence")
    affected = (
        Alert.objects.select_for_update(of=("self",))
        .select_related("rule_version", "agent")
        .filter(
            pk__in=AlertEvidence.objects.filter(critical_error_id__in=critical_error_ids).values("alert_id"),
            status__in=[AlertStatus.OPEN, AlertStatus.CONFIRMED],
        )
        .order_by("pk")
    )
    retracted = []
    now = timezone.now()
    for alert in affected:
        remaining = alert.evidence.filter(status="active").count()
        needed = alert.rule_version.count_n
        if remaining >= needed:
            continue
        previous_status = alert.status
        alert.status = alert_transition(
            AlertState(alert.status), AlertAction.RETRACT, acting_user.role if acting_user else "system"
        ).value
        alert.retracted_at = now
        alert.retraction_reason = (
            f"After an appeal, {remaining} of the counted critical errors remain; the rule needs {needed}."
        )
        alert.save(update_fields=["status", "retracted_at", "retraction_reason"])
        audit_record(
            actor=acting_user,
            action="reviews.alert.retracted",
            obj=alert,
            subject=alert.agent,
            data={"previous_status": previous_status, "remaining_evidence": remaining, "count_n": needed},
        )
        notify(
            recipient=alert.agent,
            kind="alert_retracted",
            obj=alert,
            message=f"An alert about you ({alert.rule_version.rule.name}) was retracted. {alert.retraction_reason}",
        )
        retracted.append(alert)
    return retracted
