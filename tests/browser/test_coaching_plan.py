"""A coaching plan as its agent sees it in a real browser: goals, sessions, and their own comment."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import User
from reviews.models import Evaluation
from reviews.services.coaching import coaching_plan_open, coaching_session_add

pytestmark = pytest.mark.browser


def test_the_agent_sees_the_whole_plan_and_adds_their_comment(open_session):
    supervisor, agent = User.objects.get(username="supervisor_a"), User.objects.get(username="agent_a1")
    evaluation = Evaluation.objects.get(call__external_id="DEMO-AGENT_A1-1", superseded_at__isnull=True)
    plan = coaching_plan_open(
        agent=agent, goals="Signalen over inkomsten herkennen en melden.", evaluation=evaluation, acting_user=supervisor
    )
    coaching_session_add(
        plan=plan,
        held_on=timezone.localdate(),
        notes="Het gesprek samen teruggeluisterd vanaf 1:35.",
        agreed_actions="Bij twijfel altijd melden en navragen.",
        acting_user=supervisor,
    )

    session = open_session()
    session.log_in("agent_a1")
    session.go("/me/")
    session.page.get_by_role("link", name="Coachingsplan").first.click()
    page = session.page
    assert page.get_by_test_id("coaching-goals").inner_text() == "Signalen over inkomsten herkennen en melden."
    assert "Bij twijfel altijd melden en navragen." in page.get_by_test_id("coaching-sessions").inner_text()
    page.fill("#id_comment", "Ik wist niet dat bijverdiensten altijd gemeld moeten worden.")
    page.get_by_role("button", name="Mijn opmerking opslaan").click()
    page.get_by_text("Uw opmerking is bij het plan opgeslagen.").wait_for()
    assert page.get_by_test_id("coaching-comment").inner_text().startswith("Ik wist niet")
    plan.refresh_from_db()
    assert plan.agent_comment.startswith("Ik wist niet")
    session.shot("agent-coaching-plan")
