"""Coaching before sanction: plans opened by a coach (or by a confirmed coaching alert), seen whole by
their agent, in the export, and counted for the works council as support before a warning."""

import datetime as dt

import pytest
from django.utils import timezone

from reviews.domain.errors import Conflict, NotPermitted
from reviews.models import Alert, AuditAction, AuditEvent, CoachingPlan, Notification
from reviews.selectors.council_support import support_before_sanction, warnings_without_coaching
from reviews.services.alerts import alert_decide, alert_view_evidence
from reviews.services.coaching import (
    coaching_plan_close,
    coaching_plan_comment,
    coaching_plan_open,
    coaching_session_add,
)
from tests.conftest import client_for
from tests.helpers import active_rule, run_scoring_inline, scored_call

pytestmark = pytest.mark.django_db
REASON = "Besproken met de medewerker en teruggeluisterd."


def test_a_coach_opens_a_plan_the_agent_sees_whole_and_comments_on(world, published_version):
    evaluation = scored_call(
        reviewer=world.supervisor, agent=world.agent, version=published_version, started_at=timezone.now()
    )
    with pytest.raises(NotPermitted):  # another team's supervisor does not coach alice
        coaching_plan_open(agent=world.agent, goals="Signalen melden.", acting_user=world.other_supervisor)
    response = client_for(world.supervisor).post(
        "/api/v1/coaching-plans/",
        {"agent": world.agent.pk, "goals": "Signalen herkennen en melden.", "evaluation": evaluation.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    plan = CoachingPlan.objects.get()
    assert list(plan.linked_evaluations.all()) == [evaluation]
    coaching_session_add(
        plan=plan,
        held_on=timezone.localdate(),
        notes="Twee gesprekken samen teruggeluisterd.",
        agreed_actions="Bij twijfel altijd melden.",
        acting_user=world.supervisor,
    )
    with pytest.raises(NotPermitted):
        coaching_plan_comment(plan=plan, comment="Mijn kant.", acting_user=world.supervisor)
    commented = client_for(world.agent).post(
        f"/api/v1/coaching-plans/{plan.pk}/comment/", {"comment": "Ik wist niet dat dit gemeld moest."}, format="json"
    )
    assert commented.status_code == 200, commented.content
    seen = client_for(world.agent).get(f"/api/v1/coaching-plans/{plan.pk}/").json()
    assert seen["goals"] == "Signalen herkennen en melden."
    assert [s["agreed_actions"] for s in seen["sessions"]] == ["Bij twijfel altijd melden."]
    assert seen["agent_comment"] == "Ik wist niet dat dit gemeld moest."
    assert client_for(world.colleague).get(f"/api/v1/coaching-plans/{plan.pk}/").status_code == 404
    assert Notification.objects.filter(recipient=world.agent, kind="coaching_plan_opened").exists()
    assert AuditEvent.objects.filter(action=AuditAction.COACHING_SESSION_RECORDED, subject=world.agent).exists()
    # In the agent's own export: the plan and its sessions.
    export = client_for(world.agent).get("/api/v1/me/export/").json()["records"]
    assert [p["goals"] for p in export["reviews.coachingplan"]] == ["Signalen herkennen en melden."]
    assert len(export["reviews.coachingsession (of my coaching plans)"]) == 1
    closed = coaching_plan_close(plan=plan, status="completed", note="Doelen gehaald.", acting_user=world.supervisor)
    assert closed.status == "completed"
    with pytest.raises(Conflict):
        coaching_plan_comment(plan=plan, comment="Nog iets.", acting_user=world.agent)


def test_a_confirmed_coaching_alert_opens_a_plan(world, published_version):
    now = timezone.now()
    active_rule(qa_lead=world.qa_lead, council=world.council, n=1, at=now - dt.timedelta(days=5))
    scored_call(
        reviewer=world.supervisor, agent=world.agent, version=published_version, started_at=now - dt.timedelta(days=1)
    )
    run_scoring_inline()
    alert = Alert.objects.get()
    alert_view_evidence(alert=alert, acting_user=world.qa_lead)
    alert_decide(alert=alert, decision="confirm", rationale=REASON, acting_user=world.qa_lead)
    plan = CoachingPlan.objects.get()
    assert (plan.agent_id, plan.alert_id, plan.opened_by_id) == (world.agent.pk, alert.pk, world.qa_lead.pk)


def test_support_before_sanction_matches_a_hand_count(world, published_version, settings):
    settings.SMALL_CELL_K = 1
    now = timezone.now()
    active_rule(
        qa_lead=world.qa_lead, council=world.council, n=1, level="formal_warning", at=now - dt.timedelta(days=20)
    )
    # alice was coached before her warning; bob was not.
    coaching_plan_open(agent=world.agent, goals="Melden oefenen.", acting_user=world.supervisor)
    for agent in (world.agent, world.colleague):
        scored_call(
            reviewer=world.other_supervisor,
            agent=agent,
            version=published_version,
            started_at=now - dt.timedelta(days=2),
        )
    run_scoring_inline()
    for alert in Alert.objects.order_by("pk"):
        alert_view_evidence(alert=alert, acting_user=world.qa_lead)
        alert_decide(alert=alert, decision="confirm", rationale=REASON, acting_user=world.qa_lead)
    figures = support_before_sanction(start=now - dt.timedelta(days=1), end=now + dt.timedelta(days=1))
    assert figures["overall"] == {"warnings": 2, "preceded_by_coaching": 1, "share_preceded": 0.5}
    teams = {row["group"]: row for row in figures["team"]}
    assert teams["Team A"] == {"group": "Team A", "warnings": 2, "preceded_by_coaching": 1, "share_preceded": 0.5}
    rule_id = Alert.objects.first().rule_id
    assert warnings_without_coaching(start=now - dt.timedelta(days=1), end=now + dt.timedelta(days=1)) == {rule_id: 1}
    # With k = 2 the employment types (one agent each) are hidden, and so is what would give them back.
    settings.SMALL_CELL_K = 2
    hidden = support_before_sanction(start=now - dt.timedelta(days=1), end=now + dt.timedelta(days=1))
    assert all(row["warnings"] is None for row in hidden["employment_type"])
