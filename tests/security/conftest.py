"""The security tests' scene: one of everything, belonging to alice (team A) where it belongs to anybody."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Team
from reviews.models import (
    AgentScore,
    Alert,
    ConfirmationTask,
    CriticalError,
    ReviewAssignment,
    RootCause,
    SelfEvaluation,
)
from reviews.services.alerts import alert_view_evidence
from reviews.services.appeals import appeal_start_review, appeal_submit
from reviews.services.calibration import calibration_session_create
from reviews.services.call_imports import call_import_create
from reviews.services.coaching import coaching_plan_open
from reviews.services.screening_lists import (
    ScreeningTerms,
    screening_list_create,
    screening_version_activate,
    screening_version_decide_consent,
    screening_version_propose,
)
from tests.conftest import small_wav
from tests.factories import CallFactory
from tests.helpers import active_rule, run_scoring_inline, scored_call


@dataclass
class Scene:
    ids: dict[str, int]
    appeal_items: list[int]


@pytest.fixture
def scene(world, published_version, settings, tmp_path) -> Scene:
    """One of everything, belonging to alice (team A) where it belongs to anybody."""
    settings.MEDIA_ROOT = tmp_path
    now = timezone.now()
    rule_version = active_rule(qa_lead=world.qa_lead, council=world.council, n=1, at=now - dt.timedelta(days=5))
    evaluation = scored_call(
        reviewer=world.supervisor, agent=world.agent, version=published_version, started_at=now - dt.timedelta(days=1)
    )
    call = evaluation.call
    call.recording_content_type = "audio/wav"
    call.recording.save("call.wav", ContentFile(small_wav()), save=True)
    error = CriticalError.objects.get(evaluation=evaluation)
    run = run_scoring_inline()
    alert = Alert.objects.get(agent=world.agent)
    alert_view_evidence(alert=alert, acting_user=world.qa_lead)
    appeal = appeal_submit(
        evaluation=evaluation,
        reason="Ik ben het hier niet mee eens, luister de opname terug.",
        critical_error_ids=[error.pk],
        acting_user=world.agent,
    )
    # Under review by its assignee (the other team's supervisor), so a decision reaches the
    # rule about who decides rather than stopping at the appeal's state.
    appeal = appeal_start_review(appeal=appeal, acting_user=world.other_supervisor)
    # A second opinion on alice's error, asked of the other team's supervisor.
    plan = coaching_plan_open(agent=world.agent, goals="Signalen melden.", acting_user=world.supervisor)
    confirmation = ConfirmationTask.objects.create(
        critical_error=error, first_reviewer=world.supervisor, assignee=world.other_supervisor, due_on=now.date()
    )
    self_evaluation = SelfEvaluation.objects.create(
        evaluation=evaluation, agent=world.agent, invited_at=now, open_until=now + dt.timedelta(days=3)
    )
    session = calibration_session_create(
        call=CallFactory.create(agent=world.agent),
        scorecard_version=published_version,
        title="Kalibratie",
        participants=[world.supervisor, world.qa_lead],
        acting_user=world.qa_lead,
    )
    call_import = call_import_create(file_name="x.csv", source="t", fmt="csv", total_bytes=1, acting_user=None)
    from tests.api.test_sampling_api import drawn

    screening = screening_list_create(
        name="Signalen",
        terms=ScreeningTerms(purpose="Mogelijke signalen.", phrases=("zwart werk",)),
        acting_user=world.qa_lead,
    ).versions.get()
    screening_version_propose(version=screening, acting_user=world.qa_lead)
    screening_version_decide_consent(
        version=screening, decision="granted", reference="OR-1", population="Iedereen", acting_user=world.council
    )
    screening_version_activate(version=screening, acting_user=world.qa_lead)
    policy, sampling_run, _ = drawn(world, name="Matrix")
    assignment = ReviewAssignment.objects.filter(agent=world.agent).first()
    section = published_version.sections.first()
    return Scene(
        ids={
            "call": call.pk,
            "evaluation": evaluation.pk,
            "error": error.pk,
            "alert": alert.pk,
            "appeal": appeal.pk,
            "rule": rule_version.rule_id,
            "rule_version": rule_version.pk,
            "scoring_run": run.pk,
            "agent_score": AgentScore.objects.filter(agent=world.agent).values_list("pk", flat=True)[0],
            "calibration": session.pk,
            "call_import": call_import.pk,
            "policy": policy.pk,
            "sampling_run": sampling_run.pk,
            "assignment": assignment.pk,
            "scorecard": published_version.scorecard_id,
            "scorecard_version": published_version.pk,
            "section": section.pk,
            "criterion": section.criteria.first().pk,
            "error_type": error.type_id,
            "team": Team.objects.get(name="Team A").pk,
            "user": world.agent.pk,
            "root_cause": RootCause.objects.get(code="KNOWLEDGE_GAP", is_active=True).pk,
            "confirmation": confirmation.pk,
            "coaching_plan": plan.pk,
            "self_evaluation": self_evaluation.pk,
            "screening_list": screening.screening_list_id,
            "screening_version": screening.pk,
        },
        appeal_items=list(appeal.items.values_list("pk", flat=True)),
    )
