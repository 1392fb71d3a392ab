"""A second opinion in a real browser: the task in the work queue, the recording at the error's moment
without the first judgment, a disagreement, and the QA lead's decision."""

from __future__ import annotations

import pytest

from accounts.models import User
from reviews.models import ConfirmationStatus, ConfirmationTask, CriticalErrorType, Evaluation, RootCause
from reviews.services.critical_errors import critical_error_log
from reviews.services.evaluations import evaluation_submit
from tests.helpers import active_rule

pytestmark = pytest.mark.browser

NOTE = "Gegevens genoemd voordat de identiteit was gecontroleerd."


def test_the_second_reviewer_judges_blind_and_a_qa_lead_decides_the_disagreement(open_session):
    qa_lead, council = User.objects.get(username="qa_lead"), User.objects.get(username="council")
    active_rule(qa_lead=qa_lead, council=council, types=("PRIVACY_BREACH",), n=2, requires_confirmation=True)
    draft = Evaluation.objects.get(call__external_id="DEMO-AGENT_B2-1")
    critical_error_log(
        evaluation=draft,
        error_type=CriticalErrorType.objects.get(code="PRIVACY_BREACH"),
        offset_seconds=75,
        note=NOTE,
        root_cause=RootCause.objects.get(code="CARELESSNESS", is_active=True),
        acting_user=draft.reviewer,
    )
    evaluation_submit(evaluation=draft, acting_user=draft.reviewer)
    task = ConfirmationTask.objects.get()
    assert task.assignee.username == "supervisor_a"  # not the reviewer, not the agent's team

    second = open_session()
    second.log_in("supervisor_a")
    page = second.page
    page.get_by_test_id("queue-confirmations").get_by_role("link").click()
    page.get_by_role("heading", name="Uw oordeel").wait_for()
    # The recording starts 30 seconds before the moment; nothing of the first judgment is on the page.
    assert page.locator("#player").get_attribute("data-start") == "45"
    assert NOTE not in page.content() and "Onzorgvuldigheid" not in page.content()
    second.shot("second-opinion-blind")
    page.get_by_label("Nee, ik hoor deze fout niet").check()
    page.get_by_role("button", name="Mijn oordeel geven").click()
    page.get_by_text("een QA-lead beslist").first.wait_for()
    task.refresh_from_db()
    assert task.status == ConfirmationStatus.DISPUTED

    lead = open_session()
    lead.log_in("qa_lead")
    lead.go(f"/confirmations/{task.pk}/")
    lead.page.get_by_text(NOTE).wait_for()  # the QA lead sees both judgments
    lead.page.get_by_label("De fout staat: zij telt mee").check()
    lead.page.fill("#id_rationale", "Op 1:15 worden gegevens genoemd zonder controle; de fout staat.")
    lead.page.get_by_role("button", name="Besluiten").click()
    lead.page.get_by_text("Beslist.").wait_for()
    task.refresh_from_db()
    assert task.status == ConfirmationStatus.CONFIRMED and task.critical_error.confirmed_at is not None
    lead.shot("second-opinion-decided")
