"""Fair sampling through the API and a real Celery worker: the draw, who reviews, targeted reviews, fairness."""

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.pseudonyms import pseudonym_for
from reviews.domain.periods import previous_month
from reviews.domain.sampling import draw_calls
from reviews.models import Alert, AuditEvent, Call, ReviewAssignment, SamplingRun
from tests.conftest import client_for, wait_for
from tests.factories import CallFactory, UserFactory
from tests.helpers import active_rule, run_scoring_inline, scored_call

POLICY: dict[str, Any] = {
    "name": "Vier per maand",
    "calls_per_agent": 4,
    "per_agent_cap": 5,
    "channels": ["phone"],
    "min_handle_seconds": 60,
    "max_handle_seconds": 3600,
    "seed": 20261101,
}


def month_calls(world):
    """Last month's calls: alice 10, bob 3, charlie 6 phone calls plus short and chat calls that never count."""
    period = previous_month(timezone.localdate())
    first = dt.datetime.strptime(period, "%Y-%m").replace(tzinfo=dt.UTC) + dt.timedelta(days=1, hours=9)
    for agent, n in ((world.agent, 10), (world.colleague, 3), (world.other_agent, 6)):
        for i in range(n):
            CallFactory.create(
                agent=agent, started_at=first + dt.timedelta(days=i % 20, minutes=i), handle_time_seconds=400
            )
    CallFactory.create(agent=world.other_agent, started_at=first, handle_time_seconds=30)  # too short
    CallFactory.create(agent=world.other_agent, started_at=first, handle_time_seconds=400, channel="chat")
    return period


@pytest.mark.worker
def test_a_month_is_drawn_by_the_worker_reproducibly_and_fairly(celery_worker, world):
    period = month_calls(world)
    quinn = client_for(world.qa_lead)
    created = quinn.post("/api/v1/sampling-policies/", POLICY, format="json")
    assert created.status_code == 201, created.content
    policy_id = created.json()["id"]

    queued = quinn.post(f"/api/v1/sampling-policies/{policy_id}/runs/", {"period": period}, format="json")
    assert queued.status_code == 202, queued.content
    location = queued["Location"]
    run = wait_for(
        lambda: (body := quinn.get(location).json())["status"] in ("succeeded", "failed") and body,
        what="the sampling run",
    )
    assert run["status"] == "succeeded", run
    assert (run["progress_percent"], run["seed"], run["calls_sampled"]) == (100.0, 20261101, 4 + 3 + 4)
    assert run["parameters"]["calls_per_agent"] == 4 and run["parameters"]["channels"] == ["phone"]

    assignments = ReviewAssignment.objects.filter(run_id=run["id"])
    per_agent = Counter(assignments.values_list("agent__username", flat=True))
    assert per_agent == {"alice": 4, "bob": 3, "charlie": 4}
    # Never the agent's own supervisor; the load spread over sam, sara and quinn.
    for a in assignments.select_related("agent", "reviewer"):
        assert not (a.reviewer.role == "supervisor" and a.reviewer.team_id == a.agent.team_id), a
        assert a.call.channel == "phone" and a.call.handle_time_seconds >= 60
    loads = Counter(assignments.values_list("reviewer__username", flat=True))
    assert max(loads.values()) - min(loads.values()) <= 2, loads

    # Reproducible: the recorded seed and parameters give exactly this draw again.
    stored = SamplingRun.objects.get(pk=run["id"])
    drawn_again = set()
    for agent in (world.agent, world.colleague, world.other_agent):
        start = timezone.make_aware(dt.datetime.combine(stored.period_start, dt.time.min))
        end = timezone.make_aware(dt.datetime.combine(stored.period_end, dt.time.min))
        pool = list(
            Call.objects.filter(agent=agent, channel="phone", handle_time_seconds__range=(60, 3600))
            .filter(started_at__gte=start, started_at__lt=end)
            .values_list("pk", flat=True)
        )
        drawn_again |= set(draw_calls(seed=stored.seed, period=period, agent_id=agent.pk, eligible_call_ids=pool, k=4))
    assert drawn_again == set(assignments.values_list("call_id", flat=True))
    event = AuditEvent.objects.get(action="reviews.sampling_run.finished", object_id=str(run["id"]))
    assert (event.data["seed"], event.data["calls_sampled"]) == (20261101, 11)

    # A month is drawn once.
    again = quinn.post(f"/api/v1/sampling-policies/{policy_id}/runs/", {"period": period}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_drawn"


def drawn(world, **overrides):
    """A policy and last month drawn in this process (the worker path is tested above)."""
    from reviews.services.sampling import sampling_policy_create, sampling_run_create, sampling_run_execute

    period = month_calls(world)
    policy = sampling_policy_create(acting_user=world.qa_lead, **{**POLICY, **overrides})
    run = sampling_run_create(policy=policy, period=period, trigger="manual", acting_user=world.qa_lead, enqueue=False)
    return policy, sampling_run_execute(run_id=run.pk), period


@pytest.mark.django_db
def test_reviewers_see_their_own_assignments_and_score_them_as_sampled(world, published_version):
    drawn(world)
    sara = client_for(world.other_supervisor)
    mine = sara.get("/api/v1/review-assignments/", {"evaluated": "false"}).json()
    assert mine["count"] == ReviewAssignment.objects.filter(reviewer=world.other_supervisor).count() > 0
    assert {row["reviewer"]["username"] for row in mine["results"]} == {"sara"}
    assert all(row["agent"]["username"] != "charlie" for row in mine["results"])  # her own team's agent
    foreign = next(row for row in mine["results"] if row["agent"]["username"] == "alice")
    # An assigned call of another team is visible to its reviewer and is scored as sampled.
    assert sara.get(f"/api/v1/calls/{foreign['call']}/").status_code == 200
    started = sara.post(
        "/api/v1/evaluations/", {"call": foreign["call"], "scorecard_version": published_version.pk}, format="json"
    )
    assert started.status_code == 201, started.content
    assert (started.json()["selection"], started.json()["target_reason"]) == ("sampled", "")
    assert client_for(world.agent).get("/api/v1/review-assignments/").status_code == 403
    assert client_for(world.council).get("/api/v1/review-assignments/").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"period": "2026-13"}, 400, "period"),
        ({"period": ""}, 400, "period"),
        ({}, 400, "period"),
    ],
)
def test_bad_periods_are_refused(world, body, status, field):
    policy, _, _ = drawn(world)
    response = client_for(world.qa_lead).post(f"/api/v1/sampling-policies/{policy.pk}/runs/", body, format="json")
    assert response.status_code == status and field in response.json()["fields"], response.content


