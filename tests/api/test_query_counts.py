"""No N+1: the number of SQL queries of a list endpoint does not grow with the number of rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reviews.services.alerts import alert_decide, alert_view_evidence
from reviews.services.appeals import appeal_submit
from reviews.services.calibration import calibration_score, calibration_session_create
from reviews.services.evaluations import AnswerInput
from tests.conftest import client_for, criteria_of
from tests.factories import CallFactory, UserFactory
from tests.helpers import active_rule, run_scoring_inline, scored_call

pytestmark = pytest.mark.django_db

LISTS = [
    ("qa_lead", "/api/v1/teams/"),
    ("qa_lead", "/api/v1/users/"),
    ("qa_lead", "/api/v1/calls/"),
    ("qa_lead", "/api/v1/scorecards/"),
    ("qa_lead", "/api/v1/scorecard-versions/"),
    ("qa_lead", "/api/v1/critical-error-types/"),
    ("supervisor", "/api/v1/root-causes/"),
    ("qa_lead", "/api/v1/confirmation-tasks/"),
    ("qa_lead", "/api/v1/coaching-plans/"),
    ("qa_lead", "/api/v1/self-evaluations/"),
    ("agent", "/api/v1/self-evaluations/"),
    ("qa_lead", "/api/v1/evaluations/"),
    ("agent", "/api/v1/evaluations/"),
    ("qa_lead", "/api/v1/threshold-rules/"),
    ("council", "/api/v1/threshold-rules/"),
    ("qa_lead", "/api/v1/alerts/"),
    ("agent", "/api/v1/alerts/"),
    ("qa_lead", "/api/v1/scoring-runs/"),
    ("qa_lead", "/api/v1/agent-scores/"),
    ("qa_lead", "/api/v1/appeals/"),
    ("qa_lead", "/api/v1/calibration-sessions/"),
    ("agent", "/api/v1/me/overview/"),
    ("qa_lead", "/api/v1/call-imports/"),
    ("qa_lead", "/api/v1/sampling-policies/"),
    ("qa_lead", "/api/v1/sampling-runs/"),
    ("qa_lead", "/api/v1/review-assignments/"),
    ("supervisor", "/api/v1/review-assignments/"),
    ("qa_lead", "/api/v1/screening-lists/"),
    ("agent", "/api/v1/screening-lists/"),
    ("qa_lead", "/api/v1/screening-candidates/"),
    ("agent", "/api/v1/screening-candidates/"),
    ("other_supervisor", "/api/v1/screening-candidates/"),
]


def grow_screening(world, agent, suffix):
    """One more consented, active screening list, and a call of each agent it selects."""
    from reviews.domain.transcripts import read_segments
    from reviews.services import screening, screening_lists
    from reviews.services.transcripts import call_transcript_replace

    version = screening_lists.screening_list_create(
        name=f"Lijst {suffix}",
        terms=screening_lists.ScreeningTerms(purpose="Signalen.", phrases=("zwart werk", "samenwonen")),
        acting_user=world.qa_lead,
    ).versions.get()
    screening_lists.screening_version_propose(version=version, acting_user=world.qa_lead)
    screening_lists.screening_version_decide_consent(
        version=version, decision="granted", reference="OR", population="Iedereen", acting_user=world.council
    )
    screening_lists.screening_version_activate(version=version, acting_user=world.qa_lead)
    for who in (world.agent, agent):
        segments, _ = read_segments(
            [{"start": 0, "end": 5, "speaker": "caller", "text": "Ik doe wat zwart werk."}], duration_seconds=60
        )
        call = CallFactory.create(agent=who, handle_time_seconds=60)
        call_transcript_replace(call=call, segments=segments, acting_user=world.qa_lead)
    screening.screening_run_due()


def grow(world, published_version, rounds):
    """Add `rounds` more of every kind of row the lists show."""
    from reviews.domain.scoring import AnswerValue
    from reviews.models import RootCause, ScorecardVersion
    from reviews.services.coaching import coaching_plan_open, coaching_session_add
    from reviews.services.root_causes import critical_error_cause_change, root_cause_create
    from reviews.services.scorecards import criterion_add, scorecard_create, scorecard_version_publish, section_add
    from reviews.services.self_evaluations import self_evaluation_submit
    from tests.helpers import assignee_of

    for i in range(rounds):
        grow_sampling(world, f"{i}-{timezone.now().timestamp()}")
        suffix = f"{i}-{timezone.now().timestamp()}"
        agent = UserFactory.create(username=f"agent-{suffix}", role="agent", team=world.agent.team)
        UserFactory.create(username=f"sup-{suffix}", role="supervisor", team=world.agent.team)
        card = scorecard_create(name=f"Kaart {suffix}", acting_user=world.qa_lead)
        section = section_add(version=card.versions.get(), title="S", acting_user=world.qa_lead)
        criterion_add(section=section, text="C", max_points=1, acting_user=world.qa_lead)
        scorecard_version_publish(version=card.versions.get(), acting_user=world.qa_lead)
        active_rule(
            qa_lead=world.qa_lead,
            council=world.council,
            at=timezone.now() - dt.timedelta(days=20),
            n=1,
            level="formal_warning",
        )
        # A rule that needs a second opinion on every error (it never fires here: nothing is confirmed).
        active_rule(
            qa_lead=world.qa_lead,
            council=world.council,
            at=timezone.now() - dt.timedelta(days=20),
            n=5,
            requires_confirmation=True,
        )
        # Every evaluation invites its agent to score the call too; the first agent does, with remarks.
        ScorecardVersion.objects.filter(pk=published_version.pk).update(self_evaluation=True)
        for who in (world.agent, agent):
            evaluation = scored_call(
                reviewer=world.other_supervisor,
                agent=who,
                version=published_version,
                started_at=timezone.now() - dt.timedelta(days=2, minutes=i),
            )
            if who == world.agent:
                self_evaluation_submit(
                    self_evaluation=evaluation.self_evaluation,
                    answers=[AnswerValue(c.pk, 0, False) for c in criteria_of(published_version)],
                    comments={c.pk: "Zelf gezien." for c in criteria_of(published_version)},
                    acting_user=world.agent,
                )
        appeal = appeal_submit(
            evaluation=evaluation,
            reason="Ik ben het hier niet mee eens, zie opname.",
            whole_evaluation=True,
            acting_user=agent,
        )
        # A changed root cause on the appealed error, and one more cause in the taxonomy.
        critical_error_cause_change(
            error=evaluation.critical_errors.get(),
            root_cause=RootCause.objects.get(code="TIME_PRESSURE", is_active=True),
            reason="De afhandeltijdnorm liet geen ruimte.",
            acting_user=assignee_of(appeal),
        )
        plan = coaching_plan_open(
            agent=agent, goals="Melden oefenen.", evaluation=evaluation, acting_user=world.qa_lead
        )
        coaching_session_add(
            plan=plan, held_on=timezone.localdate(), notes="Besproken.", agreed_actions="", acting_user=world.qa_lead
        )
        grow_screening(world, agent, suffix)
        root_cause_create(
            code=f"CAUSE_{RootCause.objects.count()}",
            kind="systemic",
            label_nl="Oorzaak",
            label_en="Cause",
            acting_user=world.qa_lead,
        )
        session = calibration_session_create(
            call=CallFactory.create(agent=agent),
            scorecard_version=published_version,
            title=f"Sessie {suffix}",
            participants=[world.supervisor, world.qa_lead],
            acting_user=world.qa_lead,
        )
        calibration_score(
            session=session,
            answers=[AnswerInput(criterion_id=c.pk, points=1) for c in criteria_of(published_version)],
            acting_user=world.supervisor,
        )
    run_scoring_inline()
    from reviews.models import Alert

    for alert in Alert.objects.filter(status="open", agent=world.agent)[:2]:
        alert_view_evidence(alert=alert, acting_user=world.qa_lead)
        alert_decide(
            alert=alert, decision="confirm", rationale="Besproken en bevestigd met de agent.", acting_user=world.qa_lead
        )


def grow_sampling(world, suffix):
    """An import with a refused row, and a policy whose run draws last month's calls of a new agent."""
    import io

    from reviews.domain.periods import previous_month
    from reviews.services.call_imports import call_import_create, call_import_run
    from reviews.services.sampling import (
        sampling_policy_create,
        sampling_run_create,
        sampling_run_execute,
    )

    data = (
        "external_id,agent,channel,started_at,handle_time_seconds\n"
        f"I-{suffix},alice,phone,2026-10-01T09:00:00+02:00,300\nI-bad-{suffix},nobody,phone,x,1\n"
    ).encode()
    call_import = call_import_create(file_name="x.csv", source="t", fmt="csv", total_bytes=len(data), acting_user=None)
    call_import_run(import_id=call_import.pk, stream=io.BytesIO(data))
    period = previous_month(timezone.localdate())
    first = dt.datetime.strptime(period, "%Y-%m").replace(tzinfo=dt.UTC) + dt.timedelta(days=2)
    agent = UserFactory.create(username=f"sampled-{suffix}", role="agent", team=world.other_agent.team)
    for day in range(3):
        CallFactory.create(agent=agent, started_at=first + dt.timedelta(days=day))
    policy = sampling_policy_create(
        acting_user=world.qa_lead, name=f"Beleid {suffix}", calls_per_agent=2, per_agent_cap=3, seed=1
    )
    run = sampling_run_create(policy=policy, period=period, trigger="manual", acting_user=world.qa_lead, enqueue=False)
    sampling_run_execute(run_id=run.pk)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"page_size": 100})
    assert response.status_code == 200, (url, response.content[:300])
    body = response.json()
    if isinstance(body, list):
        rows = len(body)
    elif "count" in body:
        rows = body["count"]
    elif "results" in body:  # a keyset page: no total
        rows = len(body["results"])
    else:  # the overview: several lists
        rows = sum(len(v) for v in body.values() if isinstance(v, list))
    return len(ctx.captured_queries), rows


def test_list_queries_do_not_grow_with_rows(world, published_version):
    grow(world, published_version, 1)
    small = {(p, u): count_queries(client_for(world.by_name(p)), u) for p, u in LISTS}
    grow(world, published_version, 3)
    large = {(p, u): count_queries(client_for(world.by_name(p)), u) for p, u in LISTS}
    grown = [key for key in LISTS if large[key][1] > small[key][1]]
    assert len(grown) >= len(LISTS) - 2, f"these lists did not grow: {set(LISTS) - set(grown)}"
    problems = {key: (small[key][0], large[key][0]) for key in LISTS if large[key][0] > small[key][0]}
    assert not problems, f"queries grew with rows (before, after): {problems}"


def test_every_list_endpoint_is_counted():
    """A new list endpoint must join LISTS above (or the fairness test), or this fails."""
    from reviews.api.urls import router

    routes = {f"/api/v1/{prefix}/" for prefix, viewset, _ in router.registry if hasattr(viewset, "list")}
    missing = routes - {url for _, url in LISTS}
    assert not missing, f"list endpoints without a query-count check: {sorted(missing)}"
