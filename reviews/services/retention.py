"""Retention: what has been kept long enough leaves, class by class, and each run says how much.

- recordings and transcripts of calls older than their period are deleted (the call's
  metadata, its evaluations and their scores stay);
- audit payloads older than theirs are erased, keeping the event, its hashes and the payload's
  digest, so the audit chain still verifies.

A call whose evaluation is held by an open appeal keeps its recording and transcript: the
appeal needs them. Every class writes one audit event with its count, also when it is zero.
Evaluations and critical errors (24 months by default) are not yet removed: see README.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from reviews.models import OPEN_APPEAL_STATUSES, Appeal, AuditEvent, Call
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
    counts = {
        "recordings": _erase_recordings(now - dt.timedelta(days=days["recordings"]), held),
        "transcripts": _erase_transcripts(now - dt.timedelta(days=days["transcripts"]), held),
        "audit_payloads": _erase_audit_payloads(now - dt.timedelta(days=days["audit_payloads"])),
    }
    with transaction.atomic():
        for data_class, count in counts.items():
            audit_record(
                actor=None,
                action="reviews.retention.applied",
                object_type="retention",
                object_id=data_class,
                data={"removed": count, "days": days[data_class], "held_by_open_appeals": len(held)},
            )
    logger.info("Retention applied: %s", counts)
    return counts
