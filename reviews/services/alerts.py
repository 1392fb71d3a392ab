"""Alerts: the batch opens them; a person who did not log the evidence, and has read it, decides.

Every change to an alert goes through this module: opening and extending (the batch), viewing the
evidence and deciding (people), retraction after an appeal, quarantine after nullity, and the
expiry of evidence under retention. State changes go through the transition table
(``reviews.domain.transitions``) and each writes its audit event in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, User
from reviews.domain.errors import Conflict, DomainError, NotPermitted
from reviews.domain.thresholds import Firing
from reviews.domain.transitions import AlertAction, AlertState, alert_transition
from reviews.models import (
    Alert,
    AlertEvidence,
    AlertEvidenceView,
    AlertStatus,
    AuditAction,
    CauseKind,
    CriticalError,
    RuleVersion,
    ScoringRun,
)
from reviews.notification_texts import retraction_text
from reviews.selectors.evidence_links import alert_links, alerts_missing_links
from reviews.services.audit import PendingEvent, audit_record, audit_record_many
from reviews.services.copy_rows import copy_new, copy_rows
from reviews.services.notifications import notify
from reviews.services.texts import EXPLANATION_MAX_CHARS, too_long

RATIONALE_MIN_CHARS = 20


def check_decider(alert: Alert, acting_user: User) -> None:
    """Raise unless the person may decide this alert: the agent's own supervisor or a QA lead who
    logged none of its evidence."""
    if acting_user.role == Role.SUPERVISOR and acting_user.team_id != alert.agent.team_id:
        raise NotPermitted(_("Only the agent's own supervisor or a QA lead decides this alert."), code="not_decider")
    reviewed = CriticalError.objects.filter(alerts=alert, evaluation__reviewer=acting_user).exists()
    if reviewed:
        raise NotPermitted(
            _("You logged part of this evidence; someone else must decide."), code="reviewer_cannot_decide"
        )


@transaction.atomic
def alert_view_evidence(*, alert: Alert, acting_user: User) -> AlertEvidenceView:
    """Record that a decider opened the evidence (a sensitive read). Deciding requires it."""
    if acting_user.role not in (Role.SUPERVISOR, Role.QA_LEAD):
        raise NotPermitted(_("Only supervisors and QA leads open alert evidence."), code="role_not_allowed")
    view, created = AlertEvidenceView.objects.get_or_create(
        alert=alert, viewer=acting_user, defaults={"viewed_at": timezone.now()}
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.ALERT_EVIDENCE_VIEWED,
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
        raise DomainError(_("Decide 'confirm' or 'dismiss'."), fields={"decision": [_("Choose confirm or dismiss.")]})
    next_state = alert_transition(AlertState(alert.status), action, acting_user.role)
    check_decider(alert, acting_user)
    if too_long(rationale, EXPLANATION_MAX_CHARS):
        raise DomainError(
            _("The rationale is too long; nothing was saved."),
            fields={"rationale": too_long(rationale, EXPLANATION_MAX_CHARS)},
        )
    if len(rationale.strip()) < RATIONALE_MIN_CHARS:
        raise DomainError(
            _("Explain the decision in at least %(n)s characters.") % {"n": RATIONALE_MIN_CHARS},
            fields={"rationale": [_("At least %(n)s characters.") % {"n": RATIONALE_MIN_CHARS}]},
        )
    view = AlertEvidenceView.objects.filter(alert=alert, viewer=acting_user).first()
    if view is None:
        raise DomainError(_("Open the evidence before deciding."), code="evidence_not_viewed")
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
        raise Conflict(_("Someone else decided this alert first."), code="already_decided")
    alert.refresh_from_db()
    audit_record(
        actor=acting_user,
        action=AuditAction(f"reviews.alert.{alert.status}"),
        obj=alert,
        subject=alert.agent,
        data={
            "rule_version_id": alert.rule_version_id,
            "rationale": alert.rationale,
            "evidence_viewed_at": view.viewed_at.isoformat(),
            "evidence": list(alert.evidence_links.values_list("critical_error_id", flat=True)),
        },
    )
    if alert.status == AlertStatus.CONFIRMED:
        from reviews.services.coaching import coaching_plan_for_confirmed_alert

        coaching_plan_for_confirmed_alert(alert=alert, acting_user=acting_user)  # coaching before sanction
    return alert


def alerts_recheck_evidence(
    *, critical_error_ids: list[int], acting_user: User | None, because: str = "appeal"
) -> list[Alert]:
    """Retract every open or confirmed alert whose counting evidence fell below its rule's N; tell the agent.

    Counting evidence is active, and (where the rule version leaves systemic causes out) not of a
    systemic root cause. Runs inside the caller's transaction (an appeal decision, a changed root
    cause: ``because``). Running it again changes nothing.
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
        counting = alert.evidence.filter(status="active")
        if alert.rule_version.exclude_systemic_causes:
            counting = counting.exclude(root_cause__kind=CauseKind.SYSTEMIC)
        remaining = counting.count()
        needed = alert.rule_version.count_n
        if remaining >= needed:
            continue
        previous_status = alert.status
        alert.status = alert_transition(
            AlertState(alert.status), AlertAction.RETRACT, acting_user.role if acting_user else "system"
        ).value
        alert.retracted_at = now
        alert.retraction_params = {"remaining": remaining, "needed": needed, "because": because}
        with translation.override("en"):  # the stored fallback; pages render the params in the reader's language
            alert.retraction_reason = retraction_text(alert.retraction_params)
        alert.save(update_fields=["status", "retracted_at", "retraction_reason", "retraction_params"])
        audit_record(
            actor=acting_user,
            action=AuditAction.ALERT_RETRACTED,
            obj=alert,
            subject=alert.agent,
            data={"previous_status": previous_status, "remaining_evidence": remaining, "count_n": needed},
        )
        notify(
            recipient=alert.agent,
            kind="alert_retracted",
            obj=alert,
            params={"rule": alert.rule_version.rule.name, "remaining": remaining, "needed": needed, "because": because},
        )
        retracted.append(alert)
    return retracted


