"""The right of access: the export holds every row that refers to the person."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import User
from reviews.models import AuditEvent
from reviews.selectors.me import models_referring_to_users
from reviews.services.appeals import appeal_submit
from tests.conftest import client_for
from tests.helpers import active_rule, run_scoring_inline, scored_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_agent(world, published_version):
    """A synthetic agent with something in as many tables as the product writes."""

    start = timezone.now() - dt.timedelta(days=30)
    active_rule(qa_lead=world.qa_lead, council=world.council, at=start, n=1)
    evaluation = scored_call(
        reviewer=world.supervisor,
        agent=world.agent,
        version=published_version,
        started_at=timezone.now() - dt.timedelta(days=2),
    )
    run_scoring_inline()
    appeal_submit(
        evaluation=evaluation,
        reason="Ik ben het hier niet mee eens, zie opname.",
        whole_evaluation=True,
        acting_user=world.agent,
    )
    Token.objects.create(user=world.agent)
    return world.agent


def test_every_row_of_every_model_that_refers_to_the_agent_is_in_the_export(world, rich_agent):
    response = client_for(rich_agent).get("/api/v1/me/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    records = response.json()["records"]
    checked = 0
    for model, fields in models_referring_to_users():
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        pk_name = model._meta.pk.attname
        rows = records.get(label, [])
        for field in fields:
            expected = set(model._default_manager.filter(**{field: rich_agent}).values_list("pk", flat=True))
            if rows and rows[0][pk_name] == "[redacted]":  # a secret as primary key (API tokens): count them
                column = model._meta.get_field(field).attname
                assert len([r for r in rows if r[column] == rich_agent.pk]) == len(expected), label
            else:
                missing = expected - {row[pk_name] for row in rows}
                assert not missing, f"{label} rows {missing} refer to the agent through {field} but are not exported"
            checked += len(expected)
    assert checked > 10  # calls, critical errors, alerts, appeals, scores, audit events, token, notifications...
    assert {"reviews.call", "reviews.alert", "reviews.appeal", "reviews.agentscore", "reviews.auditevent"} <= set(
        records
    )


def test_secrets_never_leave_even_to_their_owner(world, rich_agent):
    records = client_for(rich_agent).get("/api/v1/me/export/").json()["records"]
    assert records["accounts.user"][0]["password"] == "[redacted]"
    assert records["authtoken.token"][0]["key"] == "[redacted]"
    assert Token.objects.get(user=rich_agent).key not in str(records)


def test_the_export_is_audited_and_holds_nothing_about_others(world, rich_agent):
    records = client_for(rich_agent).get("/api/v1/me/export/").json()["records"]
    assert AuditEvent.objects.filter(action="accounts.user.data_exported", subject=rich_agent).count() == 1
    other_ids = set(User.objects.exclude(pk=rich_agent.pk).values_list("pk", flat=True))
    assert all(row["id"] not in other_ids for row in records["accounts.user"])
    assert all(row["agent_id"] == rich_agent.pk for row in records["reviews.call"])
