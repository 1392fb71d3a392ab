"""Self-evaluation: the agent scores their own evaluated call blind, then sees both scorings side by side.

It is turned on per scorecard version by a QA lead; while the agent may still score, the reviewer's
score, summary and answers are withheld from them (never the critical errors); it never counts.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from reviews.domain.errors import Conflict
from reviews.domain.scoring import AnswerValue
from reviews.models import AgentScore, AuditAction, AuditEvent, Notification, SelfEvaluation, SelfEvaluationStatus
from reviews.selectors.consistency import reviewer_consistency
from reviews.services.self_evaluations import self_evaluation_decline, self_evaluation_submit
from tests.conftest import client_for, criteria_of
from tests.helpers import run_scoring_inline, scored_call

pytestmark = pytest.mark.django_db


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def mid_month():
    """Monthly scores count a call in the month it took place: the whole test stays inside one month,
    whatever the day it runs on (the first hours of a month would put yesterday's call in the last)."""
    with time_machine.travel(dt.datetime(2026, 11, 16, 11, 0, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def invited(world, published_version):
    """Self-evaluation turned on by the QA lead (API), and an evaluation of alice's call submitted."""
    refused = client_for(world.supervisor).post(
        f"/api/v1/scorecard-versions/{published_version.pk}/self-evaluation/", {"enabled": True}, format="json"
    )
    assert refused.status_code == 403
    turned_on = client_for(world.qa_lead).post(
        f"/api/v1/scorecard-versions/{published_version.pk}/self-evaluation/", {"enabled": True}, format="json"
    )
    assert turned_on.status_code == 200, turned_on.content
    assert turned_on.json()["self_evaluation"] is True
    assert AuditEvent.objects.filter(action=AuditAction.SCORECARD_VERSION_SELF_EVALUATION).count() == 1
    evaluation = scored_call(
        reviewer=world.supervisor,
        agent=world.agent,
        version=published_version,
        started_at=timezone.now() - dt.timedelta(days=1),
    )
    return evaluation


def own_answers(version) -> list[dict]:
    identity, information, signal = criteria_of(version)
    return [
        {"criterion": identity.pk, "points": 2, "comment": "Naam en BSN gevraagd."},
        {"criterion": information.pk, "points": 4},
        {"criterion": signal.pk, "points": None, "not_applicable": True},
    ]


def test_the_agent_scores_blind_then_both_see_the_two_side_by_side(world, published_version, invited):
    invitation = SelfEvaluation.objects.get()
    assert invitation.agent == world.agent and invitation.status == SelfEvaluationStatus.INVITED
    assert Notification.objects.filter(recipient=world.agent, kind="self_evaluation_invited").exists()
    # Withheld from the agent, in the API and on the pages: score, answers, summary; never the errors.
    mine = client_for(world.agent).get(f"/api/v1/evaluations/{invited.pk}/").json()
    assert mine["scoring_withheld"] is True
    assert (mine["score"], mine["answers"], mine["points_earned"]) == (None, [], None)
    assert [e["type"] for e in mine["critical_errors"]] == ["UNREPORTED_SIGNAL"]
    listed = client_for(world.agent).get("/api/v1/evaluations/").json()["results"]
    assert [(e["score"], e["scoring_withheld"]) for e in listed] == [(None, True)]
    overview = client_for(world.agent).get("/api/v1/me/overview/").json()["evaluations"]
    assert [(e["score"], e["scoring_withheld"]) for e in overview] == [(None, True)]
    supervisor_view = client_for(world.supervisor).get(f"/api/v1/evaluations/{invited.pk}/").json()
    assert (supervisor_view["score"], supervisor_view["scoring_withheld"]) == ("37.5", False)
    page = page_client(world.agent).get(f"/evaluations/{invited.pk}/").content.decode()
    assert 'data-testid="self-evaluation-invite"' in page and 'data-testid="score"' not in page
    assert "37.5" not in page and "37,5" not in page
    table = page_client(world.agent).get("/me/").content.decode().split("<table>")[1].split("</table>")[0]
    assert "37,5" not in table and "37.5" not in table and "eerst zelf scoren" in table

    # An incomplete scoring is refused with a message and nothing is saved.
    identity = criteria_of(published_version)[0]
    incomplete = client_for(world.agent).post(
        f"/api/v1/self-evaluations/{invitation.pk}/submit/",
        {"answers": [{"criterion": identity.pk, "points": 2}]},
        format="json",
    )
    assert incomplete.status_code == 400
    assert "answers" in incomplete.json()["fields"]
    too_many = client_for(world.agent).post(
        f"/api/v1/self-evaluations/{invitation.pk}/submit/",
        {"answers": [{"criterion": identity.pk, "points": 3}]},
        format="json",
    )
    assert too_many.status_code == 400
    assert SelfEvaluation.objects.get().status == SelfEvaluationStatus.INVITED
    assert (
        client_for(world.colleague)
        .post(
            f"/api/v1/self-evaluations/{invitation.pk}/submit/",
            {"answers": own_answers(published_version)},
            format="json",
        )
        .status_code
        == 404
    )
    assert (
        client_for(world.supervisor)
        .post(
            f"/api/v1/self-evaluations/{invitation.pk}/submit/",
            {"answers": own_answers(published_version)},
            format="json",
        )
        .status_code
        == 403
    )

    done = client_for(world.agent).post(
        f"/api/v1/self-evaluations/{invitation.pk}/submit/",
        {"answers": own_answers(published_version), "comment": "Ik vond het een goed gesprek."},
        format="json",
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["status"], body["score"], body["is_open"]) == ("submitted", "100.0", False)
    assert [(r["own_points"], r["reviewer_points"], r["difference"]) for r in body["comparison"]] == [
        (2, 1, 1),
        (4, 1, 3),
        (None, 1, None),
    ]
    assert Notification.objects.filter(recipient=world.supervisor, kind="self_evaluation_submitted").exists()
    assert AuditEvent.objects.filter(action=AuditAction.SELF_EVALUATION_SUBMITTED, subject=world.agent).exists()
    # Now the agent sees the reviewer's scoring, and both of them the comparison.
    assert client_for(world.agent).get(f"/api/v1/evaluations/{invited.pk}/").json()["score"] == "37.5"
    assert client_for(world.agent).get("/api/v1/me/overview/").json()["evaluations"][0]["score"] == "37.5"
    for person in (world.agent, world.supervisor):
        page = page_client(person).get(f"/evaluations/{invited.pk}/").content.decode()
        assert 'data-testid="self-evaluation-comparison"' in page
        assert "Naam en BSN gevraagd." in page
    # Once only.
    with pytest.raises(Conflict):
        self_evaluation_submit(
            self_evaluation=invitation,
            answers=[
                AnswerValue(a["criterion"], a["points"], a.get("not_applicable", False))
                for a in own_answers(published_version)
            ],
            acting_user=world.agent,
        )
    # In the agent's own export.
    records = client_for(world.agent).get("/api/v1/me/export/").json()["records"]
    assert [r["status"] for r in records["reviews.selfevaluation"]] == ["submitted"]
    assert len(records["reviews.selfanswer (of my self-evaluations)"]) == 3
    # Another agent sees none of it.
    assert client_for(world.colleague).get(f"/api/v1/self-evaluations/{invitation.pk}/").status_code == 404
    assert client_for(world.council).get("/api/v1/self-evaluations/").status_code == 403


def test_a_self_evaluation_never_counts(world, published_version, invited):
    now = timezone.now()
    before = reviewer_consistency(start=now - dt.timedelta(days=30), end=now + dt.timedelta(days=1))
    self_evaluation_submit(
        self_evaluation=SelfEvaluation.objects.get(),
        answers=[
            AnswerValue(a["criterion"], a["points"], a.get("not_applicable", False))
            for a in own_answers(published_version)
        ],
        acting_user=world.agent,
    )
    after = reviewer_consistency(start=now - dt.timedelta(days=30), end=now + dt.timedelta(days=1))
    assert after == before
    run_scoring_inline()
    # The monthly score is the reviewer's 37.5, not the agent's own 100.
    assert [s.mean_score for s in AgentScore.objects.filter(agent=world.agent)] == [Decimal("37.5")]


def test_skipping_shows_the_scoring_and_closes_the_invitation(world, invited):
    invitation = SelfEvaluation.objects.get()
    response = page_client(world.agent).post(f"/self-evaluations/{invitation.pk}/decline/")
    assert response.status_code == 302
    assert SelfEvaluation.objects.get().status == SelfEvaluationStatus.DECLINED
    assert client_for(world.agent).get(f"/api/v1/evaluations/{invited.pk}/").json()["score"] == "37.5"
    again = client_for(world.agent).post(f"/api/v1/self-evaluations/{invitation.pk}/decline/")
    assert again.status_code == 409
    assert again.json()["detail"] == "U hebt deze uitnodiging al beantwoord."


def test_a_lapsed_invitation_shows_the_scoring_and_takes_no_scoring(world, published_version, invited):
    invitation = SelfEvaluation.objects.get()
    with time_machine.travel(invitation.open_until + dt.timedelta(minutes=1)):
        assert client_for(world.agent).get(f"/api/v1/evaluations/{invited.pk}/").json()["score"] == "37.5"
        assert page_client(world.agent).get(f"/self-evaluations/{invitation.pk}/").status_code == 302
        with pytest.raises(Conflict):
            self_evaluation_decline(self_evaluation=invitation, acting_user=world.agent)


def test_the_page_form_reports_a_missing_answer_in_dutch_and_keeps_what_was_chosen(world, published_version, invited):
    invitation = SelfEvaluation.objects.get()
    identity, information, signal = criteria_of(published_version)
    client = page_client(world.agent)
    response = client.post(
        f"/self-evaluations/{invitation.pk}/",
        {f"c{identity.pk}": "2", f"c{information.pk}": "", f"c{signal.pk}": "na", f"r{identity.pk}": "Gevraagd."},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Dit veld is vereist." in page
    assert 'value="Gevraagd."' in page
    assert SelfEvaluation.objects.get().status == SelfEvaluationStatus.INVITED


def test_a_version_that_does_not_ask_invites_nobody(world, published_version):
    scored_call(reviewer=world.supervisor, agent=world.agent, version=published_version, started_at=timezone.now())
    assert not SelfEvaluation.objects.exists()


def test_a_self_evaluation_leaves_with_its_evaluation_under_retention(world, published_version, invited):
    from reviews.models import Evaluation, SelfAnswer
    from reviews.services.retention import retention_apply

    self_evaluation_submit(
        self_evaluation=SelfEvaluation.objects.get(),
        answers=[
            AnswerValue(a["criterion"], a["points"], a.get("not_applicable", False))
            for a in own_answers(published_version)
        ],
        acting_user=world.agent,
    )
    counts = retention_apply(now=timezone.now() + dt.timedelta(days=800))
    assert counts["evaluations"] >= 1
    assert not Evaluation.objects.filter(pk=invited.pk).exists()
    assert not SelfEvaluation.objects.exists() and not SelfAnswer.objects.exists()
