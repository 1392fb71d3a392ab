import datetime as dt

import pytest
from django.utils import timezone

from reviews.domain.errors import Conflict, DomainError, NotPermitted
from reviews.models import AgentScore, Alert, AuditEvent, CalibrationParticipant
from reviews.selectors.consistency import reviewer_consistency
from reviews.services.calibration import (
    CalibrationError,
    calibration_score,
    calibration_session_close,
    calibration_session_create,
)
from reviews.services.evaluations import AnswerInput
from tests.conftest import client_for, criteria_of
from tests.helpers import active_rule, run_scoring_inline, scored_call

pytestmark = pytest.mark.django_db


def answers(version, points):
    return [
        AnswerInput(criterion_id=c.pk, points=p, not_applicable=p is None)
        for c, p in zip(criteria_of(version), points, strict=True)
    ]


@pytest.fixture
def session(world, published_version, call):
    return calibration_session_create(
        call=call,
        scorecard_version=published_version,
        title="Kalibratie november",
        participants=[world.supervisor, world.other_supervisor, world.qa_lead],
        reference_reviewer=world.qa_lead,
        acting_user=world.qa_lead,
    )


def test_participants_score_blind_until_the_session_closes(world, session, published_version):
    calibration_score(session=session, answers=answers(published_version, [2, 4, 2]), acting_user=world.qa_lead)
    calibration_score(
        session=session,
        answers=answers(published_version, [1, 1, None]),
        acting_user=world.supervisor,
        critical_errors=[CalibrationError("UNREPORTED_SIGNAL", 95, "Signaal gemist")],
    )
    body = client_for(world.other_supervisor).get(f"/api/v1/calibration-sessions/{session.pk}/").json()
    assert body["call"]["agent"] is None  # hidden
    assert body["my_scoring"] is None and body["results"] is None
    assert {p["reviewer"]["username"]: p["has_scored"] for p in body["participants"]} == {
        "sam": True,
        "sara": False,
        "quinn": True,
    }
    text = str(body)
    assert "Signaal gemist" not in text and "offset_seconds" not in text  # nobody else's answers or errors
    mine = client_for(world.supervisor).get(f"/api/v1/calibration-sessions/{session.pk}/").json()["my_scoring"]
    assert [a["points"] for a in mine["answers"]] == [1, 1, None]
    assert client_for(world.colleague).get(f"/api/v1/calibration-sessions/{session.pk}/").status_code == 403
    assert client_for(world.other_agent).get(f"/api/v1/calibration-sessions/{session.pk}/").status_code == 403


def test_closing_computes_agreement_and_deviation_from_the_reference(world, session, published_version):
    calibration_score(session=session, answers=answers(published_version, [2, 4, 2]), acting_user=world.qa_lead)
    calibration_score(session=session, answers=answers(published_version, [2, 2, 2]), acting_user=world.supervisor)
    calibration_score(
        session=session, answers=answers(published_version, [1, 4, None]), acting_user=world.other_supervisor
    )
    closed = calibration_session_close(session=session, acting_user=world.qa_lead)
    results = closed.results
    assert results["deviation_from"] == "reference"
    deviations = {r["reviewer"]: r["deviation"] for r in results["reviewers"]}
    assert deviations == {
        str(world.qa_lead.pk): 0.0,
        str(world.supervisor.pk): -25.0,
        str(world.other_supervisor.pk): -16.7,
    }
    assert results["criteria"][0]["answers"][str(world.other_supervisor.pk)] == 1
    assert results["alpha_points"]["value"] is not None
    assert CalibrationParticipant.objects.get(session=session, reviewer=world.supervisor).deviation == -25
    body = client_for(world.supervisor).get(f"/api/v1/calibration-sessions/{session.pk}/").json()
    assert body["call"]["agent"] is not None  # revealed after closing
    assert body["results"]["reviewer_names"][str(world.supervisor.pk)]


def test_calibration_scorings_never_reach_agent_scores_or_alerts(world, session, published_version):
    active_rule(qa_lead=world.qa_lead, council=world.council, at=timezone.now() - dt.timedelta(days=10), n=1)
    for reviewer in (world.qa_lead, world.supervisor):
        calibration_score(
            session=session,
            answers=answers(published_version, [0, 0, 0]),
            acting_user=reviewer,
            critical_errors=[CalibrationError("UNREPORTED_SIGNAL", 5, "gemist")],
        )
    run_scoring_inline()
    assert not Alert.objects.exists()
    assert AgentScore.objects.get(agent=world.agent).evaluations == 0
    # ...and the agent never sees them as evaluations.
    assert client_for(world.agent).get("/api/v1/evaluations/").json()["results"] == []


def test_only_participants_score_once_and_only_while_open(world, session, published_version):
    with pytest.raises(NotPermitted):
        calibration_score(session=session, answers=answers(published_version, [1, 1, 1]), acting_user=world.council)
    calibration_score(session=session, answers=answers(published_version, [1, 1, 1]), acting_user=world.supervisor)
    with pytest.raises(Conflict):
        calibration_score(session=session, answers=answers(published_version, [1, 1, 1]), acting_user=world.supervisor)
    with pytest.raises(DomainError):
        calibration_session_close(session=session, acting_user=world.qa_lead)  # one scoring is not enough


