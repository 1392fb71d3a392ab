"""The batch's semantics on PostgreSQL (processed inline here; the real worker is in test_worker.py)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from reviews.models import (
    AgentScore,
    Alert,
    AlertEvidence,
    AlertStatus,
    AuditAction,
    AuditEvent,
    CriticalError,
    ScoringChunk,
)
from reviews.selectors.thresholds import candidate_errors
from reviews.services.alerts import alert_decide, alert_view_evidence
from reviews.services.evaluations import evaluation_create
from reviews.services.scoring import scoring_chunk_process, scoring_run_create, scoring_run_plan
from tests.factories import CallFactory
from tests.helpers import active_rule, run_scoring_inline, scored_call, unsaved_alert

pytestmark = pytest.mark.django_db

RATIONALE = "Besproken met de agent; coaching ingepland."


@pytest.fixture
def start():
    return timezone.now() - dt.timedelta(days=200)


@pytest.fixture
def rule(world, start):
    return active_rule(qa_lead=world.qa_lead, council=world.council, at=start, n=3, window_days=90)


def signal(world, version, when, agent=None, errors=("UNREPORTED_SIGNAL",)):
    return scored_call(
        reviewer=world.supervisor, agent=agent or world.agent, version=version, started_at=when, errors=errors
    )


def test_exactly_n_errors_in_the_window_open_one_alert_with_them_as_evidence(world, published_version, rule):
    as_of = timezone.now()
    evaluations = [signal(world, published_version, as_of - dt.timedelta(days=d)) for d in (80, 40, 1)]
    run = run_scoring_inline(as_of)
    assert (run.status, run.alerts_opened, run.processed_agents) == ("succeeded", 1, 3)
    alert = Alert.objects.get()
    assert (alert.agent, alert.status, alert.level) == (world.agent, AlertStatus.OPEN, "coaching")
    expected = set(CriticalError.objects.filter(evaluation__in=evaluations).values_list("pk", flat=True))
    assert set(alert.evidence.values_list("pk", flat=True)) == expected


def test_n_minus_one_errors_open_nothing(world, published_version, rule):
    as_of = timezone.now()
    for d in (80, 1):
        signal(world, published_version, as_of - dt.timedelta(days=d))
    assert run_scoring_inline(as_of).alerts_opened == 0
    # Positive control: the N-th error opens it, so the rule was live all along.
    signal(world, published_version, as_of - dt.timedelta(days=2))
    assert run_scoring_inline(as_of).alerts_opened == 1


def test_an_error_at_exactly_as_of_minus_w_does_not_count(world, published_version, rule):
    as_of = timezone.now().replace(microsecond=0)
    signal(world, published_version, as_of - dt.timedelta(days=90))
    for d in (30, 1):
        signal(world, published_version, as_of - dt.timedelta(days=d))
    assert run_scoring_inline(as_of).alerts_opened == 0
    signal(world, published_version, as_of - dt.timedelta(days=90) + dt.timedelta(seconds=1))
    assert run_scoring_inline(as_of).alerts_opened == 1


def test_an_error_before_effective_from_does_not_count(world, published_version):
    as_of = timezone.now()
    effective = timezone.localdate(as_of - dt.timedelta(days=10))  # a rule's dates are local, as its errors'
    active_rule(
        qa_lead=world.qa_lead, council=world.council, at=as_of - dt.timedelta(days=60), effective_from=effective, n=3
    )
    signal(world, published_version, as_of - dt.timedelta(days=11))  # before effective_from
    for d in (5, 1):
        signal(world, published_version, as_of - dt.timedelta(days=d))
    assert run_scoring_inline(as_of).alerts_opened == 0
    # Positive control: a third error on or after effective_from opens it.
    signal(world, published_version, as_of - dt.timedelta(days=3))
    assert run_scoring_inline(as_of).alerts_opened == 1


def test_an_error_before_the_rule_was_activated_does_not_count(world, published_version):
    as_of = timezone.now()
    signal(world, published_version, as_of - dt.timedelta(days=20))
    active_rule(
        qa_lead=world.qa_lead,
        council=world.council,
        at=as_of - dt.timedelta(days=10),
        effective_from=(as_of - dt.timedelta(days=60)).date(),
        n=3,
    )
    for d in (5, 1):
        signal(world, published_version, as_of - dt.timedelta(days=d))
    assert run_scoring_inline(as_of).alerts_opened == 0
    # Positive control: a third error after activation opens it.
    signal(world, published_version, as_of - dt.timedelta(days=3))
    assert run_scoring_inline(as_of).alerts_opened == 1


def test_an_overturned_error_does_not_count(world, published_version, rule):
    as_of = timezone.now()
    evaluations = [signal(world, published_version, as_of - dt.timedelta(days=d)) for d in (30, 20, 10)]
    CriticalError.objects.filter(evaluation=evaluations[0]).update(status="overturned")
    assert run_scoring_inline(as_of).alerts_opened == 0
    # Positive control: the same errors, all active, open it. The status is set straight in the
    # database, without the audit event every service writes, so only a full run looks again.
    CriticalError.objects.filter(evaluation=evaluations[0]).update(status="active")
    assert run_scoring_inline(as_of).alerts_opened == 0  # incremental: nothing was recorded about anyone
    assert run_scoring_inline(as_of, full=True).alerts_opened == 1


def test_other_error_types_and_other_agents_do_not_count(world, published_version, rule):
    as_of = timezone.now()
    signal(world, published_version, as_of - dt.timedelta(days=3), errors=("PRIVACY_BREACH",))
    signal(world, published_version, as_of - dt.timedelta(days=3), agent=world.colleague)
    for d in (2, 1):
        signal(world, published_version, as_of - dt.timedelta(days=d))
    assert run_scoring_inline(as_of).alerts_opened == 0
    # Positive control: a third counted error of the agent herself opens it.
    signal(world, published_version, as_of - dt.timedelta(days=4))
    assert run_scoring_inline(as_of).alerts_opened == 1


def test_a_rule_scoped_to_temp_workers_ignores_permanent_staff(world, published_version, start):
    active_rule(
        qa_lead=world.qa_lead, council=world.council, at=start, n=1, employment_types=frozenset({"temp_agency"})
    )
    assert (world.agent.employment_type, world.colleague.employment_type) == ("temp_agency", "permanent")
    signal(world, published_version, timezone.now() - dt.timedelta(days=1), agent=world.colleague)
    assert run_scoring_inline().alerts_opened == 0
    # Positive control: the temp worker's error is in scope.
    signal(world, published_version, timezone.now() - dt.timedelta(days=1))
    assert run_scoring_inline().alerts_opened == 1
    assert Alert.objects.get().agent == world.agent


def test_running_twice_changes_nothing(world, published_version, rule):
    as_of = timezone.now()
    for d in (30, 20, 10):
        signal(world, published_version, as_of - dt.timedelta(days=d))
    run_scoring_inline(as_of)
    scores = list(
        AgentScore.objects.order_by("agent_id").values("agent_id", "evaluations", "mean_score", "critical_errors")
    )
    evidence = list(AlertEvidence.objects.order_by("pk").values_list("alert_id", "critical_error_id"))
    second = run_scoring_inline(as_of)
    assert second.alerts_opened == 0
    assert Alert.objects.count() == 1
    assert list(AlertEvidence.objects.order_by("pk").values_list("alert_id", "critical_error_id")) == evidence
    assert scores == list(
        AgentScore.objects.order_by("agent_id").values("agent_id", "evaluations", "mean_score", "critical_errors")
    )


def test_a_chunk_processed_twice_changes_nothing(world, published_version, rule):
    as_of = timezone.now()
    for d in (30, 20, 10):
        signal(world, published_version, as_of - dt.timedelta(days=d))
    run = scoring_run_create(trigger="command", acting_user=None, as_of=as_of, chunk_size=1, enqueue=False)
    chunks = scoring_run_plan(run_id=run.pk)
    assert len(chunks) == 3
    assert [scoring_chunk_process(chunk_id=c) for c in chunks] == [True, True, True]
    assert [scoring_chunk_process(chunk_id=c) for c in chunks] == [False, False, False]
    run.refresh_from_db()
    assert (run.processed_agents, run.processed_chunks, run.alerts_opened) == (3, 3, 1)
    assert set(ScoringChunk.objects.values_list("attempts", flat=True)) == {1}


def test_new_errors_attach_to_the_open_alert(world, published_version, rule):
    as_of = timezone.now()
    for d in (30, 20, 10):
        signal(world, published_version, as_of - dt.timedelta(days=d))
    run_scoring_inline(as_of)
    signal(world, published_version, as_of - dt.timedelta(days=5))
    assert run_scoring_inline(as_of).alerts_opened == 0
    assert Alert.objects.get().evidence.count() == 4


def test_evidence_of_a_decided_alert_is_not_counted_again(world, published_version, rule):
    as_of = timezone.now()
    for d in (30, 20, 10):
        signal(world, published_version, as_of - dt.timedelta(days=d))
    run_scoring_inline(as_of)
    alert = Alert.objects.get()
    alert_view_evidence(alert=alert, acting_user=world.qa_lead)
    alert_decide(alert=alert, decision="dismiss", rationale=RATIONALE, acting_user=world.qa_lead)
    assert run_scoring_inline(as_of).alerts_opened == 0
    # Two new errors are not enough on their own; a third opens a new alert with only the new ones.
    for d in (3, 2):
        signal(world, published_version, as_of - dt.timedelta(days=d))
    assert run_scoring_inline(as_of).alerts_opened == 0
    signal(world, published_version, as_of - dt.timedelta(days=1))
    assert run_scoring_inline(as_of).alerts_opened == 1
    new = Alert.objects.get(status="open")
    assert new.evidence.count() == 3
    assert not set(new.evidence.values_list("pk", flat=True)) & set(alert.evidence.values_list("pk", flat=True))


def test_an_alert_another_run_opened_a_moment_ago_is_taken_and_gets_what_it_lacks(world, published_version, rule):
    """The run's new alerts are written together; when another run opened one of them between this
    run's read and its write, the unique constraint refuses the batch: the run takes the other's
    alert and adds, under its lock, the evidence the other did not have."""
    as_of = timezone.now()
    evaluations = [signal(world, published_version, as_of - dt.timedelta(days=d)) for d in (30, 20, 10)]
    errors = sorted(CriticalError.objects.filter(evaluation__in=evaluations).values_list("pk", flat=True))
    theirs: list[Alert] = []
    writes_after_theirs: list[str] = []

    def open_theirs_first(execute, sql, params, many, context):
        if theirs and "nextval" in sql:  # the run's own write of new alerts (COPY takes their ids first)
            writes_after_theirs.append(sql)
        result = execute(sql, params, many, context)
        # Right after the run read which alerts are open, and before it writes its own: once.
        reading_open = (
            sql.startswith('SELECT "reviews_alert"."id", "reviews_alert"."agent_id"') and "FOR UPDATE" not in sql
        )
        if reading_open and not theirs:
            theirs.append(unsaved_alert(version=rule, agent=world.agent, as_of=as_of))
            theirs[0].save()
            AlertEvidence.objects.bulk_create(
                [AlertEvidence(alert=theirs[0], critical_error_id=pk) for pk in errors[:2]]
            )
        return result

    with connection.execute_wrapper(open_theirs_first):
        run = run_scoring_inline(as_of)
    assert theirs, "the other run's alert was opened"
    assert writes_after_theirs, "after this run read the open alerts, and before it wrote its own"
    assert (run.status, run.alerts_opened) == ("succeeded", 0)
    alert = Alert.objects.get(status=AlertStatus.OPEN)
    assert alert.pk == theirs[0].pk
    assert sorted(alert.evidence.values_list("pk", flat=True)) == errors
    added = AuditEvent.objects.get(action=AuditAction.ALERT_EVIDENCE_ADDED, object_id=str(alert.pk))
    assert added.data["evidence"] == [errors[2]]


def test_agent_scores_aggregate_this_month_without_counting_drafts(world, published_version, rule):
    as_of = timezone.now()
    month_start = timezone.localtime(as_of).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    signal(world, published_version, month_start + dt.timedelta(minutes=5))
    signal(world, published_version, month_start - dt.timedelta(days=1))  # last month
    draft_call = CallFactory.create(agent=world.agent, started_at=month_start + dt.timedelta(minutes=10))
    evaluation_create(call=draft_call, scorecard_version=published_version, acting_user=world.supervisor)
    run_scoring_inline(as_of)
    score = AgentScore.objects.get(agent=world.agent)
    assert score.period_start == month_start.date()
    assert score.evaluations == 1
    assert score.mean_score == Decimal("37.5")  # 1 point on each of 2 + 4 + 2: 3 of 8
    assert score.critical_errors == {"UNREPORTED_SIGNAL": 1}
    assert score.mean_handle_time_seconds == Decimal("400.0")
    assert AgentScore.objects.get(agent=world.colleague).evaluations == 0


def test_candidates_carry_the_exact_moment_an_error_was_observed(world, published_version):
    """The batch reads moments as microseconds since the epoch; they equal what the ORM reads."""
    as_of = timezone.now()
    for days, micro in ((40, 1), (20, 999_999), (1, 500_000)):
        signal(world, published_version, (as_of - dt.timedelta(days=days)).replace(microsecond=micro))
    candidates = candidate_errors(
        agent_ids=[world.agent.pk], type_codes={"UNREPORTED_SIGNAL"}, after=as_of - dt.timedelta(days=90), until=as_of
    )
    stored = dict(CriticalError.objects.values_list("pk", "observed_at"))
    assert len(candidates) == 3
    assert {c.error_id: c.observed_at for c in candidates} == stored
    assert all(c.observed_at.utcoffset() == dt.timedelta(0) for c in candidates)