@pytest.mark.django_db
def test_the_running_month_cannot_be_drawn_and_only_the_qa_lead_sets_policies(world):
    quinn = client_for(world.qa_lead)
    policy = quinn.post("/api/v1/sampling-policies/", POLICY, format="json").json()
    this_month = f"{timezone.localdate():%Y-%m}"
    response = quinn.post(f"/api/v1/sampling-policies/{policy['id']}/runs/", {"period": this_month}, format="json")
    assert response.status_code == 400 and "nog niet voorbij" in str(response.json())
    for name in ("supervisor", "agent", "council"):
        assert (
            client_for(world.by_name(name)).post("/api/v1/sampling-policies/", POLICY, format="json").status_code == 403
        )
    bad = quinn.post("/api/v1/sampling-policies/", {**POLICY, "name": "x", "per_agent_cap": 2}, format="json")
    assert bad.status_code == 400 and "per_agent_cap" in bad.json()["fields"]
    bad = quinn.post("/api/v1/sampling-policies/", {**POLICY, "name": "y", "channels": ["fax"]}, format="json")
    assert bad.status_code == 400 and "channels.0" in bad.json()["fields"]
    duplicate = quinn.post("/api/v1/sampling-policies/", POLICY, format="json")
    assert duplicate.status_code == 409
    changed = quinn.patch(f"/api/v1/sampling-policies/{policy['id']}/", {"calls_per_agent": 2}, format="json")
    assert changed.status_code == 200 and changed.json()["calls_per_agent"] == 2
    event = AuditEvent.objects.get(action="reviews.sampling_policy.changed")
    assert event.data == {"calls_per_agent": {"from": 4, "to": 2}}
    assert client_for(world.council).get(f"/api/v1/sampling-policies/{policy['id']}/").status_code == 200


@pytest.mark.django_db
def test_targeted_reviews_need_a_reason_and_do_not_count_toward_thresholds_by_default(
    world, published_version, settings
):
    active_rule(qa_lead=world.qa_lead, council=world.council, n=1, at=timezone.now() - dt.timedelta(days=5))
    when = timezone.now() - dt.timedelta(days=1)
    targeted = scored_call(
        reviewer=world.supervisor,
        agent=world.agent,
        version=published_version,
        started_at=when,
        target_reason="complaint",
    )
    assert (targeted.selection, targeted.target_reason) == ("targeted", "complaint")
    run_scoring_inline()
    assert not Alert.objects.filter(agent=world.agent).exists()
    # The agent sees that the review was targeted, and why.
    mine = client_for(world.agent).get(f"/api/v1/evaluations/{targeted.pk}/").json()
    assert (mine["selection"], mine["target_reason"]) == ("targeted", "complaint")

    # Only a rule version whose consented terms say so counts them.
    counting = active_rule(
        qa_lead=world.qa_lead,
        council=world.council,
        n=1,
        at=timezone.now() - dt.timedelta(days=5),
        count_targeted_reviews=True,
    )
    run_scoring_inline()
    assert list(Alert.objects.filter(agent=world.agent).values_list("rule_version", flat=True)) == [counting.pk]

    call = CallFactory.create(agent=world.colleague)
    sam = client_for(world.supervisor)
    no_reason = sam.post(
        "/api/v1/evaluations/",
        {"call": call.pk, "scorecard_version": published_version.pk, "target_note": "Klacht van burger"},
        format="json",
    )
    assert no_reason.status_code == 400 and "target_reason" in no_reason.json()["fields"]
    bad_reason = sam.post(
        "/api/v1/evaluations/",
        {"call": call.pk, "scorecard_version": published_version.pk, "target_reason": "hunch"},
        format="json",
    )
    assert bad_reason.status_code == 400 and "target_reason" in bad_reason.json()["fields"]


