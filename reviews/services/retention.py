"""Retention: what has been kept long enough leaves, class by class, and each run says how much.

- recordings and transcripts of calls older than their period are deleted (the call's
  metadata, its evaluations and their scores stay);
- evaluations of calls older than theirs are deleted with everything that hangs on them, in
  this order: the alert evidence links to their critical errors (the alert and its decision
  stay and count what expired), their closed appeals, then the evaluations with their answers
  and critical errors; a call's revisions go together;
- audit payloads older than theirs are erased, keeping the event, its hashes and the payload's
  digest, so the audit chain still verifies.

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

from reviews.models import (
    OPEN_APPEAL_STATUSES,
    AlertEvidence,
    AlertStatus,
    Appeal,
    AuditAction,
    AuditEvent,
    Call,
    CriticalError,
    Evaluation,
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
    with transaction.atomic():
        return (
            Call.objects.filter(started_at__lt=cutoff).exclude(transcript="").exclude(pk__in=held).update(transcript="")
        )


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


def retention_apply(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Apply every retention period once; returns {data class: items removed}."""
    now = now or timezone.now()
    days = settings.RETENTION_DAYS
    held = _held_call_ids()
    evaluations, errors, extra = _remove_evaluations(now - dt.timedelta(days=days["evaluations"]), held)
    counts = {
        "recordings": _erase_recordings(now - dt.timedelta(days=days["recordings"]), held),
        "transcripts": _erase_transcripts(now - dt.timedelta(days=days["transcripts"]), held),
        "evaluations": evaluations,
        "critical_errors": errors,
        "audit_payloads": _erase_audit_payloads(now - dt.timedelta(days=days["audit_payloads"])),
    }
    with transaction.atomic():
        for data_class, count in counts.items():
            period = days["evaluations" if data_class == "critical_errors" else data_class]
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
