"""Retention, with time travel: expired recordings, transcripts and audit payloads leave; open appeals hold theirs;
the audit chain still verifies afterwards."""

import datetime as dt

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import timezone

from reviews.models import AuditEvent, Call
from reviews.services.appeals import appeal_submit
from reviews.services.audit import audit_chain_verify
from reviews.services.call_imports import call_import_create
from reviews.services.retention import retention_apply
from tests.conftest import small_wav
from tests.factories import CallFactory
from tests.helpers import scored_call

pytestmark = pytest.mark.django_db


def call_with_recording(**kwargs) -> Call:
    call = CallFactory(
        transcript="Beller: ik werk ook nog bij mijn zwager.", recording_content_type="audio/wav", **kwargs
    )
    call.recording.save("call.wav", ContentFile(small_wav()), save=True)
    return call


def test_expired_data_leaves_held_data_stays_and_the_chain_still_verifies(
    world, published_version, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(days=8 * 365), tick=False):
        old_import = call_import_create(file_name="2018.csv", source="t", fmt="csv", total_bytes=1, acting_user=None)
    old_event = AuditEvent.objects.get(action="reviews.call_import.created", object_id=str(old_import.pk))
    old_hash, old_digest = old_event.hash, old_event.data_hash

    expired = call_with_recording(agent=world.agent, started_at=now - dt.timedelta(days=200))
    recent = call_with_recording(agent=world.agent, started_at=now - dt.timedelta(days=10))
    appealed = scored_call(
        reviewer=world.supervisor, agent=world.agent, version=published_version, started_at=now - dt.timedelta(days=200)
    )
    held = appealed.call
    held.transcript = "Wordt nog beoordeeld in beroep."
    held.recording_content_type = "audio/wav"
    held.recording.save("held.wav", ContentFile(small_wav()), save=True)
    appeal_submit(
        evaluation=appealed, reason="Ik ben het hier niet mee eens.", whole_evaluation=True, acting_user=world.agent
    )
    expired_file = tmp_path / expired.recording.name

    with django_capture_on_commit_callbacks(execute=True):
        counts = retention_apply(now=now)
    assert counts == {"recordings": 1, "transcripts": 1, "audit_payloads": 1}

    expired.refresh_from_db()
    assert (expired.recording.name, expired.transcript) == ("", "")
    assert not expired_file.exists()
    for kept in (recent, held):
        kept.refresh_from_db()
        assert kept.recording and kept.transcript and (tmp_path / kept.recording.name).exists()

    old_event.refresh_from_db()
    assert (old_event.data, old_event.payload_erased) == ({}, True)
    assert (old_event.hash, old_event.data_hash) == (old_hash, old_digest)
    assert audit_chain_verify().ok
    applied = {e.object_id: e.data["removed"] for e in AuditEvent.objects.filter(action="reviews.retention.applied")}
    assert applied == counts

    # Idempotent: a second run removes nothing more, and says so.
    with django_capture_on_commit_callbacks(execute=True):
        assert retention_apply(now=now) == {"recordings": 0, "transcripts": 0, "audit_payloads": 0}
    assert audit_chain_verify().ok


def test_the_audit_log_still_refuses_any_other_change(world):
    call_import_create(file_name="x.csv", source="t", fmt="csv", total_bytes=1, acting_user=None)
    event = AuditEvent.objects.order_by("-sequence").first()
    for change in ({"action": "forged"}, {"data": {"forged": True}}, {"payload_erased": True, "action": "forged"}):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(**change)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.action == "reviews.call_import.created" and not event.payload_erased
