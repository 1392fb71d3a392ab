"""Nothing irreversible happens on one click: each such action first says what will happen, and to whom.

Each test posts the action as the page's form does: the answer is the confirmation page and nothing
changed; only the confirmation page's own submit (``confirmed=yes``) does it.
"""

import datetime as dt
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from reviews.models import (
    Alert,
    AlertStatus,
    Appeal,
    AppealStatus,
    ConsentRecord,
    Evaluation,
    EvaluationStatus,
    RuleVersion,
    RuleVersionStatus,
)
from reviews.services.appeals import appeal_submit
from reviews.services.evaluations import evaluation_create
from reviews.services.rules import rule_version_propose, threshold_rule_create
from tests.conftest import criteria_of
from tests.helpers import active_rule, rule_terms, run_scoring_inline, scored_call

pytestmark = pytest.mark.django_db


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def asks_first(client: Client, path: str, data: dict[str, str], *phrases: str) -> None:
    response = client.post(path, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="confirmed" value="yes"' in html
    text = unescape(html)  # names such as "van 't Hof" are escaped in the page
    for phrase in phrases:
        assert phrase in text, phrase


def test_submitting_an_evaluation_asks_first_and_keeps_the_answers(world, published_version, call) -> None:
    draft = evaluation_create(call=call, scorecard_version=published_version, acting_user=world.supervisor)
    data = {f"c{c.pk}": "1" for c in criteria_of(published_version)} | {"action": "submit", "summary": "Goed."}
    client = page_client(world.supervisor)
    asks_first(
        client, f"/calls/{call.pk}/evaluation/save/", data, world.agent.get_full_name(), "kan het niet meer worden"
    )
    draft.refresh_from_db()
    assert draft.status == EvaluationStatus.DRAFT and draft.answers.count() == 3  # saved, not submitted
    response = client.post(f"/calls/{call.pk}/evaluation/save/", data | {"confirmed": "yes"})
    assert response.status_code == 302
    assert Evaluation.objects.get(pk=draft.pk).status == EvaluationStatus.SUBMITTED


def test_confirming_a_contract_warning_says_so_and_names_the_agent_first(world, published_version) -> None:
    active_rule(
        qa_lead=world.qa_lead, council=world.council, at=timezone.now() - dt.timedelta(days=100), n=1,
        level="contract_warning",
    )  # fmt: skip
    scored_call(
        reviewer=world.supervisor, agent=world.agent, version=published_version,
        started_at=timezone.now() - dt.timedelta(days=2),
    )  # fmt: skip
    run_scoring_inline()
    alert = Alert.objects.get()
    client = page_client(world.qa_lead)
    assert client.get(f"/alerts/{alert.pk}/").status_code == 200  # opening it records that the evidence was seen
    decision = {"decision": "confirm", "rationale": "Besproken met de agent; afspraken vastgelegd."}
    asks_first(client, f"/alerts/{alert.pk}/decide/", decision, "contractwaarschuwing", world.agent.get_full_name())
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    client.post(f"/alerts/{alert.pk}/decide/", decision | {"confirmed": "yes"})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CONFIRMED


@pytest.mark.parametrize(("action", "before", "after"), [("propose", "draft", "proposed")])
def test_proposing_a_rule_asks_first(world, action, before, after) -> None:
    rule = threshold_rule_create(name="Signalen", terms=rule_terms(), acting_user=world.qa_lead)
    version = rule.versions.get()
    client = page_client(world.qa_lead)
    path = f"/rules/{rule.pk}/versions/{version.pk}/"
    asks_first(client, path, {"action": action}, "ondernemingsraad")
    assert RuleVersion.objects.get(pk=version.pk).status == before
    client.post(path, {"action": action, "confirmed": "yes"})
    assert RuleVersion.objects.get(pk=version.pk).status == after


def test_activating_and_retiring_a_rule_ask_first(world) -> None:
    version = active_rule(qa_lead=world.qa_lead, council=world.council)
    client = page_client(world.qa_lead)
    path = f"/rules/{version.rule_id}/versions/{version.pk}/"
    asks_first(client, path, {"action": "retire"}, "kan niet ongedaan")
    assert RuleVersion.objects.get(pk=version.pk).status == RuleVersionStatus.ACTIVE
    client.post(path, {"action": "retire", "confirmed": "yes"})
    assert RuleVersion.objects.get(pk=version.pk).status == RuleVersionStatus.RETIRED


def test_recording_consent_asks_first(world) -> None:
    rule = threshold_rule_create(name="Signalen", terms=rule_terms(), acting_user=world.qa_lead)
    version = rule_version_propose(version=rule.versions.get(), acting_user=world.qa_lead)
    client = page_client(world.council)
    data = {"decision": "granted", "reference": "OR-2026-17", "population": "Alle medewerkers klantcontact"}
    asks_first(client, f"/council/versions/{version.pk}/consent/", data, "OR-2026-17", "Signalen")
    assert not ConsentRecord.objects.exists()
    client.post(f"/council/versions/{version.pk}/consent/", data | {"confirmed": "yes"})
    assert ConsentRecord.objects.get().decision == "granted"


def test_withdrawing_an_appeal_asks_first(world, published_version) -> None:
    evaluation = scored_call(
        reviewer=world.supervisor, agent=world.agent, version=published_version,
        started_at=timezone.now() - dt.timedelta(days=1),
    )  # fmt: skip
    appeal = appeal_submit(
        evaluation=evaluation, reason="Ik ben het hier niet mee eens.", whole_evaluation=True, acting_user=world.agent
    )
    client = page_client(world.agent)
    asks_first(client, f"/appeals/{appeal.pk}/withdraw/", {}, "definitief")
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.SUBMITTED
    client.post(f"/appeals/{appeal.pk}/withdraw/", {"confirmed": "yes"})
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.WITHDRAWN
