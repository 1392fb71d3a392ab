"""Tampering with the audit trail, each way an attacker with database access might try: detected or refused.

"With the triggers bypassed" means ``session_replication_role = replica`` (a superuser's or the table
owner's power, which the application's role does not need); the checkpoint is what catches it then.
"""

import datetime as dt
import json
import os

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from reviews.domain.audit_chain import Checkpoint
from reviews.models import AuditEvent
from reviews.services.audit import audit_chain_verify
from reviews.services.audit_checkpoints import audit_checkpoint_current, audit_checkpoint_read, audit_checkpoint_write
from reviews.services.call_imports import call_import_create
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def add_events(count: int) -> None:
    for number in range(count):
        call_import_create(file_name=f"{number}.csv", source="t", fmt="csv", total_bytes=1, acting_user=None)


def with_triggers_bypassed(sql: str, params: list[int | str] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params or [])
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def test_a_payload_forged_under_the_erased_mark_is_detected(world) -> None:
    add_events(3)
    target = AuditEvent.objects.order_by("sequence")[1]
    with_triggers_bypassed(
        "UPDATE reviews_auditevent SET payload_erased = true, data = %s WHERE id = %s",
        [json.dumps({"file_name": "forged.csv"}), target.pk],
    )
    result = audit_chain_verify()
    assert not result.ok
    assert (result.first_broken_sequence, result.reason) == (
        target.sequence,
        "it is marked erased but still holds a payload",
    )


def test_a_payload_is_erased_only_when_its_retention_has_passed(world) -> None:
    with time_machine.travel(timezone.now() - dt.timedelta(days=8 * 365), tick=False):
        add_events(1)
    add_events(1)
    old, recent = AuditEvent.objects.order_by("sequence")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=recent.pk).update(payload_erased=True, data={})
    # Past its retention, emptying it (and nothing else) is the one change allowed.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=old.pk).update(payload_erased=True, data={"kept": "something"})
    AuditEvent.objects.filter(pk=old.pk).update(payload_erased=True, data={})
    assert audit_chain_verify().ok


def test_removing_the_newest_events_is_caught_by_a_kept_checkpoint(world) -> None:
    add_events(4)
    kept = audit_checkpoint_current()
    assert kept is not None
    with_triggers_bypassed("DELETE FROM reviews_auditevent WHERE sequence > %s", [kept.sequence - 2])
    # What is left links up: without a checkpoint nothing can tell.
    assert audit_chain_verify().ok
    result = audit_chain_verify(expect=kept)
    assert not result.ok
    assert result.reason == (
        f"the chain ends at #{kept.sequence - 2}, but the checkpoint names #{kept.sequence}: "
        "events were removed from its end"
    )
    with pytest.raises(CommandError, match="events were removed from its end"):
        call_command("verify_audit_log", "--expect", str(kept))
    answer = client_for(world.council).get("/api/v1/audit/verify/", {"expect": str(kept)}).json()
    assert answer["ok"] is False and "removed from its end" in answer["reason"]


def test_a_rewritten_tail_is_caught_by_a_kept_checkpoint(world) -> None:
    add_events(3)
    kept = audit_checkpoint_current()
    assert kept is not None
    with_triggers_bypassed("DELETE FROM reviews_auditevent WHERE sequence = %s", [kept.sequence])
    add_events(1)  # a new, well-linked event takes the removed one's place
    assert audit_chain_verify().ok
    result = audit_chain_verify(expect=kept)
    assert not result.ok and "no longer has the checkpoint's hash" in result.reason


def test_truncate_is_refused_for_the_application_role_and_caught_for_anyone_else(world) -> None:
    add_events(2)
    kept = audit_checkpoint_current()
    role = f"qa_review_app_{os.getpid()}"
    with connection.cursor() as cursor:
        # Run the deferred foreign-key checks of the inserts above now: TRUNCATE waits for none.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f'CREATE ROLE "{role}" NOSUPERUSER')
        cursor.execute(f'GRANT ALL ON reviews_auditevent TO "{role}"')
        with pytest.raises(DatabaseError, match="TRUNCATE is not allowed"), transaction.atomic():
            cursor.execute(f'SET LOCAL ROLE "{role}"')
            cursor.execute("TRUNCATE reviews_auditevent")
        # A superuser can still empty the table: the old verification said "OK: 0 events".
        cursor.execute("TRUNCATE reviews_auditevent")
    assert audit_chain_verify().ok and audit_chain_verify().checked == 0
    result = audit_chain_verify(expect=kept)
    assert not result.ok and result.reason.startswith("the chain ends at #0")


def test_a_signed_checkpoint_file_is_kept_and_an_altered_one_refused(world, tmp_path) -> None:
    add_events(2)
    path = audit_checkpoint_write(directory=tmp_path)
    assert path is not None
    assert audit_checkpoint_read(path) == audit_checkpoint_current()
    call_command("verify_audit_log", "--expect-file", str(path))
    content = json.loads(path.read_text())
    content["checkpoint"] = "1:" + "0" * 64
    path.write_text(json.dumps(content))
    with pytest.raises(ValueError, match="differs from the one signed"):
        audit_checkpoint_read(path)
    with pytest.raises(CommandError):
        call_command("verify_audit_log", "--expect-file", str(path))


def test_a_malformed_checkpoint_is_a_400_with_the_form_it_takes(world) -> None:
    response = client_for(world.council).get("/api/v1/audit/verify/", {"expect": "12:nothex"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_checkpoint"
    assert "Een controlepunt schrijft u als VOLGNUMMER:HASH" in response.json()["detail"]


def test_the_daily_checkpoint_is_mailed_to_the_works_council_and_says_nothing_about_anyone(world, settings) -> None:
    from django.core import mail

    from reviews.tasks import audit_checkpoint_publish
    from tests.factories import UserFactory

    add_events(2)
    UserFactory.create(username="or_zonder_mail", role="works_council", email="")
    UserFactory.create(username="or_vertrokken", role="works_council", is_active=False)
    settings.AUDIT_CHECKPOINT_DIR = ""
    settings.AUDIT_CHECKPOINT_EMAIL = False
    audit_checkpoint_publish()
    assert mail.outbox == []  # off by default

    settings.AUDIT_CHECKPOINT_EMAIL = True
    audit_checkpoint_publish()
    kept = audit_checkpoint_current()
    assert kept is not None
    assert [m.to for m in mail.outbox] == [[world.council.email]]
    (message,) = mail.outbox
    assert str(kept) in message.body and f"#{kept.sequence}" in message.subject
    assert "Bewaar deze regel buiten qa_review" in message.body  # in the installation's language
    for person in (world.agent, world.colleague, world.supervisor):
        assert person.last_name not in message.body and person.username not in message.body
    # The mailed line is what verification takes: it matches today's log.
    assert audit_chain_verify(expect=Checkpoint.parse(str(kept))).ok
