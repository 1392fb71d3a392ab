import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test.utils import CaptureQueriesContext

from reviews.domain.errors import Conflict
from reviews.models import AuditEvent
from reviews.services.audit import audit_chain_verify, audit_record
from reviews.services.scorecards import scorecard_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(world):
    for name in ["A", "B", "C", "D"]:
        scorecard_create(name=f"Scorecard {name}", acting_user=world.qa_lead)
    return list(AuditEvent.objects.order_by("sequence"))


def test_services_build_one_unbroken_chain(chain, capsys):
    assert [e.sequence for e in chain] == [1, 2, 3, 4]
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(chain))
    call_command("verify_audit_log")
    out = capsys.readouterr().out
    assert f"4 events; head #4 hash {chain[-1].hash}" in out


@pytest.mark.parametrize("statement", ["UPDATE reviews_auditevent SET action = 'x'", "DELETE FROM reviews_auditevent"])
def test_the_database_refuses_to_change_or_delete_audit_events(chain, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.count() == 4


def test_tampering_that_bypasses_the_trigger_is_detected(chain):
    with connection.cursor() as cursor:
        # A superuser can switch triggers off for the session; the hash chain still catches the edit.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE reviews_auditevent SET data = %s WHERE sequence = 3", ['{"name": "Scorecard forged"}'])
        cursor.execute("SET session_replication_role = DEFAULT")
    result = audit_chain_verify()
    assert not result.ok
    assert result.first_broken_sequence == 3
    with pytest.raises(CommandError, match="broken at sequence 3"):
        call_command("verify_audit_log")


def test_a_deleted_row_is_detected(chain):
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM reviews_auditevent WHERE sequence = 2")
        cursor.execute("SET session_replication_role = DEFAULT")
    result = audit_chain_verify()
    assert result.first_broken_sequence == 3


@pytest.mark.django_db(transaction=True)
def test_audit_events_are_written_only_inside_the_change_transaction(world):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(actor=None, action="reviews.test", object_type="x", object_id="1")


def test_a_failed_change_leaves_no_audit_event(world):
    scorecard_create(name="Dup", acting_user=world.qa_lead)
    with pytest.raises(Conflict):
        scorecard_create(name="Dup", acting_user=world.qa_lead)
    assert AuditEvent.objects.count() == 1


def test_an_action_outside_the_registry_is_refused_and_nothing_is_written(db):
    from django.db import transaction

    from reviews.models import AuditEvent
    from reviews.services.audit import audit_record

    before = AuditEvent.objects.count()
    with pytest.raises(ValueError, match="Not in the AuditAction registry"), transaction.atomic():
        audit_record(actor=None, action="reviews.alert.made_up", object_type="x", object_id="1")
    assert AuditEvent.objects.count() == before


def test_a_large_batch_is_copied_into_the_same_chain_with_the_same_rows(world):
    """From COPY_FROM events on, PostgreSQL gets them with COPY; the rows are what the ORM writes."""
    from reviews.models import AuditAction
    from reviews.services.audit import COPY_FROM, PendingEvent, audit_record_many

    def batch(n: int, tag: str) -> list[PendingEvent]:
        return [
            PendingEvent(
                actor=world.qa_lead if i % 2 else None,
                action=AuditAction.ALERT_OPENED,
                object_type="reviews.alert",
                object_id=str(i),
                subject=world.agent if i % 3 else None,
                data={"evidence": [i, i + 1], "note": f"{tag} 'één' \\ tab\t", "ratio": 0.5, "none": None},
            )
            for i in range(n)
        ]

    def inserts() -> int:  # the statements Django ran; a COPY is not one of them
        return sum('INSERT INTO "reviews_auditevent"' in q["sql"] for q in captured.captured_queries)

    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        audit_record_many(batch(COPY_FROM - 1, "orm"))
    assert inserts() == 1  # below COPY_FROM: one INSERT through the ORM
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        audit_record_many(batch(COPY_FROM + 5, "copy"))
    assert inserts() == 0  # from COPY_FROM on: copied
    assert audit_chain_verify().ok
    fields = ["actor_id", "actor_role", "action", "object_type", "object_id", "subject_id", "data"]
    orm = list(AuditEvent.objects.filter(data__note__startswith="orm").order_by("sequence").values(*fields))
    copied = list(AuditEvent.objects.filter(data__note__startswith="copy").order_by("sequence").values(*fields))
    assert len(orm) == COPY_FROM - 1 and len(copied) == COPY_FROM + 5
    for a, b in zip(orm, copied, strict=False):
        assert {**a, "data": {**a["data"], "note": ""}} == {**b, "data": {**b["data"], "note": ""}}
    assert copied[0]["data"] == {"evidence": [0, 1], "note": "copy 'één' \\ tab\t", "ratio": 0.5, "none": None}
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, len(sequences) + 1))
