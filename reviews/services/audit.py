from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from accounts.models import User
from reviews.correlation import current_correlation_id
from reviews.domain.audit_chain import (
    GENESIS_HASH,
    ChainCheck,
    ChainedEvent,
    Checkpoint,
    canonical_json,
    checkpoint_problem,
    data_digest,
    event_digest,
    verify_chain,
)
from reviews.models import AuditAction, AuditEvent
from reviews.services.copy_rows import copy_rows

# Any constant; every writer of the chain takes this transaction-level lock so
# two transactions can never both append after the same head.
AUDIT_CHAIN_LOCK_KEY = 0x51A_0D17


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK_KEY])
    # SQLite serialises writers on its own.


@dataclass(frozen=True)
class PendingEvent:
    """An audit event to append; ``audit_record_many`` writes a batch under one lock."""

    actor: User | None
    action: str
    obj: Model | None = None
    object_type: str = ""
    object_id: str = ""
    subject: User | None = None
    data: dict[str, Any] = field(default_factory=dict)


# From this many events on, PostgreSQL gets them with COPY (a scoring run appends tens of thousands).
COPY_FROM = 20


def audit_record_many(events: Sequence[PendingEvent]) -> None:
    """Append events to the audit chain, in order. Must run inside the caller's transaction.

    ``actor`` None means the system (a batch). Actions are namespaced, e.g.
    ``reviews.evaluation.submitted``. The chain lock is held from here to the
    end of the caller's transaction, so callers that write many rows record
    their events last.
    """
    _append(events, copy=len(events) >= COPY_FROM and connection.vendor == "postgresql")


def _append(events: Sequence[PendingEvent], *, copy: bool) -> list[AuditEvent]:
    """Hash and write ``events`` after the chain's head; the rows written (none when copied)."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    if not events:
        return []
    unregistered = {event.action for event in events} - set(AuditAction.values)
    if unregistered:
        raise ValueError(f"Not in the AuditAction registry: {sorted(unregistered)}")
    _lock_chain()
    head = AuditEvent.objects.order_by("-sequence").only("sequence", "hash").first()
    sequence = head.sequence if head else 0
    prev_hash = head.hash if head else GENESIS_HASH
    occurred_at = timezone.now()
    correlation_id = str(current_correlation_id())
    rows = []
    copied: list[tuple[Any, ...]] = []
    for event in events:
        object_type, object_id = event.object_type, event.object_id
        if event.obj is not None:
            object_type = object_type or f"{event.obj._meta.app_label}.{event.obj._meta.model_name}"
            object_id = object_id or str(event.obj.pk)
        # Store exactly what is hashed (Decimals, dates and UUIDs become strings).
        payload = json.loads(canonical_json(event.data))
        sequence += 1
        actor_role = event.actor.role if event.actor is not None else "system"
        data_hash = data_digest(payload)
        digest = event_digest(
            prev_hash=prev_hash,
            sequence=sequence,
            occurred_at=occurred_at.isoformat(),
            actor_id=event.actor.pk if event.actor else None,
            actor_role=actor_role,
            action=event.action,
            object_type=object_type,
            object_id=object_id,
            subject_id=event.subject.pk if event.subject else None,
            correlation_id=correlation_id,
            data_hash=data_hash,
        )
        if copy:
            copied.append(
                (
                    sequence,
                    occurred_at,
                    event.actor.pk if event.actor else None,
                    actor_role,
                    event.action,
                    object_type,
                    object_id,
                    event.subject.pk if event.subject else None,
                    correlation_id,
                    canonical_json(payload),
                    data_hash,
                    False,
                    prev_hash,
                    digest,
                )
            )
            prev_hash = digest
            continue
        rows.append(
            AuditEvent(
                sequence=sequence,
                occurred_at=occurred_at,
                actor=event.actor,
                actor_role=actor_role,
                action=event.action,
                object_type=object_type,
                object_id=object_id,
                subject=event.subject,
                correlation_id=correlation_id,
                data=payload,
                data_hash=data_hash,
                prev_hash=prev_hash,
                hash=digest,
            )
        )
        prev_hash = digest
    if not copy:
        return AuditEvent.objects.bulk_create(rows)
    names: tuple[str, ...] = ("sequence", "occurred_at", "actor", "actor_role", "action", "object_type", "object_id")
    names += ("subject", "correlation_id", "data", "data_hash", "payload_erased", "prev_hash", "hash")
    copy_rows(AuditEvent, names, copied)
    return []


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    subject: User | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit chain, in the caller's transaction (see ``audit_record_many``)."""
    (event,) = _append(
        [
            PendingEvent(
                actor=actor,
                action=action,
                obj=obj,
                object_type=object_type,
                object_id=object_id,
                subject=subject,
                data=data or {},
            )
        ],
        copy=False,
    )
    return event


@transaction.atomic
def audit_chain_verify(*, expect: Checkpoint | None = None) -> ChainCheck:
    """Recompute the whole chain from the stored rows; name the first broken row.

    With ``expect`` (a checkpoint kept outside the database) the chain must also still contain it:
    a removed or rewritten tail, or an emptied table, fails even though what is left links up.
    """
    rows = (
        AuditEvent.objects.order_by("sequence")
        .values_list(
            "sequence",
            "occurred_at",
            "actor_id",
            "actor_role",
            "action",
            "object_type",
            "object_id",
            "subject_id",
            "correlation_id",
            "data_hash",
            "prev_hash",
            "hash",
            "data",
            "payload_erased",
        )
        .iterator(chunk_size=2000)
    )
    events = (
        ChainedEvent(
            sequence=r[0],
            occurred_at=r[1].astimezone(dt.UTC).isoformat(),
            actor_id=r[2],
            actor_role=r[3],
            action=r[4],
            object_type=r[5],
            object_id=r[6],
            subject_id=r[7],
            correlation_id=str(r[8]),
            data_hash=r[9],
            prev_hash=r[10],
            hash=r[11],
            data=r[12],
            payload_erased=r[13],
        )
        for r in rows
    )
    result = verify_chain(events)
    if expect is None or not result.ok:
        return result
    at_checkpoint = AuditEvent.objects.filter(sequence=expect.sequence).values_list("hash", flat=True).first()
    problem = checkpoint_problem(
        head_sequence=result.head_sequence or 0, hash_at_checkpoint=at_checkpoint, checkpoint=expect
    )
    if problem:
        return dataclasses.replace(result, ok=False, first_broken_sequence=expect.sequence, reason=problem)
    return result
