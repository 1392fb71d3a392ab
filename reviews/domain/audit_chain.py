"""The audit log's hash chain.

Each event's hash is SHA-256 over the previous event's hash and the event's
canonical content. The payload enters through its own digest (``data_hash``),
so a payload can later be erased for retention while the chain still verifies.
Changing any stored field, deleting a row or reordering rows breaks the chain
from that row on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class ChainedEvent:
    sequence: int
    occurred_at: str  # ISO 8601, UTC
    actor_id: int | None
    actor_role: str
    action: str
    object_type: str
    object_id: str
    subject_id: int | None
    correlation_id: str
    data_hash: str
    prev_hash: str
    hash: str
    data: Any = None
    # Retention may erase a payload; its digest stays, so the chain still verifies.
    payload_erased: bool = False


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    checked: int
    head_sequence: int | None
    head_hash: str
    first_broken_sequence: int | None = None
    reason: str = ""


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def data_digest(data: Any) -> str:
    return hashlib.sha256(canonical_json(data).encode()).hexdigest()


def event_digest(
    *,
    prev_hash: str,
    sequence: int,
    occurred_at: str,
    actor_id: int | None,
    actor_role: str,
    action: str,
    object_type: str,
    object_id: str,
    subject_id: int | None,
    correlation_id: str,
    data_hash: str,
) -> str:
    content = canonical_json(
        {
            "sequence": sequence,
            "occurred_at": occurred_at,
            "actor_id": actor_id,
            "actor_role": actor_role,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "subject_id": subject_id,
            "correlation_id": correlation_id,
            "data_hash": data_hash,
        }
    )
    return hashlib.sha256((prev_hash + content).encode()).hexdigest()


def verify_chain(events: Iterable[ChainedEvent]) -> ChainCheck:
    """Walk events in sequence order; report the first row whose link or hash is wrong."""
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    head: ChainedEvent | None = None
    for event in events:
        if event.sequence != expected_sequence:
            return ChainCheck(
                ok=False,
                checked=checked,
                head_sequence=head.sequence if head else None,
                head_hash=head.hash if head else GENESIS_HASH,
                first_broken_sequence=event.sequence,
                reason=f"expected sequence {expected_sequence}, found {event.sequence} (a row is missing)",
            )
        if event.prev_hash != expected_prev:
            reason = "its link to the previous row does not match"
        elif (
            event_digest(
                prev_hash=event.prev_hash,
                sequence=event.sequence,
                occurred_at=event.occurred_at,
                actor_id=event.actor_id,
                actor_role=event.actor_role,
                action=event.action,
                object_type=event.object_type,
                object_id=event.object_id,
                subject_id=event.subject_id,
                correlation_id=event.correlation_id,
                data_hash=event.data_hash,
            )
            != event.hash
        ):
            reason = "its content does not match its hash"
        elif not event.payload_erased and data_digest(event.data) != event.data_hash:
            reason = "its payload does not match its payload digest"
        else:
            reason = ""
        if reason:
            return ChainCheck(
                ok=False,
                checked=checked,
                head_sequence=head.sequence if head else None,
                head_hash=head.hash if head else GENESIS_HASH,
                first_broken_sequence=event.sequence,
                reason=reason,
            )
        checked += 1
        head = event
        expected_prev = event.hash
        expected_sequence += 1
    return ChainCheck(
        ok=True,
        checked=checked,
        head_sequence=head.sequence if head else None,
        head_hash=head.hash if head else GENESIS_HASH,
    )
