"""Root causes: required when logging, versioned, changed only with a reason by whoever decides, and a
rule term (consented like any other) that keeps systemic causes out of an individual's count."""

import datetime as dt

import pytest
from django.utils import timezone

from reviews.domain.errors import Conflict, DomainError, NotPermitted
from reviews.models import (
    Alert,
    AlertStatus,
    AuditAction,
    AuditEvent,
    CriticalError,
    CriticalErrorType,
    Notification,
    RootCause,
    RuleVersionStatus,
    ScoringRun,
)
from reviews.selectors.council_causes import cause_distribution
from reviews.selectors.thresholds import agents_reaching
from reviews.services.appeals import appeal_start_review, appeal_submit
from reviews.services.critical_errors import critical_error_log
from reviews.services.evaluations import evaluation_create
from reviews.services.root_causes import critical_error_cause_change, root_cause_revise
from tests.conftest import client_for, wait_for
from tests.factories import CallFactory
from tests.helpers import active_rule, run_scoring_inline, scored_call

pytestmark = pytest.mark.django_db


def cause(code: str) -> RootCause:
    return RootCause.objects.get(code=code, is_active=True)


def test_logging_a_critical_error_needs_a_root_cause_in_use(world, published_version):
    call = CallFactory.create(agent=world.agent, handle_time_seconds=400)
    draft = evaluation_create(call=call, scorecard_version=published_version, acting_user=world.supervisor)
    error_type = CriticalErrorType.objects.get(code="UNREPORTED_SIGNAL")
    with pytest.raises(DomainError) as missing:
        critical_error_log(
            evaluation=draft, error_type=error_type, offset_seconds=5, note="Gehoord.", acting_user=world.supervisor
        )
    assert "root_cause" in missing.value.fields
    old = cause("KNOWLEDGE_GAP")
    root_cause_revise(cause=old, acting_user=world.qa_lead, label_nl="Kennistekort")
    old.refresh_from_db()
    with pytest.raises(DomainError) as retired:
        critical_error_log(
            evaluation=draft,
            error_type=error_type,
            offset_seconds=5,
            note="Gehoord.",
            root_cause=old,
            acting_user=world.supervisor,
        )
    assert "root_cause" in retired.value.fields
    assert CriticalError.objects.count() == 0


def test_a_revised_cause_is_a_new_version_and_errors_keep_theirs(world, published_version):
    evaluation = scored_call(
        reviewer=world.supervisor, agent=world.agent, version=published_version, started_at=timezone.now()
    )
    error = evaluation.critical_errors.get()
    first = error.root_cause
    assert first is not None
    with pytest.raises(NotPermitted):
        root_cause_revise(cause=first, acting_user=world.supervisor, kind="systemic")
    revised = root_cause_revise(cause=first, acting_user=world.qa_lead, kind="systemic")
    first.refresh_from_db()
    error.refresh_from_db()
    assert (revised.code, revised.version, revised.kind, revised.is_active) == ("KNOWLEDGE_GAP", 2, "systemic", True)
    assert (first.is_active, first.retired_at is not None) == (False, True)
    assert (error.root_cause_id, error.root_cause.kind) == (first.pk, "individual")
    with pytest.raises(DomainError):
        root_cause_revise(cause=revised, acting_user=world.qa_lead, kind="systemic")  # nothing changed
    with pytest.raises(Conflict):
        root_cause_revise(cause=first, acting_user=world.qa_lead, label_en="Again")  # not the current version
    assert AuditEvent.objects.filter(action=AuditAction.ROOT_CAUSE_REVISED).count() == 1
    listed = client_for(world.agent).get("/api/v1/root-causes/").json()
    assert [(c["code"], c["version"]) for c in listed if c["code"] == "KNOWLEDGE_GAP"] == [
        ("KNOWLEDGE_GAP", 2),
        ("KNOWLEDGE_GAP", 1),
    ]


