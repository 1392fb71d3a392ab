"""The appeal handler's form in a real browser: the original answers, the recording, "uphold all", reasons."""

from __future__ import annotations

import pytest

from accounts.models import User
from reviews.models import Appeal, AppealStatus, Evaluation
from reviews.services.appeals import appeal_start_review, appeal_submit
from tests.browser.test_pages import wait_until

pytestmark = pytest.mark.browser


def test_the_handler_sees_the_original_answers_plays_the_call_and_upholds_all_with_reasons(open_session):
    agent = User.objects.get(username="agent_a1")
    evaluation = Evaluation.objects.get(call__external_id="DEMO-AGENT_A1-1", superseded_at__isnull=True)
    answer = evaluation.answers.select_related("criterion").order_by("criterion__position", "pk").first()
    error = evaluation.critical_errors.get()
    appeal = appeal_submit(
        evaluation=evaluation,
        reason="Ik heb de identiteit wel gecontroleerd en er was geen signaal.",
        critical_error_ids=[error.pk],
        criterion_ids=[answer.criterion_id],
        acting_user=agent,
    )
    assert appeal.assignee is not None
    appeal_start_review(appeal=appeal, acting_user=appeal.assignee)

    handler = open_session()
    handler.log_in(appeal.assignee.username)
    handler.go(f"/appeals/{appeal.pk}/")
    page = handler.page
    original = f"{answer.points} van {answer.criterion.max_points} punten"
    assert page.get_by_test_id("original-answer").inner_text() == original
    # The call plays from the contested moment, from the form itself.
    moment = f"{error.offset_seconds // 60}:{error.offset_seconds % 60:02d}"
    page.get_by_role("link", name=f"afspelen vanaf {moment}").click()
    wait_until(page, f"Math.floor(document.getElementById('player').currentTime) >= {error.offset_seconds}")

    # A one-word reason for an item is refused, in Dutch, at the item, and nothing is decided.
    handler.expect_refusal()
    page.fill("#id_rationale", "Teruggeluisterd: het antwoord en de fout staan.")
    page.fill(f"#id_i{appeal.items.get(critical_error=error).pk}_rationale", "Klopt.")
    page.get_by_role("button", name="Besluit vastleggen").click()
    item_problem = page.get_by_test_id("appeal-item").filter(has_text="Klopt.").locator(".errorlist")
    assert item_problem.inner_text() == "Licht het besluit over dit onderdeel toe in minstens 10 tekens."
    assert "items[" not in page.locator("main").inner_text()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.IN_REVIEW
    handler.shot("handler-appeal-form")

    # "Uphold all": the error's own (now long enough) reason is kept; the answer takes the overall rationale.
    page.fill(f"#id_i{appeal.items.get(critical_error=error).pk}_rationale", "Het signaal is op de opname te horen.")
    page.fill("#id_rationale", "Teruggeluisterd: het antwoord en de fout staan.")
    page.get_by_role("button", name="Alle onderdelen handhaven").click()
    page.get_by_text("Over het bezwaar is besloten").wait_for()
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.status == AppealStatus.UPHELD
    reasons = {item.critical_error_id is not None: item.rationale for item in appeal.items.all()}
    assert reasons == {
        True: "Het signaal is op de opname te horen.",
        False: "Teruggeluisterd: het antwoord en de fout staan.",
    }
    assert not any(item.overturned for item in appeal.items.all())
