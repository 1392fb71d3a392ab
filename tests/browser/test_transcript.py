"""The transcript beside the recording, in a real browser: a line seeks the player, the line being
played is highlighted, and a critical error is logged at a line."""

from __future__ import annotations

import pytest

from reviews.models import CriticalError
from tests.browser.test_pages import wait_until
from tests.browser.test_scoring_page import PLAYER, _open_draft

pytestmark = pytest.mark.browser


def test_a_line_seeks_the_recording_and_an_error_is_logged_at_a_line(open_session):
    supervisor, page = _open_draft(open_session)  # DEMO-AGENT_A1-2, which has a transcript
    lines = page.locator("#transcript .segment")
    assert lines.count() == 6
    # "…Moet ik dat doorgeven, nu we gaan samenwonen?" starts at 0:07; the reply at 0:20.
    page.locator("#transcript .segment", has_text="nu we gaan samenwonen").locator(".said").click()
    wait_until(page, f"Math.floor({PLAYER}.currentTime) >= 7")
    page.evaluate(f"{PLAYER}.pause(); {PLAYER}.currentTime = 25")
    wait_until(page, "document.querySelector('#segment-2').classList.contains('current')")
    assert page.locator("#transcript .segment.current").count() == 1

    page.locator("#segment-1").get_by_role("button", name="Fout hier").click()
    assert page.input_value("#ce-offset") == "7"
    assert page.evaluate("document.activeElement.id") == "id_type"
    page.select_option("#id_type", "UNREPORTED_SIGNAL")
    page.fill("#id_note", "Samenwonen genoemd; wel doorgezet, maar niet als signaal gemeld.")
    page.select_option("#id_root_cause", "UNCLEAR_POLICY")
    page.get_by_role("button", name="Kritieke fout vastleggen").click()
    page.get_by_test_id("marker").wait_for()
    supervisor.shot("scoring-transcript")
    error = CriticalError.objects.get(
        evaluation__reviewer__username="supervisor_a", evaluation__call__external_id="DEMO-AGENT_A1-2"
    )
    assert error.offset_seconds == 7
