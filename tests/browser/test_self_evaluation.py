"""Self-evaluation in a real browser: the invited agent scores their call blind, then sees both scorings."""

from __future__ import annotations

import pytest

from accounts.models import User
from reviews.models import Evaluation, SelfEvaluation, SelfEvaluationStatus

pytestmark = pytest.mark.browser


def test_the_agent_scores_blind_and_then_sees_the_comparison(open_session):
    agent = User.objects.get(username="agent_a2")
    evaluation = Evaluation.objects.get(call__external_id="DEMO-AGENT_A2-3")
    invitation = SelfEvaluation.objects.get(evaluation=evaluation, agent=agent)
    assert invitation.status == SelfEvaluationStatus.INVITED

    session = open_session()
    session.log_in("agent_a2")
    session.go(f"/evaluations/{evaluation.pk}/")
    page = session.page
    # Blind: the reviewer's score and answers are not on the page, the invitation is.
    assert page.get_by_test_id("score-withheld").is_visible()
    assert page.get_by_test_id("score").count() == 0
    page.get_by_role("link", name="Het gesprek zelf scoren").click()
    page.get_by_test_id("self-evaluation-form").wait_for()
    page.get_by_role("button", name="Mijn scoring opslaan").click()  # nothing chosen yet: the browser refuses
    assert page.get_by_label("Identiteit geverifieerd").evaluate("el => el.validity.valueMissing") is True
    assert SelfEvaluation.objects.get(pk=invitation.pk).status == SelfEvaluationStatus.INVITED
    page.get_by_label("Identiteit geverifieerd").select_option("2")
    page.get_by_label("Juiste informatie over de uitkering").select_option("3")
    page.get_by_label("Vervolgstappen duidelijk uitgelegd").select_option("na")
    page.get_by_label("Signaal gemeld waar nodig").select_option("na")
    page.get_by_label("Respectvolle bejegening").select_option("2")
    page.get_by_role("button", name="Mijn scoring opslaan").click()
    comparison = page.get_by_test_id("self-evaluation-comparison")
    comparison.wait_for()
    rows = comparison.locator("tbody tr")
    assert rows.count() == 5
    # Juiste informatie: own 3 of 4, the reviewer's 4 of 4, a difference of -1.
    assert rows.nth(1).inner_text().split("\t")[1:] == ["3 / 4", "4 / 4", "-1"]
    assert page.get_by_test_id("score").is_visible()
    invitation.refresh_from_db()
    assert invitation.status == SelfEvaluationStatus.SUBMITTED
    session.shot("agent-self-evaluation")