@pytest.mark.django_db
def test_the_fairness_report_flags_agents_beyond_the_policy(world, published_version):
    policy, run, period = drawn(world)
    # Two targeted reviews of alice's sampled month: 4 sampled + 2 targeted exceeds the cap of 5.
    month_day = dt.datetime.combine(run.period_start, dt.time(12), tzinfo=dt.UTC) + dt.timedelta(days=3)
    for _ in range(2):
        scored_call(
            reviewer=world.other_supervisor,
            agent=world.agent,
            version=published_version,
            started_at=month_day,
            errors=(),
            target_reason="coaching_request",
        )
    quinn = client_for(world.qa_lead)
    report = quinn.get(f"/api/v1/sampling-policies/{policy.pk}/fairness/", {"period": period}).json()
    rows = {row["agent"]: row for row in report["rows"]}
    assert set(rows) == {"alice", "bob", "charlie"}
    alice = rows["alice"]
    assert (alice["calls_handled"], alice["sampled"], alice["targeted"], alice["evaluations_done"]) == (12, 4, 2, 2)
    assert alice["flags"] == ["over_cap"] and alice["team"] == "Team A"
    assert (rows["bob"]["expected"], rows["bob"]["sampled"], rows["bob"]["deviation"], rows["bob"]["flags"]) == (
        3,
        3,
        0,
        [],
    )
    assert rows["charlie"]["calls_handled"] == 8 and rows["charlie"]["calls_eligible"] == 6
    assert report["flagged"] == 1 and report["runs"][0]["seed"] == POLICY["seed"]

    csv_body = quinn.get(f"/api/v1/sampling-policies/{policy.pk}/fairness/", {"period": period, "format": "csv"})
    assert csv_body["Content-Type"].startswith("text/csv") and b"over_cap" in csv_body.content

    council = client_for(world.council).get(f"/api/v1/sampling-policies/{policy.pk}/fairness/", {"period": period})
    assert council.status_code == 200
    body = council.json()
    assert {row["agent"] for row in body["rows"]} == {
        pseudonym_for(u.pk) for u in (world.agent, world.colleague, world.other_agent)
    }
    assert all("team" not in row for row in body["rows"]) and b"alice" not in council.content
    assert AuditEvent.objects.filter(action="reviews.works_council.viewed", object_id="sampling-fairness").exists()

    assert quinn.get(f"/api/v1/sampling-policies/{policy.pk}/fairness/", {"period": "oct"}).status_code == 400
    assert client_for(world.supervisor).get(f"/api/v1/sampling-policies/{policy.pk}/fairness/").status_code == 403


@pytest.mark.django_db
def test_fairness_report_queries_do_not_grow_with_agents(world):
    policy, run, period = drawn(world)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client_for(world.qa_lead).get(
                f"/api/v1/sampling-policies/{policy.pk}/fairness/", {"period": period}
            )
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.json()["rows"])

    before = queries()
    first = dt.datetime.combine(run.period_start, dt.time(12), tzinfo=dt.UTC)
    for i in range(5):
        CallFactory.create(
            agent=UserFactory.create(username=f"extra{i}", role="agent", team=world.agent.team), started_at=first
        )
    after = queries()
    assert after[1] == before[1] + 5 and after[0] == before[0], (before, after)


@pytest.mark.django_db
def test_a_sampling_run_or_import_whose_task_gives_up_is_marked_failed_with_the_reason(world):
    from reviews.services.call_imports import call_import_create
    from reviews.services.sampling import sampling_policy_create, sampling_run_create
    from reviews.tasks import call_import_process, sampling_run_execute

    policy = sampling_policy_create(acting_user=world.qa_lead, **{**POLICY, "name": "Opgegeven"})
    run = sampling_run_create(
        policy=policy, period=previous_month(timezone.localdate()), trigger="manual", acting_user=None, enqueue=False
    )
    sampling_run_execute.on_failure(RuntimeError("broker gone"), "t1", (run.pk,), {}, None)
    run.refresh_from_db()
    assert (run.status, run.error) == ("failed", "RuntimeError: broker gone")
    assert AuditEvent.objects.filter(action="reviews.sampling_run.failed", object_id=str(run.pk)).exists()

    call_import = call_import_create(file_name="x.csv", source="t", fmt="csv", total_bytes=1, acting_user=None)
    call_import_process.on_failure(TimeoutError("too slow"), "t2", (), {"import_id": call_import.pk}, None)
    call_import.refresh_from_db()
    assert (call_import.status, call_import.error) == ("failed", "TimeoutError: too slow")
    assert AuditEvent.objects.filter(action="reviews.call_import.failed", object_id=str(call_import.pk)).exists()
