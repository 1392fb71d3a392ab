"""The pages people use, end to end in a real browser (Chromium), against PostgreSQL and a real worker."""

from __future__ import annotations

import re
import time

import pytest

from accounts.models import User
from reviews.models import (
    Appeal,
    AppealStatus,
    ConsentRecord,
    CriticalError,
    CriticalErrorStatus,
    Evaluation,
    EvaluationStatus,
    RuleVersion,
    RuleVersionStatus,
    ScoringRun,
)

pytestmark = pytest.mark.browser


def wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Poll an expression in the page. Playwright's wait_for_function compiles its predicate with
    eval in the page when it has to poll, which the pages' Content-Security-Policy forbids."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting for {expression}")
        time.sleep(0.05)


def test_a_supervisor_scores_a_call_end_to_end_with_a_critical_error_at_the_players_time(open_session):
    supervisor = open_session()
    supervisor.log_in("supervisor_a")
    page = supervisor.page
    assert page.url.endswith("/queue/")
    supervisor.shot("supervisor-queue")

    page.select_option("#id_status", "to_score")
    page.click("form.filters button[type=submit]")
    page.get_by_role("link", name=re.compile("DEMO-AGENT_A1-2")).click()
    page.get_by_role("button", name="Beginnen met scoren").click()

    answers = page.locator("#answers select")
    assert answers.count() == 5
    for index in range(answers.count()):
        answers.nth(index).select_option("1")
    page.get_by_role("button", name="Concept opslaan").click()
    page.get_by_text("Concept opgeslagen.").wait_for()

    # Play the recording to second 95, then let the button copy the player's time into the form.
    wait_until(page, "document.getElementById('player').readyState >= 1")
    page.evaluate("document.getElementById('player').currentTime = 95.4")
    wait_until(page, "Math.floor(document.getElementById('player').currentTime) === 95")
    page.get_by_role("button", name="Kritieke fout op het huidige afspeelmoment").click()
    assert page.input_value("#ce-offset") == "95"
    page.select_option("#id_type", "UNREPORTED_SIGNAL")
    page.fill("#id_note", "Beller noemde inkomsten uit verhuur; medewerker meldde het niet.")
    page.select_option("#id_root_cause", "TIME_PRESSURE")
    page.get_by_role("button", name="Kritieke fout vastleggen").click()
    page.locator("#ce-panel").get_by_role("link", name="1:35").wait_for()  # swapped in by htmx, no page load
    supervisor.shot("supervisor-scoring")

    page.get_by_role("button", name="Beoordeling indienen").click()
    # A confirmation step says what happens, and to whom, before anything is submitted.
    page.get_by_test_id("consequence").wait_for()
    assert "Anouk Arends ziet deze beoordeling" in page.get_by_test_id("consequence").inner_text()
    assert Evaluation.objects.get(call__external_id="DEMO-AGENT_A1-2", reviewer__username="supervisor_a").status == (
        EvaluationStatus.DRAFT
    )
    supervisor.shot("supervisor-submit-confirmation")
    page.get_by_role("button", name="Beoordeling indienen").click()
    page.get_by_text("Beoordeling ingediend.").wait_for()
    supervisor.shot("supervisor-evaluation")

    evaluation = Evaluation.objects.get(call__external_id="DEMO-AGENT_A1-2", reviewer__username="supervisor_a")
    assert evaluation.status == EvaluationStatus.SUBMITTED
    assert evaluation.answers.count() == 5
    error = CriticalError.objects.get(evaluation=evaluation)
    assert (error.type.code, error.offset_seconds, error.root_cause.code) == ("UNREPORTED_SIGNAL", 95, "TIME_PRESSURE")


