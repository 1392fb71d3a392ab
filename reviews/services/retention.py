"""Retention: what has been kept long enough leaves, class by class, and each run says how much.

- recordings and transcripts of calls older than their period are deleted (the call's
  metadata, its evaluations and their scores stay);
- evaluations of calls older than theirs are deleted with everything that hangs on them, in
  this order: the alert evidence links to their critical errors (the alert and its decision
  stay and count what expired), their closed appeals, then the evaluations with their answers
  and critical errors; a call's revisions go together;
- audit payloads older than theirs are erased, keeping the event, its hashes and the payload's
  digest, so the audit chain still verifies;
- closed calibration sessions older than theirs go as a whole (participants, blind scorings);
- a call's metadata goes after its period once none of its evaluations or calibration sessions is
  kept (with its sampling assignment);
- notifications older than theirs are deleted, read or not;
- a person who left (inactive) keeps no personal data once nothing about them or by them is kept:
  no evaluation of their calls or by them, no call of theirs, no open alert or appeal. Their name,
  e-mail and employee number are erased and their username becomes their pseudonym, so the rows
  that stay (audit events, decided alerts, runs) point at a pseudonymous person.

A call whose evaluation is held by an open appeal keeps its recording, transcript and
evaluations: the appeal needs them. Evaluations whose critical errors are evidence of an open
alert stay until a person has decided it. Calibration evaluations stay with their session.
Every class writes one audit event with its count, also when it is zero.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from reviews.models import (
    OPEN_APPEAL_STATUSES,
    Alert,
    AlertEvidence,
    AlertStatus,
    Appeal,
    AuditAction,
    AuditEvent,
    CalibrationSession,
    CalibrationStatus,
    Call,
    CriticalError,
    Evaluation,
    Notification,
    ReviewAssignment,
    TranscriptSegment,
)
from reviews.services.alerts import alerts_expire_evidence
from reviews.services.audit import audit_record

logger = logging.getLogger(__name__)
BATCH = 500


def _held_call_ids() -> set[int]:
    """Calls an open appeal still needs (the appealed evaluation's call)."""
    return set(Appeal.objects.filter(status__in=OPEN_APPEAL_STATUSES).values_list("evaluation__call_id", flat=True))


def _erase_recordings(cutoff: dt.datetime, held: set[int]) -> int:
    count = 0
    expired = Call.objects.filter(started_at__lt=cutoff).exclude(recording="").exclude(pk__in=held)
    while True:
        batch = list(expired.order_by("pk")[:BATCH])
        if not batch:
            return count
        for call in batch:
            with transaction.atomic():
                Call.objects.filter(pk=call.pk).update(recording="", recording_content_type="")
                # The file goes once the row no longer points at it: a failure can leave a stray file,
                # never a call pointing at a missing one.
                transaction.on_commit(partial(call.recording.storage.delete, call.recording.name or ""))
            count += 1


def _erase_transcripts(cutoff: dt.datetime, held: set[int]) -> int:
    """The text and its segments go together (the segments are the transcript, by time and speaker)."""
    with transaction.atomic():
        expired = Call.objects.filter(started_at__lt=cutoff).exclude(pk__in=held)
        TranscriptSegment.objects.filter(call__in=expired).delete()
        return expired.exclude(transcript="").update(transcript="")


def _calls_held_by_open_alerts(call_ids: list[int]) -> set[int]:
    return set(
        CriticalError.objects.filter(
            evaluation__call_id__in=call_ids, evidence_links__alert__status=AlertStatus.OPEN
        ).values_list("evaluation__call_id", flat=True)
    )


def _remove_evaluations(cutoff: dt.datetime, held: set[int]) -> tuple[int, int, dict[str, int]]:
    """Delete expired evaluations call by call; returns (evaluations, critical errors, what went with them)."""
    removed_evaluations = removed_errors = 0
    extra = {"appeals": 0, "alert_evidence_links": 0, "held_by_open_alerts": 0}
    skipped: set[int] = set(held)
    expired = Evaluation.objects.filter(calibration_session__isnull=True, call__started_at__lt=cutoff)
    while True:
        call_ids = list(
            expired.exclude(call_id__in=skipped)
            .order_by("call_id")
            .values_list("call_id", flat=True)
            .distinct()[:BATCH]
        )
        if not call_ids:
            return removed_evaluations, removed_errors, extra
        with transaction.atomic():
            # Locked as appeal_submit locks them: an appeal lodged meanwhile is seen here, or waits.
            list(Evaluation.objects.select_for_update().filter(call_id__in=call_ids).values_list("pk", flat=True))
            held_now = set(
                Appeal.objects.filter(evaluation__call_id__in=call_ids, status__in=OPEN_APPEAL_STATUSES).values_list(
                    "evaluation__call_id", flat=True
                )
            )
            by_alerts = _calls_held_by_open_alerts(call_ids)
            extra["held_by_open_alerts"] += len(by_alerts - held_now)
            skipped |= held_now | by_alerts
            gone = [c for c in call_ids if c not in held_now and c not in by_alerts]
            evaluations = Evaluation.objects.filter(call_id__in=gone, calibration_session__isnull=True)
            errors = CriticalError.objects.filter(evaluation__in=evaluations)
            links = AlertEvidence.objects.filter(critical_error__in=errors)
            extra["alert_evidence_links"] += alerts_expire_evidence(links=links)
            extra["appeals"] += (
                Appeal.objects.filter(Q(evaluation__in=evaluations) | Q(resulting_revision__in=evaluations))
                .delete()[1]
                .get("reviews.Appeal", 0)
            )
            removed_errors += errors.count()
            # A revision points back at the one it replaced: the newest go first, the chain as a whole.
            while deleted := evaluations.filter(next_revision__isnull=True).delete()[1].get("reviews.Evaluation", 0):
                removed_evaluations += deleted


def _erase_audit_payloads(cutoff: dt.datetime) -> int:
    with transaction.atomic():
        return AuditEvent.objects.filter(occurred_at__lt=cutoff, payload_erased=False).update(
            data={}, payload_erased=True
        )


def _remove_calibration_sessions(cutoff: dt.datetime) -> int:
    removed = 0
    expired = CalibrationSession.objects.filter(status=CalibrationStatus.CLOSED, closed_at__lt=cutoff)
    while ids := list(expired.order_by("pk").values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            Evaluation.objects.filter(calibration_session_id__in=ids).delete()
            removed += CalibrationSession.objects.filter(pk__in=ids).delete()[1].get("reviews.CalibrationSession", 0)
    return removed


def _remove_calls(cutoff: dt.datetime, held: set[int]) -> int:
    removed = 0
    expired = (
        Call.objects.filter(started_at__lt=cutoff, evaluations__isnull=True, calibration_sessions__isnull=True)
        .exclude(pk__in=held)
        .distinct()
    )
    while batch := list(expired.order_by("pk")[:BATCH]):
        with transaction.atomic():
            ids = [call.pk for call in batch]
            ReviewAssignment.objects.filter(call_id__in=ids).delete()
            removed += Call.objects.filter(pk__in=ids).delete()[1].get("reviews.Call", 0)
            for call in batch:
                if call.recording:
                    transaction.on_commit(partial(call.recording.storage.delete, call.recording.name or ""))
    return removed


def _remove_notifications(cutoff: dt.datetime) -> int:
    with transaction.atomic():
        return Notification.objects.filter(created_at__lt=cutoff).delete()[1].get("reviews.Notification", 0)


def _erase_leavers(now: dt.datetime) -> int:
    leavers = (
        User.objects.filter(is_active=False, personal_data_erased_at__isnull=True)
        .exclude(pk__in=Call.objects.values("agent_id"))
        .exclude(pk__in=Evaluation.objects.values("reviewer_id"))
        .exclude(pk__in=Alert.objects.filter(status=AlertStatus.OPEN).values("agent_id"))
        .exclude(pk__in=Appeal.objects.filter(status__in=OPEN_APPEAL_STATUSES).values("agent_id"))
    )
    erased = 0
    for user in leavers.order_by("pk"):
        with transaction.atomic():
            user.username = user.pseudonym
            user.first_name = user.last_name = user.email = user.employee_number = ""
            user.set_unusable_password()
            user.personal_data_erased_at = now
            user.save(
                update_fields=[
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "employee_number",
                    "password",
                    "personal_data_erased_at",
                ]
            )
        erased += 1
    return erased


def retention_apply(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Apply every retention period once; returns {data class: items removed}."""
    now = now or timezone.now()
    days = settings.RETENTION_DAYS
    held = _held_call_ids()
    calibration_sessions = _remove_calibration_sessions(now - dt.timedelta(days=days["calibration_sessions"]))
    evaluations, errors, extra = _remove_evaluations(now - dt.timedelta(days=days["evaluations"]), held)
    counts = {
        "recordings": _erase_recordings(now - dt.timedelta(days=days["recordings"]), held),
        "transcripts": _erase_transcripts(now - dt.timedelta(days=days["transcripts"]), held),
        "evaluations": evaluations,
        "critical_errors": errors,
        "audit_payloads": _erase_audit_payloads(now - dt.timedelta(days=days["audit_payloads"])),
        "calibration_sessions": calibration_sessions,
        "calls": _remove_calls(now - dt.timedelta(days=days["calls"]), held),
        "notifications": _remove_notifications(now - dt.timedelta(days=days["notifications"])),
        # Runs last: whoever the steps above left without any evaluation or call.
        "leavers": _erase_leavers(now),
    }
    periods = {"critical_errors": days["evaluations"], "leavers": days["evaluations"]}
    with transaction.atomic():
        for data_class, count in counts.items():
            period = periods.get(data_class) or days[data_class]
            data: dict[str, object] = {"removed": count, "days": period, "held_by_open_appeals": len(held)}
            if data_class == "evaluations":
                data.update(extra)
            audit_record(
                actor=None,
                action=AuditAction.RETENTION_APPLIED,
                object_type="retention",
                object_id=data_class,
                data=data,
            )
    logger.info("Retention applied: %s", counts)
    return counts
