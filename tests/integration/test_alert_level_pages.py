"""An alert's level is on every page that shows the alert, in the reader's language."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from reviews.models import Alert
from reviews.services.alerts import alert_decide, alert_view_evidence
from tests.helpers import active_rule, run_scoring_inline, scored_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract_warning(world, published_version) -> Alert:
    start = timezone.now() - dt.timedelta(days=200)
    active_rule(qa_lead=world.qa_lead, council=world.council, at=start, n=3, level="contract_warning")
    for days in (60, 30, 1):
        scored_call(
            reviewer=world.supervisor,
            agent=world.agent,
            version=published_version,
            started_at=timezone.now() - dt.timedelta(days=days),
        )
    run_scoring_inline(timezone.now())
    return Alert.objects.get()


def page(user, path: str, language: str | None = None) -> str:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_decider_sees_that_it_is_a_contract_warning_on_the_list_and_the_alert(world, contract_warning) -> None:
    for path in ("/alerts/", f"/alerts/{contract_warning.pk}/"):
        html = page(world.qa_lead, path)
        assert "Contractwaarschuwing" in html, path
        assert "contract_warning<" not in html and ">contract_warning" not in html
    assert "Contract warning" in page(world.qa_lead, f"/alerts/{contract_warning.pk}/", language="en")


def test_the_agent_sees_the_level_of_a_decided_alert(world, contract_warning) -> None:
    alert_view_evidence(alert=contract_warning, acting_user=world.qa_lead)
    alert_decide(
        alert=contract_warning,
        decision="confirm",
        rationale="Drie keer een signaal niet gemeld; besproken met de agent.",
        acting_user=world.qa_lead,
    )
    assert "Contractwaarschuwing" in page(world.agent, "/me/")
    assert "Contractwaarschuwing" in page(world.agent, f"/alerts/{contract_warning.pk}/")