def test_an_agent_appeals_a_critical_error_and_an_independent_supervisor_decides_it(open_session):
    agent = open_session()
    agent.log_in("agent_a1")
    page = agent.page
    assert page.url.endswith("/me/")
    assert page.locator("svg.chart circle").count() >= 1  # the score trend
    agent.shot("agent-overview")

    page.get_by_role("link", name="DEMO-AGENT_A1-1").click()
    page.get_by_text("Niet-gemeld signaal", exact=False).first.wait_for()
    agent.shot("agent-evaluation")
    page.get_by_label(re.compile("Niet-gemeld signaal")).check()
    page.fill("#id_reason", "De beller noemde geen inkomsten; luister vanaf 1:30 nog eens terug.")
    page.get_by_role("button", name="Bezwaar indienen").click()
    page.get_by_text("Uw bezwaar is ingediend.").wait_for()
    agent.shot("agent-appeal")

    appeal = Appeal.objects.get(agent__username="agent_a1")
    assert appeal.status == AppealStatus.SUBMITTED
    assignee = appeal.assignee
    assert assignee is not None and assignee.username != "supervisor_a"  # never the reviewer

    handler = open_session()
    handler.log_in(assignee.username)
    handler.go(f"/appeals/{appeal.pk}/")
    handler.page.get_by_role("button", name="Behandeling starten").click()
    item = appeal.items.get()
    handler.page.check(f"#id_i{item.pk}_overturned")
    handler.page.fill(f"#id_i{item.pk}_rationale", "Op 1:35 noemt de beller geen inkomsten.")
    handler.page.fill("#id_rationale", "Na terugluisteren: geen signaal gemist door de medewerker.")
    handler.shot("handler-appeal-decision")
    handler.page.get_by_role("button", name="Besluit vastleggen").click()
    handler.page.get_by_text("Over het bezwaar is besloten").wait_for()

    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.OVERTURNED
    assert CriticalError.objects.get(appeal_items=item).status == CriticalErrorStatus.OVERTURNED
    agent.go(f"/appeals/{appeal.pk}/")
    assert agent.page.get_by_text("Herroepen").first.is_visible()


@pytest.mark.worker
def test_a_qa_lead_starts_a_scoring_run_and_watches_its_progress(open_session, celery_worker):
    lead = open_session()
    lead.log_in("qa_lead")
    lead.go("/runs/")
    lead.shot("qa-runs")
    lead.page.get_by_role("button", name="Scoringsronde starten").click()
    lead.page.wait_for_url(re.compile(r"/runs/\d+/$"))
    url = lead.page.url
    # htmx replaces the progress panel every second until the run is done, without reloading the page.
    lead.page.locator("#run-status", has_text="Geslaagd").wait_for(timeout=30_000)
    assert lead.page.url == url
    lead.shot("qa-run-progress")
    run = ScoringRun.objects.get()
    assert run.status == "succeeded"
    assert lead.page.locator("#run-agents").inner_text() == f"{run.processed_agents} / {run.total_agents}"
    assert run.total_agents == User.objects.filter(role="agent").count()


def test_a_works_council_member_consents_to_a_rule_and_opens_the_breakdown(open_session):
    council = open_session()
    council.log_in("council")
    page = council.page
    assert page.url.endswith("/council/")
    council.shot("council-register")
    proposed = RuleVersion.objects.get(status=RuleVersionStatus.PROPOSED)
    form = page.locator(f"#version-{proposed.pk} form").first
    form.get_by_label("Verleend").check()
    form.get_by_label("Kenmerk (bijv. notulen)").fill("OR-2026-17")
    form.get_by_label("Betrokken medewerkers").fill("Alle medewerkers klantcontact")
    form.get_by_role("button", name="Besluit vastleggen").click()
    page.get_by_test_id("consequence").wait_for()
    assert not ConsentRecord.objects.filter(rule_version=proposed).exists()
    page.get_by_role("button", name="Besluit vastleggen").click()
    page.get_by_text("Het besluit van de raad is vastgelegd.").wait_for()
    record = ConsentRecord.objects.get(rule_version=proposed)
    assert (record.decision, record.reference, record.decided_by.username) == ("granted", "OR-2026-17", "council")

    page.get_by_role("link", name="Uitsplitsing naar groep").click()
    page.locator("svg.chart").first.wait_for()
    assert page.locator("svg.chart").count() == 2
    council.shot("council-breakdown")
    # Pseudonymised: no agent's name appears anywhere on the council's pages.
    for name in User.objects.filter(role="agent").values_list("first_name", flat=True):
        assert name not in page.content()


def test_a_page_in_dutch_and_the_same_page_in_english(open_session):
    agent = open_session()
    agent.log_in("agent_a2")
    page = agent.page
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("heading", level=1).inner_text() == "Mijn beoordelingen"
    agent.shot("agent-overview-nl")
    page.select_option("#language", "en")
    page.get_by_role("button", name="Wisselen").click()
    wait_until(page, "document.documentElement.lang === 'en'")
    assert page.url.endswith("/me/")
    assert page.get_by_role("heading", level=1).inner_text() == "My evaluations"
    assert page.get_by_role("link", name="Download my data (JSON)").is_visible()
    agent.shot("agent-overview-en")


