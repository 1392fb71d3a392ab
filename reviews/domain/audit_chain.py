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
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

HASH_PATTERN = re.compile(r"[0-9a-f]{64}")
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
        elif event.payload_erased and event.data not in ({}, None):
            reason = "it is marked erased but still holds a payload"
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


@dataclass(frozen=True)
class Checkpoint:
    """A head of the chain kept outside the database (minutes, e-mail, a signed file): sequence and hash."""

    sequence: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """'1234:3fa9…' (sequence, colon, the 64-character hash), as verification reports and files carry it."""
        sequence_text, _, hash_text = text.strip().partition(":")
        if not sequence_text.isdigit() or int(sequence_text) < 1 or not HASH_PATTERN.fullmatch(hash_text):
            raise ValueError("a checkpoint is written SEQUENCE:HASH, e.g. 1234:3fa9… with the 64-character hash")
        return cls(sequence=int(sequence_text), hash=hash_text)

    def __str__(self) -> str:
        return f"{self.sequence}:{self.hash}"


def checkpoint_problem(*, head_sequence: int, hash_at_checkpoint: str | None, checkpoint: Checkpoint) -> str:
    """Why a chain that verifies on its own contradicts a kept checkpoint; empty when it agrees.

    A chain cannot notice that its newest rows were removed (or the table emptied): only a head kept
    elsewhere can. Rows after the checkpoint are fine: the log grows.
    """
    if head_sequence < checkpoint.sequence:
        return (
            f"the chain ends at #{head_sequence}, but the checkpoint names #{checkpoint.sequence}: "
            "events were removed from its end"
        )
    if hash_at_checkpoint != checkpoint.hash:
        return f"event #{checkpoint.sequence} no longer has the checkpoint's hash: history up to it was rewritten"
    return ""
