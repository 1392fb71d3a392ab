"""Dashboards: the figures match a hand count on a built world, respect the viewer's scope and the
small-cell rule, and never read self-evaluations. One month, at midday, so no run crosses a month."""

import csv
import datetime as dt
import io
import math
import statistics

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from reviews.domain.agreement import wilson_interval
from reviews.models import SelfEvaluation
from reviews.selectors.dashboards import dashboard, dashboard_labels
from reviews.services.coaching import coaching_plan_open, coaching_session_add
from reviews.services.evaluations import AnswerInput, evaluation_answers_save, evaluation_create, evaluation_submit
from tests.conftest import criteria_of
from tests.factories import CallFactory, UserFactory
from tests.helpers import appeal_decided, scored_call

pytestmark = pytest.mark.django_db
LABELS: dict[str, dict[str, str]] = {"types": {}, "causes": {}, "coaching": {}}


@pytest.fixture(autouse=True)
def midday():
    with time_machine.travel(dt.datetime(2026, 11, 16, 11, 0, tzinfo=dt.UTC), tick=True):
        yield


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def plain(reviewer, agent, version, points):
    """A submitted evaluation without critical errors, with these points per criterion."""
    call = CallFactory.create(agent=agent, started_at=timezone.now() - dt.timedelta(hours=2), handle_time_seconds=380)
    evaluation = evaluation_create(call=call, scorecard_version=version, acting_user=reviewer)
    evaluation_answers_save(
        evaluation=evaluation,
        answers=[AnswerInput(criterion_id=c.pk, points=p) for c, p in zip(criteria_of(version), points, strict=True)],
        acting_user=reviewer,
    )
    return evaluation_submit(evaluation=evaluation, acting_user=reviewer)


@pytest.fixture
def built(world, published_version, settings):
    """Team A: alice, bob, carol (3 agents, k = 3); Team B: charlie alone."""
    settings.SMALL_CELL_K = 3
    carol = UserFactory.create(username="carol", role="agent", team=world.agent.team)
    started = timezone.now() - dt.timedelta(hours=3)
    with_error = [
        scored_call(reviewer=world.supervisor, agent=who, version=published_version, started_at=started)
        for who in (world.agent, world.colleague, carol)
    ]
    plain(world.supervisor, world.agent, published_version, [2, 4, 2])  # 100.0
    plain(world.supervisor, world.colleague, published_version, [2, 2, 0])  # 50.0
    scored_call(reviewer=world.other_supervisor, agent=world.other_agent, version=published_version, started_at=started)
    # Appeals: two overturned, one upheld, from three agents of team A.
    appeal_decided(with_error[0], overturn_errors=True)
    appeal_decided(with_error[1], overturn_errors=True)
    appeal_decided(with_error[2], overturn_errors=False)
    for who in (world.agent, world.colleague, carol):
        plan = coaching_plan_open(agent=who, goals="Signalen melden.", acting_user=world.supervisor)
        coaching_session_add(
            plan=plan, held_on=timezone.localdate(), notes="Besproken.", agreed_actions="", acting_user=world.supervisor
        )
    return carol


def this_month(line):
    return line.cells[timezone.localdate().replace(day=1)]


def test_the_team_figures_match_a_hand_count(world, built):
    figures = dashboard(viewer=world.supervisor, team=world.agent.team, months=3, labels=LABELS)
    assert [line.label for line in figures.score_by_team] == ["Team A"]
    mean = this_month(figures.score_by_team[0])
    scores = [37.5, 37.5, 37.5, 100.0, 50.0]
    margin = 1.959964 * statistics.stdev(scores) / math.sqrt(len(scores))
    assert (mean.value, mean.n) == (round(statistics.mean(scores), 1), 5)
    assert (mean.low, mean.high) == (
        round(statistics.mean(scores) - margin, 1),
        round(statistics.mean(scores) + margin, 1),
    )
    # Two of the three error-bearing evaluations had their error overturned on appeal.
    rate = this_month(figures.error_rate)
    interval = wilson_interval(1, 5)
    assert (rate.value, rate.low, rate.high) == (20.0, interval.low_per_100, interval.high_per_100)
    by_type = {line.key: this_month(line).value for line in figures.errors_by_type}
    assert by_type == {"UNREPORTED_SIGNAL": None}  # one active error left, from one agent: hidden
    appeals = {line.key: this_month(line).value for line in figures.appeals}
    assert appeals == {"partially_overturned": None, "upheld": None}  # 2 and 1 agents: below k
    assert this_month(figures.appeal_overturn_rate).value == round(100 * 2 / 3, 1)  # three agents decided
    coaching = {line.key: this_month(line).value for line in figures.coaching}
    assert coaching == {"opened": 3, "sessions": 3, "completed": 0}