@dataclass(frozen=True)
class RuleFirings:
    """What one rule version found in a chunk: the agents it fires for, with their evidence."""

    version_id: int
    rule_id: int
    level: str
    firings: list[Firing]


def alerts_open_or_extend(*, run: ScoringRun, found: Sequence[RuleFirings], events: list[PendingEvent]) -> int:
    """Open one alert per firing agent and rule, or add new evidence to the open one. Returns alerts opened.

    The batch only opens: it never decides (rule 3). One open alert per (agent, rule) is a database
    constraint, so a concurrent or repeated chunk cannot open a second (rule 6). Runs inside the
    chunk's transaction, with a fixed number of queries for all of the chunk's rules; audit events
    are appended to ``events`` (in the order of ``found``) for the caller to write last.
    """
    found = [rule for rule in found if rule.firings]
    if not found:
        return 0
    agent_ids = sorted({f.agent_id for rule in found for f in rule.firings})
    open_alerts = Alert.objects.filter(
        rule_id__in={rule.rule_id for rule in found}, status=AlertStatus.OPEN, agent_id__in=agent_ids
    )
    existing: dict[tuple[int, int], Alert] = {
        (alert.rule_id, alert.agent_id): alert for alert in open_alerts.only("pk", "rule_id", "agent_id")
    }
    new_alerts = [
        Alert(
            agent_id=f.agent_id,
            rule_id=rule.rule_id,
            rule_version_id=rule.version_id,
            level=rule.level,
            as_of=run.as_of,
            window_start=f.window.start_exclusive,
            window_end=f.window.end_inclusive,
            opened_by_run=run,
        )
        for rule in found
        for f in rule.firings
        if (rule.rule_id, f.agent_id) not in existing
    ]
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                copy_new(new_alerts)  # a first run opens tens of thousands
            else:
                Alert.objects.bulk_create(new_alerts)
        created = new_alerts
    except IntegrityError:
        # A concurrent run opened some of these a moment ago: take theirs, open the rest one by one.
        created = []
        for alert in new_alerts:
            alert.pk = None
            try:
                with transaction.atomic():
                    alert.save()
                created.append(alert)
            except IntegrityError:
                # Theirs gets what this run found beyond it, under its lock, like any open alert.
                existing[(alert.rule_id, alert.agent_id)] = Alert.objects.get(
                    agent_id=alert.agent_id, rule_id=alert.rule_id, status=AlertStatus.OPEN
                )
    # Lock only the open alerts that get new evidence (an alert is extended only while open); one
    # decided in the meantime keeps what it was decided on, and the next run looks at the agent again.
    growing = alerts_missing_links(
        {
            existing[(rule.rule_id, f.agent_id)].pk: f.evidence
            for rule in found
            for f in rule.firings
            if (rule.rule_id, f.agent_id) in existing
        }
    )
    still_open = set(
        Alert.objects.select_for_update()
        .filter(pk__in=growing, status=AlertStatus.OPEN)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    known_evidence = alert_links(still_open)  # read again under the lock: what another run added is known
    agents = User.objects.only("pk").in_bulk(agent_ids)

    opened = {(alert.rule_id, alert.agent_id): alert for alert in created}

    links: list[tuple[int, int]] = []
    for rule in found:
        for firing in rule.firings:
            key = (rule.rule_id, firing.agent_id)
            if key in opened:
                alert = opened[key]
                events.append(
                    PendingEvent(
                        actor=None,
                        action=AuditAction.ALERT_OPENED,
                        obj=alert,
                        subject=agents[firing.agent_id],
                        data={"rule_version_id": rule.version_id, "run_id": run.pk, "evidence": list(firing.evidence)},
                    )
                )
                new_ids = list(firing.evidence)
            else:
                alert = existing[key]
                if alert.pk not in still_open:  # nothing new, or decided meanwhile
                    continue
                new_ids = [e for e in firing.evidence if e not in known_evidence[alert.pk]]
                if new_ids:
                    events.append(
                        PendingEvent(
                            actor=None,
                            action=AuditAction.ALERT_EVIDENCE_ADDED,
                            obj=alert,
                            subject=agents[firing.agent_id],
                            data={"run_id": run.pk, "evidence": new_ids},
                        )
                    )
            links.extend(zip(repeat(alert.pk), new_ids))  # the pk read once, not once per link
    _evidence_insert(links)
    return len(opened)


def _evidence_insert(links: list[tuple[int, int]]) -> None:
    """Write (alert id, critical error id) links none of which exists yet (new alerts, or open alerts
    locked and read again). On PostgreSQL with COPY: a first run writes hundreds of thousands."""
    if not links:
        return
    now = timezone.now()
    if connection.vendor != "postgresql":
        AlertEvidence.objects.bulk_create(
            [AlertEvidence(alert_id=a, critical_error_id=e, added_at=now) for a, e in links], ignore_conflicts=True
        )
        return
    copy_rows(AlertEvidence, ("alert", "critical_error", "added_at"), ((a, e, now) for a, e in links))


def alerts_quarantine_for_rule_version(*, version: RuleVersion, acting_user: User, now: dt.datetime) -> list[Alert]:
    """Quarantine every alert a nullified rule version raised (not those already retracted or quarantined).

    Runs inside the nullity's transaction. A quarantined alert can never be used for consequences.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("alerts_quarantine_for_rule_version runs inside the nullity's transaction")
    alerts = list(
        Alert.objects.select_for_update()
        .select_related("agent")
        .filter(rule_version=version)
        .exclude(status__in=[AlertStatus.RETRACTED, AlertStatus.QUARANTINED])
        .order_by("pk")
    )
    for alert in alerts:
        previous_status = alert.status
        alert.status = alert_transition(AlertState(alert.status), AlertAction.QUARANTINE, acting_user.role).value
        alert.quarantined_at = now
        alert.save(update_fields=["status", "quarantined_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.ALERT_QUARANTINED,
            obj=alert,
            subject=alert.agent,
            data={"rule_version_id": version.pk, "previous_status": previous_status},
        )
    return alerts


def alerts_expire_evidence(*, links: QuerySet[AlertEvidence]) -> int:
    """Retention removes evidence links whose critical errors expire; each alert counts what it lost.

    The alert and its decision stay (the record of what was decided about a person); the agent and
    the works council see on each alert how much of its evidence expired. Returns links removed.
    Runs inside the retention batch's transaction.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("alerts_expire_evidence runs inside the retention batch's transaction")
    per_alert: dict[int, int] = defaultdict(int)
    for alert_id in links.values_list("alert_id", flat=True):
        per_alert[alert_id] += 1
    for count in set(per_alert.values()):
        Alert.objects.filter(pk__in=[a for a, n in per_alert.items() if n == count]).update(
            evidence_expired=F("evidence_expired") + count
        )
    audit_record_many(
        [
            PendingEvent(
                actor=None,
                action=AuditAction.ALERT_EVIDENCE_EXPIRED,
                obj=alert,
                subject=alert.agent,
                data={"removed": per_alert[alert.pk], "days": settings.RETENTION_DAYS["evaluations"]},
            )
            for alert in Alert.objects.filter(pk__in=per_alert).select_related("agent").order_by("pk")
        ]
    )
    return links.delete()[0]