PAGES = {
    "supervisor_a": ["/queue/", "/dashboard/", "/search/", "/alerts/", "/appeals/", "/calibration/", "/consistency/"],
    "agent_b1": ["/me/", "/appeals/"],
    "qa_lead": [
        "/queue/",
        "/dashboard/",
        "/search/",
        "/scorecards/",
        "/rules/",
        "/runs/",
        "/alerts/",
        "/appeals/",
        "/calibration/",
        "/consistency/",
    ],
    "council": ["/council/", "/council/usage/", "/council/breakdown/", "/council/pressure/", "/council/audit/"],
}


@pytest.mark.organisation
def test_every_page_of_every_role_renders_in_the_browser_without_errors(open_session):
    """Each role's pages answer 200 with a heading and raise no console error or CSP violation, on the
    demo world with its organisation and a year of history (the council's pages have figures)."""
    seen = []
    for username, paths in PAGES.items():
        person = open_session()
        person.log_in(username)
        for path in paths:
            person.go(path)  # asserts HTTP 200
            heading = person.page.get_by_role("heading", level=1)
            heading.wait_for()
            assert heading.inner_text().strip(), f"{username} {path}: empty heading"
            person.shot(f"{username}{path.rstrip('/').replace('/', '-')}")
            seen.append((username, path))
    lead = open_session()
    lead.log_in("qa_lead")
    from reviews.models import ScorecardVersion, ThresholdRule

    for path in (
        f"/scorecard-versions/{ScorecardVersion.objects.first().pk}/",
        f"/rules/{ThresholdRule.objects.first().pk}/",
        f"/appeals/{Appeal.objects.first().pk}/",
    ):
        lead.go(path)
        lead.page.get_by_role("heading", level=1).wait_for()
        lead.shot(f"qa_lead{path.rstrip('/').replace('/', '-')}")
        seen.append(("qa_lead", path))
    assert len(seen) == sum(len(paths) for paths in PAGES.values()) + 3
    assert lead.problems == [], f"browser console errors: {lead.problems}"


def test_an_alert_shows_its_level_everywhere_and_a_decision_is_confirmed_in_a_second_step(open_session):
    import datetime as dt

    from django.utils import timezone

    from reviews.models import Alert, AlertStatus, ScorecardVersion
    from tests.helpers import active_rule, run_scoring_inline, scored_call

    lead, council, agent = (User.objects.get(username=name) for name in ("qa_lead", "council", "agent_a2"))
    active_rule(
        qa_lead=lead, council=council, at=timezone.now() - dt.timedelta(days=100), n=1, level="contract_warning"
    )
    version = ScorecardVersion.objects.get(status="published")
    scored_call(
        reviewer=User.objects.get(username="supervisor_a"),
        agent=agent,
        version=version,
        started_at=timezone.now() - dt.timedelta(days=2),
    )
    run_scoring_inline()
    alert = Alert.objects.get(agent=agent)

    person = open_session()
    person.log_in("qa_lead")
    person.go("/alerts/")
    row = person.page.locator("tr", has_text="Ahmed Amrani")
    assert "Contractwaarschuwing" in row.inner_text()
    person.go(f"/alerts/{alert.pk}/")
    assert person.page.get_by_test_id("alert-level").inner_text() == "Niveau: Contractwaarschuwing"
    person.shot("qa_lead-alert-level")
    person.page.get_by_label("Bevestigen").check()
    person.page.fill("#id_rationale", "Besproken met de medewerker; afspraken vastgelegd in het dossier.")
    person.page.get_by_role("button", name="Besluit vastleggen").click()
    consequence = person.page.get_by_test_id("consequence")
    consequence.wait_for()
    assert "contractwaarschuwing voor Ahmed Amrani" in consequence.inner_text()
    person.shot("qa_lead-alert-confirmation")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN  # nothing happened on the first click
    person.page.get_by_role("button", name="Signalering bevestigen").click()
    person.page.get_by_test_id("alert-level").wait_for()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CONFIRMED