def test_scope_and_small_cells(world, built):
    everyone = dashboard(viewer=world.qa_lead, team=None, months=3, labels=LABELS)
    teams = {line.label: this_month(line) for line in everyone.score_by_team}
    assert set(teams) == {"Team A", "Team B"}
    assert teams["Team B"].hidden and teams["Team B"].value is None  # charlie alone
    assert not teams["Team A"].hidden
    # The supervisor's page shows their team only; a QA lead may pick a team; others may not look.
    page = page_client(world.supervisor).get("/dashboard/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Team A" in body and "Team B" not in body
    assert page_client(world.qa_lead).get(f"/dashboard/?team={world.other_agent.team_id}").status_code == 200
    assert page_client(world.qa_lead).get("/dashboard/?team=999999").status_code == 404
    assert page_client(world.agent).get("/dashboard/").status_code == 403
    assert page_client(world.council).get("/dashboard/").status_code == 403


def test_the_channel_is_a_dimension_chats_count_like_calls(world, built, published_version):
    """Three chats of team A (k = 3): alone they are one channel's figures; with every channel they count."""
    from reviews.models import Call

    for who in (world.agent, world.colleague, built):
        evaluation = plain(world.supervisor, who, published_version, [2, 4, 2])  # 100.0
        Call.objects.filter(pk=evaluation.call_id).update(channel="chat")
    chats = dashboard(viewer=world.supervisor, team=world.agent.team, months=3, labels=LABELS, channel="chat")
    mean = this_month(chats.score_by_team[0])
    assert (mean.value, mean.n) == (100.0, 3)
    assert this_month(chats.error_rate).value == 0.0
    assert {line.key: this_month(line).value for line in chats.appeals} == {}
    phone = dashboard(viewer=world.supervisor, team=world.agent.team, months=3, labels=LABELS, channel="phone")
    assert this_month(phone.score_by_team[0]).n == 5
    every = dashboard(viewer=world.supervisor, team=world.agent.team, months=3, labels=LABELS)
    assert this_month(every.score_by_team[0]).n == 8
    page = page_client(world.supervisor).get("/dashboard/?channel=chat")
    assert page.status_code == 200 and 'value="chat" selected' in page.content.decode()
    assert page_client(world.supervisor).get("/dashboard/?channel=fax").status_code == 404


def test_a_self_evaluation_changes_no_figure(world, built, published_version):
    before = dashboard(viewer=world.qa_lead, team=None, months=3, labels=LABELS)
    evaluation = plain(world.supervisor, built, published_version, [1, 1, 1])
    after_plain = dashboard(viewer=world.qa_lead, team=None, months=3, labels=LABELS)
    assert after_plain != before  # the evaluation itself counts
    SelfEvaluation.objects.create(
        evaluation=evaluation,
        agent=built,
        invited_at=timezone.now(),
        open_until=timezone.now(),
        status="submitted",
        score=100,
    )
    assert dashboard(viewer=world.qa_lead, team=None, months=3, labels=LABELS) == after_plain


def test_the_csv_is_in_the_readers_language(world, built):
    response = page_client(world.supervisor).get("/dashboard/?format=csv&months=3", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Cijfer", "Groep", "Maand", "Waarde", "Ondergrens (95 %)", "Bovengrens (95 %)", "Aantal"]
    assert any(row[0] == "Gemiddelde score per team" and row[1] == "Team A" for row in rows[1:])
    assert any("minder dan 3 medewerkers" in row[3] for row in rows[1:])


def test_labels_name_codes_in_the_readers_language(world):
    labels = dashboard_labels({}, "Niet vastgelegd")
    assert labels["causes"][""] == "Niet vastgelegd"
    assert "UNREPORTED_SIGNAL" in labels["types"]


def test_the_page_asks_the_same_number_of_queries_however_much_there_is(world, built, published_version):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = page_client(world.qa_lead)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/dashboard/?months=12").status_code == 200
    for who in (world.agent, world.colleague, built, world.other_agent):
        scored_call(reviewer=world.supervisor, agent=who, version=published_version, started_at=timezone.now())
        plain(world.supervisor, who, published_version, [2, 2, 2])
    with CaptureQueriesContext(connection) as large:
        assert client.get("/dashboard/?months=12").status_code == 200
    assert len(large) == len(small)