def test_only_a_decider_changes_a_cause_with_a_reason_the_agent_reads(world, published_version):
    now = timezone.now()
    active_rule(qa_lead=world.qa_lead, council=world.council, n=1, at=now - dt.timedelta(days=5))
    evaluation = scored_call(
        reviewer=world.supervisor, agent=world.agent, version=published_version, started_at=now - dt.timedelta(days=1)
    )
    error = evaluation.critical_errors.get()
    run_scoring_inline()
    assert Alert.objects.get().status == AlertStatus.OPEN
    reason = "Storing in het klantsysteem tijdens dit gesprek."
    # The reviewer who logged it, an agent, and a supervisor of another team without an appeal may not.
    for someone in (world.supervisor, world.agent, world.other_supervisor):
        with pytest.raises(NotPermitted):
            critical_error_cause_change(
                error=error, root_cause=cause("SYSTEM_OUTAGE"), reason=reason, acting_user=someone
            )
    with pytest.raises(DomainError) as short:
        critical_error_cause_change(
            error=error, root_cause=cause("SYSTEM_OUTAGE"), reason="kort", acting_user=world.qa_lead
        )
    assert "reason" in short.value.fields
    # A QA lead may decide the open alert built on it: the change is made, audited and told.
    response = client_for(world.qa_lead).post(
        f"/api/v1/evaluations/{evaluation.pk}/critical-errors/{error.pk}/root-cause/",
        {"root_cause": "SYSTEM_OUTAGE", "reason": reason},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["root_cause"]["code"] == "SYSTEM_OUTAGE"
    event = AuditEvent.objects.get(action=AuditAction.CRITICAL_ERROR_CAUSE_CHANGED)
    assert (event.subject_id, event.data["from"]["code"], event.data["to"]["code"]) == (
        world.agent.pk,
        "KNOWLEDGE_GAP",
        "SYSTEM_OUTAGE",
    )
    assert Notification.objects.filter(recipient=world.agent, kind="root_cause_changed").exists()
    seen = client_for(world.agent).get(f"/api/v1/evaluations/{evaluation.pk}/").json()["critical_errors"][0]
    assert seen["root_cause"]["code"] == "SYSTEM_OUTAGE"
    assert [(c["previous"]["code"], c["new"]["code"], c["reason"]) for c in seen["root_cause_changes"]] == [
        ("KNOWLEDGE_GAP", "SYSTEM_OUTAGE", reason)
    ]
    page = client_for(world.agent)
    page.force_login(world.agent)
    html = page.get(f"/evaluations/{evaluation.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Systeemstoring (systemisch)" in html and reason in html
    # The rule does not leave systemic causes out: the alert stands.
    assert Alert.objects.get().status == AlertStatus.OPEN


def test_the_appeal_handler_may_change_the_cause_and_a_rule_without_systemic_causes_retracts(world, published_version):
    now = timezone.now()
    active_rule(
        qa_lead=world.qa_lead, council=world.council, n=1, at=now - dt.timedelta(days=5), exclude_systemic_causes=True
    )
    evaluation = scored_call(
        reviewer=world.supervisor, agent=world.agent, version=published_version, started_at=now - dt.timedelta(days=1)
    )
    error = evaluation.critical_errors.get()
    run_scoring_inline()
    appeal = appeal_submit(
        evaluation=evaluation,
        reason="De norm van 340 seconden liet geen tijd om te melden.",
        critical_error_ids=[error.pk],
        acting_user=world.agent,
    )
    appeal = appeal_start_review(appeal=appeal, acting_user=world.other_supervisor)
    critical_error_cause_change(
        error=error,
        root_cause=cause("TIME_PRESSURE"),
        reason="De afhandeltijdnorm liet geen ruimte om het signaal te melden.",
        acting_user=world.other_supervisor,
    )
    alert = Alert.objects.get()
    assert alert.status == AlertStatus.RETRACTED
    assert alert.retraction_params == {"remaining": 0, "needed": 1, "because": "cause_changed"}
    # Nothing counts any more: the next run opens nothing new.
    assert run_scoring_inline().alerts_opened == 0


def test_a_rule_leaving_systemic_causes_out_ignores_them_through_the_real_worker(
    celery_worker, world, published_version
):
    now = timezone.now()
    leaving_out = active_rule(
        qa_lead=world.qa_lead, council=world.council, n=2, at=now - dt.timedelta(days=30), exclude_systemic_causes=True
    )
    counting_all = active_rule(qa_lead=world.qa_lead, council=world.council, n=2, at=now - dt.timedelta(days=30))
    for days, why in ((10, "TIME_PRESSURE"), (5, "KNOWLEDGE_GAP")):
        scored_call(
            reviewer=world.supervisor,
            agent=world.agent,
            version=published_version,
            started_at=now - dt.timedelta(days=days),
            cause=why,
        )
    response = client_for(world.qa_lead).post("/api/v1/scoring-runs/", {"full": True}, format="json")
    assert response.status_code == 201, response.content
    run = wait_for(
        lambda: ScoringRun.objects.filter(pk=response.json()["id"], status__in=["succeeded", "failed"]).first(),
        what="the scoring run",
    )
    assert run.status == "succeeded", run.error
    assert list(Alert.objects.values_list("rule_version_id", flat=True)) == [counting_all.pk]
    # The what-if preview counts the same way.
    since, until = now - dt.timedelta(days=90), now
    assert agents_reaching(count_n=2, type_codes={"UNREPORTED_SIGNAL"}, after=since, until=until) == {world.agent.pk}
    assert (
        agents_reaching(
            count_n=2, type_codes={"UNREPORTED_SIGNAL"}, after=since, until=until, exclude_systemic_causes=True
        )
        == set()
    )
    assert leaving_out.exclude_systemic_causes


def test_leaving_systemic_causes_out_is_a_term_that_needs_new_consent(world):
    version = active_rule(qa_lead=world.qa_lead, council=world.council, n=2)
    qa_lead = client_for(world.qa_lead)
    response = qa_lead.patch(
        f"/api/v1/threshold-rules/{version.rule_id}/", {"exclude_systemic_causes": True}, format="json"
    )
    assert response.status_code == 200, response.content
    version.refresh_from_db()
    assert (version.status, version.exclude_systemic_causes) == (RuleVersionStatus.ACTIVE, False)
    draft = version.rule.versions.get(status=RuleVersionStatus.DRAFT)
    assert draft.exclude_systemic_causes
    activated = qa_lead.post(
        f"/api/v1/threshold-rules/{version.rule_id}/activate/", {"version": draft.pk}, format="json"
    )
    assert activated.status_code == 409, activated.content
    register = client_for(world.council).get("/api/v1/works-council/rule-register/").json()
    changes = next(r for r in register["rules"] if r["rule_id"] == version.rule_id)["versions"][-1]
    assert changes["changes_from_previous"] == [{"field": "exclude_systemic_causes", "from": False, "to": True}]


def test_the_council_sees_causes_per_group_with_small_groups_hidden(world, published_version, settings):
    settings.SMALL_CELL_K = 2
    now = timezone.now()
    # Team A: alice and bob, two errors each from time pressure; Team B: charlie, one careless error.
    for agent in (world.agent, world.colleague):
        for days in (3, 2):
            scored_call(
                reviewer=world.supervisor,
                agent=agent,
                version=published_version,
                started_at=now - dt.timedelta(days=days),
                cause="TIME_PRESSURE",
            )
    scored_call(
        reviewer=world.other_supervisor,
        agent=world.other_agent,
        version=published_version,
        started_at=now - dt.timedelta(days=2),
        cause="CARELESSNESS",
    )
    figures = cause_distribution(start=now - dt.timedelta(days=10), end=now + dt.timedelta(days=1))
    teams = {row["group"]: row for row in figures["team"]}
    assert teams["Team A"]["cells"]["TIME_PRESSURE"] == 4
    # Per employment type each of the four is one agent's: hidden.
    employment = {row["group"]: row for row in figures["employment_type"]}
    assert {group: row["cells"]["TIME_PRESSURE"] for group, row in employment.items()} == dict.fromkeys(employment)
    # One agent's careless error is hidden, and so is what would give it back: Team A's count of the same
    # cause (the other table gives the cause's total) and, with it, both teams' totals.
    assert teams["Team B"]["cells"]["CARELESSNESS"] is None
    assert teams["Team A"]["cells"]["CARELESSNESS"] is None
    assert teams["Team B"]["critical_errors"] is None and teams["Team B"]["systemic_share"] is None
    assert teams["Team A"]["critical_errors"] is None