def test_a_large_deviation_flags_the_reviewer(world, session, published_version, settings):
    settings.CALIBRATION_DEVIATION_THRESHOLD = 20
    calibration_score(session=session, answers=answers(published_version, [2, 4, 2]), acting_user=world.qa_lead)
    calibration_score(session=session, answers=answers(published_version, [0, 1, 0]), acting_user=world.supervisor)
    calibration_score(
        session=session, answers=answers(published_version, [2, 3, 2]), acting_user=world.other_supervisor
    )
    calibration_session_close(session=session, acting_user=world.qa_lead)
    now = timezone.now()
    rows = {r.reviewer.username: r for r in reviewer_consistency(start=now - dt.timedelta(days=30), end=now)}
    assert rows["sam"].flagged and "afwijking" in rows["sam"].flag_reasons[0]
    assert not rows["sara"].flagged  # -12.5 is within 20


def test_a_critical_error_rate_wholly_outside_the_peers_flags_the_reviewer(world, published_version):
    from tests.factories import UserFactory

    peer = UserFactory.create(username="piet", role="supervisor", team=world.supervisor.team)
    for i in range(12):
        scored_call(
            reviewer=world.supervisor,
            agent=world.agent,
            version=published_version,
            started_at=timezone.now() - dt.timedelta(days=1, minutes=i),
        )
        scored_call(
            reviewer=peer,
            agent=world.colleague,
            version=published_version,
            started_at=timezone.now() - dt.timedelta(days=1, minutes=i),
            errors=(),
        )
    now = timezone.now()
    rows = {r.reviewer.username: r for r in reviewer_consistency(start=now - dt.timedelta(days=30), end=now)}
    sam = rows["sam"]
    assert (sam.evaluations, sam.with_critical_errors, sam.rate_per_100) == (12, 12, 100.0)
    assert sam.rate_outside_peers and sam.flagged
    assert rows["piet"].rate_per_100 == 0.0


def test_too_few_evaluations_to_compare_flag_nobody_and_say_so(world, published_version):
    """12 of 12 against 0 of 3: the peers' 3 evaluations say nothing, so no comparison and no flag."""
    from tests.factories import UserFactory

    peer = UserFactory.create(username="piet", role="supervisor", team=world.supervisor.team)
    for i in range(12):
        when = timezone.now() - dt.timedelta(days=1, minutes=i)
        scored_call(reviewer=world.supervisor, agent=world.agent, version=published_version, started_at=when)
        if i < 3:
            scored_call(reviewer=peer, agent=world.colleague, version=published_version, started_at=when, errors=())
    now = timezone.now()
    rows = {r.reviewer.username: r for r in reviewer_consistency(start=now - dt.timedelta(days=30), end=now)}
    assert rows["sam"].too_few_to_judge and not rows["sam"].rate_outside_peers and not rows["sam"].flagged
    assert rows["piet"].too_few_to_judge and not rows["piet"].flagged
    body = client_for(world.qa_lead).get("/api/v1/reviewer-consistency/").json()
    sam = next(r for r in body if r["reviewer"]["username"] == "sam")
    assert sam["too_few_to_judge"] is True
    # The interval is in the rate's own unit: per 100 evaluations.
    assert sam["rate_per_100"] == 100.0 and 70 < sam["interval"]["low"] < 100 and sam["interval"]["high"] == 100.0


def test_a_rule_that_excludes_flagged_reviewers_stops_counting_their_errors_visibly(world, published_version):
    from tests.factories import UserFactory

    start = timezone.now() - dt.timedelta(days=10)
    excluding = active_rule(qa_lead=world.qa_lead, council=world.council, at=start, n=1, exclude_flagged_reviewers=True)
    # sam logs an error in 12 of 12 evaluations; two peers in 2 of 12 each (of the other team's agent).
    peers = [
        UserFactory.create(username=name, role="supervisor", team=world.other_supervisor.team)
        for name in ("piet", "paul")
    ]
    for i in range(12):
        when = timezone.now() - dt.timedelta(days=1, minutes=i)
        scored_call(reviewer=world.supervisor, agent=world.agent, version=published_version, started_at=when)
        for peer in peers:
            scored_call(
                reviewer=peer,
                agent=world.other_agent,
                version=published_version,
                started_at=when,
                errors=("UNREPORTED_SIGNAL",) if i < 2 else (),
            )
    run = run_scoring_inline()
    assert run.excluded_reviewer_ids == [world.supervisor.pk]
    # Alice's errors were all logged by sam and do not count; charlie's (by the peers) still do.
    assert list(Alert.objects.values_list("agent__username", "rule_version")) == [("charlie", excluding.pk)]
    assert AuditEvent.objects.filter(
        action="reviews.scoring_run.started", data__excluded_reviewer_ids=[world.supervisor.pk]
    ).exists()
    # A rule whose terms do not exclude them counts alice's errors as well.
    plain = active_rule(qa_lead=world.qa_lead, council=world.council, at=start, n=1)
    run_scoring_inline()
    assert set(Alert.objects.filter(rule_version=plain).values_list("agent__username", flat=True)) == {
        "alice",
        "charlie",
    }


def test_the_consistency_report_is_the_qa_leads_and_each_reviewer_sees_their_own(world, published_version):
    assert len(client_for(world.qa_lead).get("/api/v1/reviewer-consistency/").json()) == 3
    own = client_for(world.supervisor).get("/api/v1/reviewer-consistency/").json()
    assert [r["reviewer"]["username"] for r in own] == ["sam"]
    assert client_for(world.agent).get("/api/v1/reviewer-consistency/").status_code == 403
    bad = client_for(world.qa_lead).get("/api/v1/reviewer-consistency/", {"start": "gisteren"})
    assert bad.status_code == 400
