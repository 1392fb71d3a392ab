import dataclasses
from typing import Any

from reviews.domain.audit_chain import GENESIS_HASH, ChainedEvent, data_digest, event_digest, verify_chain


def build_chain(n: int) -> list[ChainedEvent]:
    events = []
    prev = GENESIS_HASH
    for seq in range(1, n + 1):
        data = {"n": seq, "note": "ë"}
        fields: dict[str, Any] = dict(
            sequence=seq,
            occurred_at=f"2026-11-0{1 + seq % 9}T10:00:00+00:00",
            actor_id=seq % 3 or None,
            actor_role="supervisor",
            action="reviews.evaluation.submitted",
            object_type="reviews.evaluation",
            object_id=str(seq),
            subject_id=7,
            correlation_id="00000000-0000-0000-0000-000000000001",
            data_hash=data_digest(data),
        )
        digest = event_digest(prev_hash=prev, **fields)
        events.append(ChainedEvent(prev_hash=prev, hash=digest, data=data, **fields))
        prev = digest
    return events


def test_an_untouched_chain_verifies_and_reports_its_head():
    chain = build_chain(5)
    result = verify_chain(chain)
    assert result.ok and result.checked == 5
    assert (result.head_sequence, result.head_hash) == (5, chain[-1].hash)


def test_an_empty_chain_verifies():
    result = verify_chain([])
    assert result.ok and result.head_hash == GENESIS_HASH


def test_changing_any_field_breaks_the_chain_at_that_row():
    for field in ["occurred_at", "actor_role", "action", "object_id", "correlation_id", "data_hash"]:
        chain = build_chain(5)
        changes: dict[str, Any] = {field: "tampered"}
        chain[2] = dataclasses.replace(chain[2], **changes)
        result = verify_chain(chain)
        assert not result.ok and result.first_broken_sequence == 3, field


def test_changing_the_payload_breaks_the_chain():
    chain = build_chain(3)
    chain[1] = dataclasses.replace(chain[1], data={"n": 99})
    result = verify_chain(chain)
    assert result.first_broken_sequence == 2
    assert "payload" in result.reason


def test_an_erased_payload_still_verifies_through_its_digest():
    chain = build_chain(3)
    chain[1] = dataclasses.replace(chain[1], data={}, payload_erased=True)
    assert verify_chain(chain).ok


def test_a_deleted_row_is_detected():
    chain = build_chain(4)
    del chain[1]
    result = verify_chain(chain)
    assert result.first_broken_sequence == 3 and "missing" in result.reason


def test_a_rehashed_row_breaks_the_link_of_the_next():
    chain = build_chain(4)
    forged = dataclasses.replace(chain[1], action="forged")
    fields = {f.name: getattr(forged, f.name) for f in dataclasses.fields(forged)}
    for key in ("prev_hash", "hash", "data", "payload_erased"):
        fields.pop(key)
    chain[1] = dataclasses.replace(forged, hash=event_digest(prev_hash=forged.prev_hash, **fields))
    result = verify_chain(chain)
    assert result.first_broken_sequence == 3
