"""Lists return exactly the rows each persona may see: no more (leaks), no fewer (hidden records).

Uses the permission matrix's scene (alice's evaluated call, alert, appeal under review by sara,
a calibration session, last month drawn by sampling), and states the rules again from the
product's description, independently of the selectors that implement them.
"""

import pytest
from django.db.models import Q

from accounts.models import User
from reviews.models import Alert, Appeal, Call, Evaluation, ReviewAssignment
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def listed(client, path):
    ids, url = set(), path
    while url:
        response = client.get(url, {"page_size": 200} if url == path else None)
        assert response.status_code == 200, (path, response.content[:300])
        body = response.json()
        ids |= {row["id"] for row in body["results"]}
        url = body["next"]
    return ids


def pks(queryset):
    return set(queryset.values_list("pk", flat=True))


def team_of(user):
    return User.objects.filter(team_id=user.team_id)


def test_calls_lists_are_exact(world, scene):
    for agent in (world.agent, world.colleague, world.other_agent):
        assert listed(client_for(agent), "/api/v1/calls/") == pks(Call.objects.filter(agent=agent))
    for supervisor in (world.supervisor, world.other_supervisor):
        expected = Call.objects.filter(
            Q(agent__in=team_of(supervisor))  # their own team
            | Q(evaluations__reviewer=supervisor)  # calls they evaluated
            | Q(assignment__reviewer=supervisor)  # calls drawn for them
            | Q(evaluations__appeals__assignee=supervisor)  # calls of appeals they handle
        )
        assert listed(client_for(supervisor), "/api/v1/calls/") == pks(expected), supervisor.username
    assert listed(client_for(world.qa_lead), "/api/v1/calls/") == pks(Call.objects.all())
    for name in ("council", "admin"):
        assert client_for(world.by_name(name)).get("/api/v1/calls/").status_code == 403


def test_evaluation_lists_are_exact(world, scene):
    real = Evaluation.objects.filter(calibration_session__isnull=True)
    submitted = real.exclude(status="draft")
    for agent in (world.agent, world.colleague, world.other_agent):
        assert listed(client_for(agent), "/api/v1/evaluations/") == pks(submitted.filter(call__agent=agent))
    for supervisor in (world.supervisor, world.other_supervisor):
        expected = real.filter(
            Q(reviewer=supervisor)
            | (Q(call__agent__in=team_of(supervisor)) & ~Q(status="draft"))
            | Q(appeals__assignee=supervisor)
            | Q(previous_revision__appeals__assignee=supervisor)
        )
        assert listed(client_for(supervisor), "/api/v1/evaluations/") == pks(expected), supervisor.username
    assert listed(client_for(world.qa_lead), "/api/v1/evaluations/") == pks(real)
    assert client_for(world.council).get("/api/v1/evaluations/").status_code == 403


def test_alert_and_appeal_lists_are_exact(world, scene):
    decided = Alert.objects.exclude(status="open")
    for agent in (world.agent, world.colleague, world.other_agent):
        # An agent sees their alerts once a person has decided them (the scene's alert is open).
        assert listed(client_for(agent), "/api/v1/alerts/") == pks(decided.filter(agent=agent))
        assert listed(client_for(agent), "/api/v1/appeals/") == pks(Appeal.objects.filter(agent=agent))
    assert listed(client_for(world.supervisor), "/api/v1/alerts/") == pks(
        Alert.objects.filter(agent__in=team_of(world.supervisor))
    )
    assert listed(client_for(world.other_supervisor), "/api/v1/alerts/") == pks(
        Alert.objects.filter(agent__in=team_of(world.other_supervisor))
    )
    assert listed(client_for(world.other_supervisor), "/api/v1/appeals/") == pks(
        Appeal.objects.filter(Q(agent__in=team_of(world.other_supervisor)) | Q(assignee=world.other_supervisor))
    )
    assert listed(client_for(world.qa_lead), "/api/v1/alerts/") == pks(Alert.objects.all())
    assert listed(client_for(world.qa_lead), "/api/v1/appeals/") == pks(Appeal.objects.all())


def test_assignment_lists_are_exact(world, scene):
    for supervisor in (world.supervisor, world.other_supervisor):
        assert listed(client_for(supervisor), "/api/v1/review-assignments/") == pks(
            ReviewAssignment.objects.filter(reviewer=supervisor)
        )
    assert listed(client_for(world.qa_lead), "/api/v1/review-assignments/") == pks(ReviewAssignment.objects.all())
    assert pks(ReviewAssignment.objects.all()), "the scene should have drawn calls"
