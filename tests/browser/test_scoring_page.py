"""The scoring page in a real browser: timeline markers that seek, keyboard shortcuts, the live score."""

from __future__ import annotations

import re

import pytest

from reviews.models import CriticalError, CriticalPolicy, Evaluation, ScorecardVersion
from tests.browser.test_pages import wait_until

pytestmark = pytest.mark.browser

PLAYER = "document.getElementById('player')"


def _open_draft(open_session, external_id: str = "DEMO-AGENT_A1-2"):  # type: ignore[no-untyped-def]
    """supervisor_a starts scoring a call of her queue; a call's recording is ready to play."""
    supervisor = open_session()
    supervisor.log_in("supervisor_a")
    page = supervisor.page
    page.select_option("#id_status", "to_score")
    page.click("form.filters button[type=submit]")
    page.get_by_role("link", name=re.compile(external_id)).click()
    page.get_by_role("button", name="Beginnen met scoren").click()
    page.locator("#answers select").first.wait_for()
    if page.locator("audio").count():
        wait_until(page, f"{PLAYER}.readyState >= 1")
    return supervisor, page


def test_logged_errors_appear_on_the_timeline_and_a_marker_seeks_the_recording(open_session):
    supervisor, page = _open_draft(open_session)
    assert page.get_by_test_id("marker").count() == 0
    page.fill("#ce-offset", "200")
    page.select_option("#id_type", "UNREPORTED_SIGNAL")
    page.fill("#id_note", "Beller noemde bijverdiensten; niet gemeld.")
    page.select_option("#id_root_cause", "KNOWLEDGE_GAP")
    page.get_by_role("button", name="Kritieke fout vastleggen").click()
    marker = page.get_by_test_id("marker")
    marker.wait_for()  # swapped in out of band with the error panel, no page load
    assert marker.inner_text().startswith("3:20")
    # Placed on the track at its moment: 200 s of a 365 s call, a little past the middle.
    track = page.locator(".timeline-track").bounding_box()
    box = marker.bounding_box()
    assert track is not None and box is not None
    share = (box["x"] + box["width"] / 2 - track["x"]) / track["width"]
    assert 0.5 < share < 0.6, share

    marker.click()
    wait_until(page, f"Math.floor({PLAYER}.currentTime) >= 200")
    supervisor.shot("scoring-timeline")

    error = CriticalError.objects.get(evaluation__reviewer__username="supervisor_a", offset_seconds=200)
    assert error.type.code == "UNREPORTED_SIGNAL"


def test_keyboard_shortcuts_play_pause_skip_and_log_an_error_at_the_moment(open_session):
    _, page = _open_draft(open_session)
    assert "pauzeren" in page.locator("#shortcuts").inner_text()
    page.locator("h1").click()  # focus on the page, not in a field
    page.keyboard.press("k")
    wait_until(page, f"!{PLAYER}.paused")
    page.keyboard.press("k")
    wait_until(page, f"{PLAYER}.paused")

    page.evaluate(f"{PLAYER}.currentTime = 60")
    wait_until(page, f"Math.round({PLAYER}.currentTime) === 60")
    page.keyboard.press("l")
    wait_until(page, f"Math.round({PLAYER}.currentTime) === 65")
    page.keyboard.press("j")
    page.keyboard.press("j")
    wait_until(page, f"Math.round({PLAYER}.currentTime) === 55")

    page.keyboard.press("e")
    assert page.input_value("#ce-offset") == "55"
    assert page.evaluate("document.activeElement.id") == "id_type"
    assert page.evaluate(f"{PLAYER}.paused")

    # Typing in a field is never taken for a shortcut.
    page.fill("#id_note", "")
    page.locator("#id_note").type("kijk")
    assert page.input_value("#id_note") == "kijk"
    assert page.evaluate(f"{PLAYER}.paused")


def test_the_score_follows_the_answers_as_they_change_without_saving(open_session):
    # Under a scorecard whose policy sets the score to 0 on a critical error.
    ScorecardVersion.objects.filter(status="published").update(critical_policy=CriticalPolicy.ZERO)
    _, page = _open_draft(open_session)
    live = page.get_by_test_id("live-score")
    assert "\u2013" in live.inner_text()  # a dash: nothing answered yet
    answers = page.locator("#answers select")
    answers.nth(0).select_option("2")  # 2 of 2
    page.get_by_test_id("live-score").filter(has_text="2 van 2 punten").wait_for()
    answers.nth(1).select_option("1")  # 1 of 4 more: 3 of 6
    page.get_by_test_id("live-score").filter(has_text="3 van 6 punten").wait_for()
    assert "50,0" in page.get_by_test_id("live-score").inner_text()
    draft = Evaluation.objects.get(call__external_id="DEMO-AGENT_A1-2", reviewer__username="supervisor_a")
    assert draft.answers.count() == 0  # only shown, nothing saved

    # A critical error sets the score to 0 under the scorecard's policy, and the score says so at once.
    page.fill("#ce-offset", "30")
    page.select_option("#id_type", "UNREPORTED_SIGNAL")
    page.fill("#id_note", "Signaal niet gemeld.")
    page.select_option("#id_root_cause", "KNOWLEDGE_GAP")
    page.get_by_role("button", name="Kritieke fout vastleggen").click()
    page.get_by_test_id("live-score").filter(has_text="op 0 gezet").wait_for()
