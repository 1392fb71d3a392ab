"""Scoring runs, sampling runs and call imports share one lifecycle: one progress figure, one way to fail."""

import pytest
from django.utils import timezone

from reviews.domain.periods import previous_month
from reviews.models import AuditEvent, CallImport, RunStatus, SamplingRun, ScoringRun
from reviews.services.call_imports import call_import_create, call_import_fail
from reviews.services.sampling import sampling_policy_create, sampling_run_create, sampling_run_fail
from reviews.services.scoring import scoring_run_create, scoring_run_fail

pytestmark = pytest.mark.django_db


@pytest.fixture
def runs(world):
    scoring = scoring_run_create(trigger="command", acting_user=None, enqueue=False)
    policy = sampling_policy_create(
        acting_user=world.qa_lead,
        name="Vier per maand",
        calls_per_agent=4,
        per_agent_cap=5,
        channels=["phone"],
        min_handle_seconds=60,
        max_handle_seconds=3600,
        seed=7,
    )
    sampling = sampling_run_create(
        policy=policy, period=previous_month(timezone.localdate()), trigger="manual", acting_user=None, enqueue=False
    )
    call_import = call_import_create(
        file_name="oktober.csv", source="telephony", fmt="csv", total_bytes=1000, acting_user=None
    )
    return {
        "reviews.scoring_run.failed": (scoring, scoring_run_fail, {}),
        "reviews.sampling_run.failed": (sampling, sampling_run_fail, {}),
        "reviews.call_import.failed": (call_import, call_import_fail, {"key": "import_id"}),
    }


def fail(service, run, key: str, error: str) -> None:
    service(**{key: run.pk, "error": error})


@pytest.mark.parametrize(
    "action", ["reviews.scoring_run.failed", "reviews.sampling_run.failed", "reviews.call_import.failed"]
)
def test_a_second_failure_report_changes_nothing_and_writes_no_second_event(runs, action) -> None:
    run, service, options = runs[action]
    key = options.get("key", "run_id")
    fail(service, run, key, "OperationalError: the first reason")
    fail(service, run, key, "OperationalError: a later reason")
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.error == "OperationalError: the first reason"
    assert AuditEvent.objects.filter(action=action, object_id=str(run.pk)).count() == 1


@pytest.mark.parametrize(
    "action", ["reviews.scoring_run.failed", "reviews.sampling_run.failed", "reviews.call_import.failed"]
)
def test_a_failure_reported_after_success_is_ignored(runs, action) -> None:
    run, service, options = runs[action]
    type(run).objects.filter(pk=run.pk).update(status=RunStatus.SUCCEEDED)
    fail(service, run, options.get("key", "run_id"), "too late")
    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.SUCCEEDED, "")
    assert not AuditEvent.objects.filter(action=action, object_id=str(run.pk)).exists()


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        (ScoringRun(status=RunStatus.RUNNING, processed_agents=0, total_agents=0), 0.0),
        (SamplingRun(status=RunStatus.RUNNING, processed_agents=1, total_agents=3), 33.3),
        (CallImport(status=RunStatus.RUNNING, processed_bytes=999, total_bytes=1000), 99.9),
    ],
)
def test_progress_is_one_figure_that_reaches_100_only_on_success(run, expected) -> None:
    assert run.progress_percent == expected
    assert not run.is_finished
    run.processed_agents = run.total_agents = 5  # every unit done, the last commit not yet made
    run.processed_bytes = run.total_bytes = 5
    assert run.progress_percent == 99.9
    run.status = RunStatus.SUCCEEDED
    assert run.progress_percent == 100.0 and run.is_finished
