"""Property: incremental scoring runs leave nothing for a full run to find.

After any sequence of new critical errors, evaluations without errors, drafts with an error
submitted later (after a run), alert decisions, appeals that overturn or uphold
errors (retracting the alerts they supported) and scoring runs, which are incremental whenever a
succeeded run under the same rules came before, a full run over every agent opens no alert, adds no
evidence and changes no score. A full run does what the incremental ones do for the agents they
scored, so any agent an incremental run wrongly skipped shows up here as an alert, evidence or a
score the full run writes.
"""

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviews.models import AgentScore, Alert, AlertEvidence, AlertStatus, Evaluation
from reviews.services.alerts import alert_decide, alert_view_evidence
from reviews.services.evaluations import evaluation_submit
from tests.factories import UserFactory
from tests.helpers import active_rule, appeal_decided, run_scoring_inline, scored_call

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


ERROR = st.tuples(st.just("error"), st.integers(0, 2), st.integers(0, 40))
STEP = st.one_of(
    ERROR,
    ERROR,
    ERROR,
    st.tuples(st.just("decide"), st.integers(0, 4), st.sampled_from(["confirm", "dismiss"])),
    st.tuples(st.just("appeal"), st.integers(0, 8), st.booleans()),
    st.tuples(st.just("clean"), st.integers(0, 2), st.integers(0, 40)),
    st.tuples(st.just("draft"), st.integers(0, 2), st.integers(0, 40)),
    st.tuples(st.just("submit"), st.just(0), st.just(0)),
    st.tuples(st.just("run"), st.just(0), st.just(0)),
)


def state() -> tuple[set, set, set]:  # type: ignore[type-arg]
    alerts = set(Alert.objects.values_list("pk", "agent_id", "rule_id", "status"))
    evidence = set(AlertEvidence.objects.values_list("alert_id", "critical_error_id"))
    scores = AgentScore.objects.values_list("agent_id", "period_start", "evaluations", "mean_score", "critical_errors")
    return alerts, evidence, {(a, p, n, m, str(sorted(e.items()))) for a, p, n, m, e in scores}


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=6, max_size=20))
def test_incremental_runs_leave_nothing_for_a_full_run(world, published_version, steps):
    # Mid-month, so that no example runs across a month's end (the first run of a month is full).
    try:
        with time_machine.travel(dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC), tick=True), transaction.atomic():
            now = timezone.now()
            active_rule(qa_lead=world.qa_lead, council=world.council, at=now - dt.timedelta(days=60), n=2)
            agents = [world.agent, world.colleague, UserFactory.create(username="derde", team=world.agent.team)]
            first = run_scoring_inline(full=True)
            assert first.incremental_since is None
            evaluations: list[Evaluation] = []
            drafts: list[Evaluation] = []
            appealed: set[int] = set()
            incremental = 0
            for kind, a, b in steps:
                if kind == "error":
                    evaluations.append(
                        scored_call(
                            reviewer=world.supervisor,
                            agent=agents[a],
                            version=published_version,
                            started_at=now - dt.timedelta(days=b, hours=1),
                        )
                    )
                elif kind in ("clean", "draft"):  # an evaluation without errors; a draft with one
                    evaluation = scored_call(
                        reviewer=world.supervisor,
                        agent=agents[a],
                        version=published_version,
                        started_at=now - dt.timedelta(days=b, hours=2),
                        errors=() if kind == "clean" else ("UNREPORTED_SIGNAL",),
                        submit=kind == "clean",
                    )
                    (evaluations if kind == "clean" else drafts).append(evaluation)
                elif kind == "submit":  # a run, then the oldest draft: its error, logged before, counts now
                    if drafts:
                        incremental += run_scoring_inline().incremental_since is not None
                        evaluations.append(evaluation_submit(evaluation=drafts.pop(0), acting_user=world.supervisor))
                elif kind == "decide":
                    open_alerts = list(Alert.objects.filter(status=AlertStatus.OPEN).order_by("pk"))
                    if open_alerts:
                        alert = open_alerts[a % len(open_alerts)]
                        alert_view_evidence(alert=alert, acting_user=world.qa_lead)
                        alert_decide(
                            alert=alert, decision=b, rationale="Besproken en beoordeeld.", acting_user=world.qa_lead
                        )
                elif kind == "appeal":
                    if a < len(evaluations) and evaluations[a].pk not in appealed:
                        appealed.add(evaluations[a].pk)
                        appeal_decided(evaluations[a], overturn_errors=b)
                else:
                    run = run_scoring_inline()
                    incremental += run.incremental_since is not None
            last = run_scoring_inline()
            assert last.incremental_since is not None  # the rules did not change: the run was incremental
            before = state()
            print(f"{len(steps)} steps, {incremental + 1} incremental runs, {len(before[0])} alerts")
            full = run_scoring_inline(full=True)
            assert full.incremental_since is None and full.total_agents >= len(agents)
            assert full.alerts_opened == 0
            assert state() == before, "a full run found what the incremental runs left out"
            raise Rollback
    except Rollback:
        pass
