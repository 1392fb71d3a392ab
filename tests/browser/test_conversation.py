"""A chat scored end to end in a real browser: the conversation instead of a player, a critical error
logged at a message, the evaluation submitted, and the agent reading it beside the messages."""

from __future__ import annotations

import pytest

from reviews.models import CriticalError, Evaluation, EvaluationStatus
from tests.browser.test_scoring_page import _open_draft

pytestmark = pytest.mark.browser


def test_a_chat_is_scored_end_to_end_with_an_error_at_a_message(open_session):
    supervisor, page = _open_draft(open_session, "DEMO-CHAT-A1-1")
    assert page.locator("audio").count() == 0, "a chat has no player"
    assert page.get_by_role("heading", name="Conversatie (Chat)").is_visible()
    messages = page.locator("#transcript .segment")
    assert messages.count() == 6
    assert messages.nth(0).locator(".who").inner_text() == "Klant"

    answers = page.locator("#answers select")
    for index in range(answers.count()):
        answers.nth(index).select_option("1")
    page.get_by_role("button", name="Concept opslaan").click()
    page.get_by_text("Concept opgeslagen.").wait_for()

    # "…krijg daarvoor contant betaald" was written at 1:35.
    page.locator("#transcript .segment", has_text="contant betaald").get_by_role("button", name="Fout hier").click()
    assert page.input_value("#ce-offset") == "95"
    page.select_option("#id_type", "UNREPORTED_SIGNAL")
    page.fill("#id_note", "Inkomsten uit kamerverhuur genoemd; wel doorverwezen, niet als signaal gemeld.")
    page.select_option("#id_root_cause", "KNOWLEDGE_GAP")
    page.get_by_role("button", name="Kritieke fout vastleggen").click()
    page.locator("#ce-panel").get_by_role("link", name="1:35").wait_for()
    supervisor.shot("scoring-chat")

    page.get_by_role("button", name="Beoordeling indienen").click()
    page.get_by_test_id("consequence").wait_for()
    page.get_by_role("button", name="Beoordeling indienen").click()
    page.get_by_text("Beoordeling ingediend.").wait_for()
    evaluation = Evaluation.objects.get(call__external_id="DEMO-CHAT-A1-1", reviewer__username="supervisor_a")
    assert evaluation.status == EvaluationStatus.SUBMITTED
    error = CriticalError.objects.get(evaluation=evaluation)
    assert (error.type.code, error.offset_seconds) == ("UNREPORTED_SIGNAL", 95)

    agent = open_session()
    agent.log_in("agent_a1")
    agent.go(f"/evaluations/{evaluation.pk}/")
    assert agent.page.get_by_role("heading", name="Conversatie (Chat)").is_visible()
    assert agent.page.locator("#transcript .segment", has_text="contant betaald").is_visible()
    agent.shot("agent-chat-evaluation")
