"""Retention, with time travel: expired recordings, transcripts and audit payloads leave; open appeals hold theirs;
the audit chain still verifies afterwards."""

import datetime as dt

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import timezone

from reviews.models import Alert, Appeal, AuditEvent, Call, CriticalError, Evaluation
from reviews.services.alerts import alert_decide, alert_view_evidence
from reviews.services.appeal_decisions import ItemDecision, appeal_decide
from reviews.services.appeals import appeal_start_review, appeal_submit
from reviews.services.audit import audit_chain_verify
from reviews.services.call_imports import call_import_create
from reviews.services.retention import retention_apply
from tests.conftest import small_wav
from tests.factories import CallFactory
from tests.helpers import active_rule, assignee_of, run_scoring_inline, scored_call

pytestmark = pytest.mark.django_db


def call_with_recording(**kwargs) -> Call:
    call = CallFactory.create(
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
    assert counts == {
        "recordings": 1,
        "transcripts": 1,
        "evaluations": 0,
        "critical_errors": 0,
        "audit_payloads": 1,
        "calibration_sessions": 0,
        "calls": 0,
        "notifications": 0,
        "leavers": 0,
    }

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
        assert retention_apply(now=now) == dict.fromkeys(counts, 0)
    assert audit_chain_verify().ok


def test_expired_evaluations_leave_with_their_errors_appeals_and_evidence_links_but_held_ones_stay(
    world, published_version
):
    """26 months on: what is older than 24 months goes in order; open appeals and undecided alerts hold theirs."""
    now = timezone.now()
    long_ago = now - dt.timedelta(days=800)
    active_rule(qa_lead=world.qa_lead, council=world.council, at=long_ago - dt.timedelta(days=30), n=1, window_days=30)

    def old_scored(agent, days_after=0):
        with time_machine.travel(long_ago + dt.timedelta(days=days_after), tick=False):
            return scored_call(
                reviewer=world.supervisor, agent=agent, version=published_version, started_at=timezone.now()
            )

    with time_machine.travel(long_ago, tick=False):
        decided = scored_call(
            reviewer=world.supervisor, agent=world.agent, version=published_version, started_at=long_ago
        )
        run_scoring_inline()
        alert = Alert.objects.get(agent=world.agent)
        alert_view_evidence(alert=alert, acting_user=world.qa_lead)
        alert_decide(
            alert=alert,
            decision="dismiss",
            rationale="Teruggeluisterd; het signaal was gemeld.",
            acting_user=world.qa_lead,
        )
    with time_machine.travel(long_ago + dt.timedelta(days=1), tick=False):
        revised = scored_call(
            reviewer=world.supervisor, agent=world.agent, version=published_version, started_at=timezone.now()
        )
        appeal = appeal_submit(
            evaluation=revised,
            reason="Ik ben het niet eens met dit oordeel.",
            whole_evaluation=True,
            acting_user=world.agent,
        )
        appeal = appeal_start_review(appeal=appeal, acting_user=assignee_of(appeal))
        appeal_decide(
            appeal=appeal,
            decisions=[  # the error overturned and one answer corrected: a new revision
                ItemDecision(
                    item_id=i.pk,
                    overturned=n == 1 or i.kind == "critical_error",
                    rationale="Beoordeeld.",
                    corrected_points=2 if n == 1 else None,
                )
                for n, i in enumerate(appeal.items.order_by("kind", "pk"))
            ],
            rationale="Opname teruggeluisterd; er werd geen signaal genoemd.",
            acting_user=assignee_of(appeal),
        )
    revisions = set(Evaluation.objects.filter(call=revised.call).values_list("pk", flat=True))
    assert len(revisions) == 2
    under_appeal = old_scored(world.colleague, days_after=2)
    with time_machine.travel(long_ago + dt.timedelta(days=2), tick=False):
        appeal_submit(
            evaluation=under_appeal,
            reason="Dit klopt niet, luister opnieuw.",
            whole_evaluation=True,
            acting_user=world.colleague,
        )
    open_alert_evidence = old_scored(world.other_agent, days_after=3)
    with time_machine.travel(long_ago + dt.timedelta(days=3), tick=False):
        run_scoring_inline()
    assert Alert.objects.get(agent=world.other_agent).status == "open"
    recent = scored_call(
        reviewer=world.supervisor, agent=world.agent, version=published_version, started_at=now - dt.timedelta(days=100)
    )

    counts = retention_apply(now=now)
    assert (counts["evaluations"], counts["critical_errors"]) == (3, 2)  # decided + 2 revisions; their 2 errors

    remaining = set(Evaluation.objects.values_list("pk", flat=True))
    assert not remaining & ({decided.pk} | revisions)
    assert {under_appeal.pk, open_alert_evidence.pk, recent.pk} <= remaining
    assert not CriticalError.objects.filter(evaluation_id__in={decided.pk} | revisions).exists()
    assert not Appeal.objects.filter(pk=appeal.pk).exists()
    assert Appeal.objects.filter(evaluation=under_appeal, status="submitted").exists()
    alert.refresh_from_db()  # the decision stays, its evidence is gone and counted
    assert (alert.status, alert.decision, alert.evidence.count(), alert.evidence_expired) == (
        "dismissed",
        "dismissed",
        0,
        1,
    )
    assert Alert.objects.get(agent=world.other_agent).evidence.count() == 1
    expired = AuditEvent.objects.get(action="reviews.alert.evidence_expired")
    assert (expired.object_id, expired.subject_id, expired.data) == (
        str(alert.pk),
        world.agent.pk,
        {"removed": 1, "days": 730},
    )
    event = AuditEvent.objects.get(action="reviews.retention.applied", object_id="evaluations")
    assert event.data == {
        "removed": 3,
        "days": 730,
        "held_by_open_appeals": 1,
        "appeals": 1,
        "alert_evidence_links": 1,
        "held_by_open_alerts": 1,
    }
    assert AuditEvent.objects.get(action="reviews.retention.applied", object_id="critical_errors").data["removed"] == 2
    assert audit_chain_verify().ok
    assert retention_apply(now=now)["evaluations"] == 0


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


def test_calls_notifications_calibration_sessions_and_leavers_leave_after_their_periods(world, published_version):
    """Time travel: a year and more later, what has been kept long enough goes, class by class, audited."""
    from reviews.models import CalibrationSession, Notification, ReviewAssignment
    from reviews.services.calibration import calibration_score, calibration_session_close, calibration_session_create
    from reviews.services.evaluations import AnswerInput
    from tests.conftest import criteria_of
    from tests.factories import UserFactory

    start = timezone.now()
    leaver = UserFactory.create(username="vertrekker", team=world.agent.team, first_name="Lotte", last_name="Laan")
    leaver.employee_number, leaver.email = "E9999", "lotte@example.org"
    leaver.save()
    with time_machine.travel(start, tick=False):
        old = scored_call(reviewer=world.supervisor, agent=leaver, version=published_version, started_at=start)
        session = calibration_session_create(
            call=CallFactory.create(agent=world.agent, started_at=start),
            scorecard_version=published_version,
            title="Kalibratie januari",
            participants=[world.supervisor, world.other_supervisor],
            acting_user=world.qa_lead,
        )
        answers = [AnswerInput(criterion_id=c.pk, points=1) for c in criteria_of(published_version)]
        for participant in (world.supervisor, world.other_supervisor):
            calibration_score(session=session, answers=answers, acting_user=participant)
        calibration_session_close(session=session, acting_user=world.qa_lead)
        Notification.objects.create(
            recipient=world.agent, kind="appeal_decided", params={}, object_type="x", object_id="1"
        )
    leaver.is_active = False  # left the organisation
    leaver.save(update_fields=["is_active"])
    recent = CallFactory.create(agent=world.agent, started_at=start + dt.timedelta(days=700))

    # After 400 days only the notification has had its time; the leaver's evaluation still stands.
    later = start + dt.timedelta(days=400)
    with time_machine.travel(later, tick=False):
        counts = retention_apply(now=later)
    assert (counts["notifications"], counts["calls"], counts["calibration_sessions"], counts["leavers"]) == (1, 0, 0, 0)
    leaver.refresh_from_db()
    assert leaver.last_name == "Laan"

    # After 731 days the evaluation goes, then its call (metadata), the closed session as a whole, and the
    # leaver's personal data; what stays points at their pseudonym.
    much_later = start + dt.timedelta(days=731)
    with time_machine.travel(much_later, tick=False):
        counts = retention_apply(now=much_later)
    assert (counts["evaluations"], counts["calls"], counts["calibration_sessions"], counts["leavers"]) == (1, 2, 1, 1)
    assert not Call.objects.filter(pk=old.call_id).exists() and Call.objects.filter(pk=recent.pk).exists()
    assert not CalibrationSession.objects.exists() and not ReviewAssignment.objects.filter(call_id=old.call_id).exists()
    leaver.refresh_from_db()
    assert (leaver.first_name, leaver.last_name, leaver.email, leaver.employee_number) == ("", "", "", "")
    assert leaver.username == leaver.pseudonym and not leaver.has_usable_password()
    assert leaver.personal_data_erased_at is not None
    applied = {
        e.object_id: e.data["removed"]
        for e in AuditEvent.objects.filter(action="reviews.retention.applied").order_by("sequence")
    }
    assert applied["leavers"] == 1 and applied["calls"] == 2
    assert audit_chain_verify().ok
    # Active people keep their names, whatever their age in the tool.
    world.agent.refresh_from_db()
    assert world.agent.personal_data_erased_at is None and world.agent.last_name
