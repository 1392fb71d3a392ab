from __future__ import annotations

import datetime as dt
import json
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
    canonical_json,
    data_digest,
    event_digest,
    verify_chain,
)
from reviews.models import AuditEvent

# Any constant; every writer of the chain takes this transaction-level lock so
# two transactions can never both append after the same head.
AUDIT_CHAIN_LOCK_KEY = 0x51A_0D17


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK_KEY])
    # SQLite serialises writers on its own.


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
    """Append one event to the audit chain. Must run inside the caller's transaction.

    ``actor`` None means the system (a batch). ``action`` is namespaced,
    e.g. ``reviews.evaluation.submitted``.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or str(obj.pk)
    # Store exactly what is hashed (Decimals, dates and UUIDs become strings).
    payload = json.loads(canonical_json(data or {}))
    _lock_chain()
    head = AuditEvent.objects.order_by("-sequence").only("sequence", "hash").first()
    sequence = head.sequence + 1 if head else 1
    prev_hash = head.hash if head else GENESIS_HASH
    occurred_at = timezone.now()
    correlation_id = str(current_correlation_id())
    actor_role = actor.role if actor is not None else "system"
    data_hash = data_digest(payload)
    digest = event_digest(
        prev_hash=prev_hash,
        sequence=sequence,
        occurred_at=occurred_at.isoformat(),
        actor_id=actor.pk if actor else None,
        actor_role=actor_role,
        action=action,
        object_type=object_type,
        object_id=object_id,
        subject_id=subject.pk if subject else None,
        correlation_id=correlation_id,
        data_hash=data_hash,
    )
    return AuditEvent.objects.create(
        sequence=sequence,
        occurred_at=occurred_at,
        actor=actor,
        actor_role=actor_role,
        action=action,
        object_type=object_type,
        object_id=object_id,
        subject=subject,
        correlation_id=correlation_id,
        data=payload,
        data_hash=data_hash,
        prev_hash=prev_hash,
        hash=digest,
    )


@transaction.atomic
def audit_chain_verify() -> ChainCheck:
    """Recompute the whole chain from the stored rows; name the first broken row."""
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
    return verify_chain(events)
