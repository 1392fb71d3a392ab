"""Who may see and do what, per endpoint: allowed, forbidden (403) and invisible (404)."""

import pytest

from reviews.services.evaluations import AnswerInput, evaluation_answers_save, evaluation_create, evaluation_submit
from reviews.services.scorecards import scorecard_create
from tests.conftest import PERSONA_NAMES, client_for, criteria_of
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(world, published_version, call):
    evaluation = evaluation_create(call=call, scorecard_version=published_version, acting_user=world.supervisor)
    evaluation_answers_save(
        evaluation=evaluation,
        answers=[AnswerInput(criterion_id=c.pk, points=1) for c in criteria_of(published_version)],
        acting_user=world.supervisor,
    )
    return evaluation_submit(evaluation=evaluation, acting_user=world.supervisor)


def ids(response):
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {row["id"] for row in rows}


def test_nobody_anonymous_gets_in(world):
    for url in ["/api/v1/me/", "/api/v1/calls/", "/api/v1/evaluations/", "/api/v1/scorecards/", "/api/v1/users/"]:
        response = client_for(None).get(url)
        assert response.status_code == 401, url
        assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("agent", "own"),
        ("colleague", "none"),
        ("other_agent", "none"),
        ("supervisor", "all"),
        ("other_supervisor", "none"),
        ("qa_lead", "all"),
        ("council", 403),
        ("admin", 403),
    ],
)
def test_calls_are_visible_to_the_agent_their_supervisor_and_the_qa_lead(world, call, persona, expected):
    other_call = CallFactory.create(agent=world.colleague)
    client = client_for(world.by_name(persona))
    response = client.get("/api/v1/calls/")
    detail = client.get(f"/api/v1/calls/{call.pk}/")
    if expected == 403:
        assert response.status_code == 403 and detail.status_code == 403
        return
    visible = {"own": {call.pk}, "none": set(), "all": {call.pk, other_call.pk}}[expected]
    if persona == "colleague":
        visible = {other_call.pk}
    assert ids(response) == visible
    assert detail.status_code == (200 if call.pk in visible else 404)


@pytest.mark.parametrize(
    ("persona", "list_visible", "detail_status"),
    [
        ("agent", True, 200),
        ("colleague", False, 404),
        ("other_agent", False, 404),
        ("supervisor", True, 200),
        ("other_supervisor", False, 404),
        ("qa_lead", True, 200),
        ("council", None, 403),
        ("admin", None, 403),
    ],
)
def test_a_submitted_evaluation_is_visible_exactly_to_those_who_may_see_it(
    world, submitted, persona, list_visible, detail_status
):
    client = client_for(world.by_name(persona))
    response = client.get("/api/v1/evaluations/")
    if list_visible is None:
        assert response.status_code == 403
    else:
        assert (submitted.pk in ids(response)) is list_visible
    assert client.get(f"/api/v1/evaluations/{submitted.pk}/").status_code == detail_status


def test_an_agent_never_sees_a_draft_about_them(world, published_version, call):
    draft = evaluation_create(call=call, scorecard_version=published_version, acting_user=world.supervisor)
    client = client_for(world.agent)
    assert client.get("/api/v1/evaluations/").json()["results"] == []
    assert client.get(f"/api/v1/evaluations/{draft.pk}/").status_code == 404


def test_another_supervisors_draft_is_invisible_but_the_qa_lead_sees_it(world, published_version, call):
    draft = evaluation_create(call=call, scorecard_version=published_version, acting_user=world.qa_lead)
    assert client_for(world.supervisor).get(f"/api/v1/evaluations/{draft.pk}/").status_code == 404
    assert client_for(world.qa_lead).get(f"/api/v1/evaluations/{draft.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("agent", 403),
        ("colleague", 403),
        ("supervisor", 201),
        ("other_supervisor", 400),  # the call is not in their scope: it does not exist for them
        ("qa_lead", 201),
        ("council", 403),
        ("admin", 403),
    ],
)
def test_who_may_start_an_evaluation(world, published_version, call, persona, status):
    response = client_for(world.by_name(persona)).post(
        "/api/v1/evaluations/", {"call": call.pk, "scorecard_version": published_version.pk}, format="json"
    )
    assert response.status_code == status, response.content


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("agent", 200),
        ("colleague", 404),
        ("other_agent", 404),
        ("supervisor", 403),
        ("other_supervisor", 403),
        ("qa_lead", 403),
        ("council", 403),
        ("admin", 403),
    ],
)
def test_only_the_agent_acknowledges_their_evaluation(world, submitted, persona, status):
    response = client_for(world.by_name(persona)).post(f"/api/v1/evaluations/{submitted.pk}/acknowledge/")
    assert response.status_code == status, response.content


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("agent", 403),
        ("colleague", 403),
        ("other_supervisor", 404),
        ("qa_lead", 403),  # visible to the QA lead, but not their evaluation
        ("council", 403),
        ("admin", 403),
    ],
)
def test_only_the_reviewer_changes_a_draft(world, published_version, call, persona, status):
    draft = evaluation_create(call=call, scorecard_version=published_version, acting_user=world.supervisor)
    response = client_for(world.by_name(persona)).patch(
        f"/api/v1/evaluations/{draft.pk}/", {"summary": "overgenomen"}, format="json"
    )
    assert response.status_code == status, response.content
    draft.refresh_from_db()
    assert draft.summary == ""


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_scorecard_drafts_are_visible_to_the_qa_lead_only(world, published_version, persona):
    draft_only = scorecard_create(name="Concept", acting_user=world.qa_lead)
    client = client_for(world.by_name(persona))
    listed = ids(client.get("/api/v1/scorecards/"))
    assert published_version.scorecard_id in listed
    assert (draft_only.pk in listed) is (persona == "qa_lead")
    draft_version = draft_only.versions.get()
    expected = 200 if persona == "qa_lead" else 404
    assert client.get(f"/api/v1/scorecard-versions/{draft_version.pk}/").status_code == expected


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_only_the_qa_lead_writes_scorecards_and_error_types(world, persona):
    client = client_for(world.by_name(persona))
    scorecard = client.post("/api/v1/scorecards/", {"name": f"Nieuw {persona}"}, format="json")
    error_type = client.post(
        "/api/v1/critical-error-types/",
        {"code": f"NEW_{persona.upper()}", "label_nl": "Nieuw", "label_en": "New"},
        format="json",
    )
    expected = 201 if persona == "qa_lead" else 403
    assert (scorecard.status_code, error_type.status_code) == (expected, expected)


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("agent", {"alice"}),
        ("supervisor", {"sam", "alice", "bob"}),
        ("other_supervisor", {"sara", "charlie"}),
        ("council", {"cora"}),
        ("qa_lead", {"alice", "bob", "charlie", "sam", "sara", "quinn", "cora", "ada"}),
        ("admin", {"alice", "bob", "charlie", "sam", "sara", "quinn", "cora", "ada"}),
    ],
)
def test_users_are_scoped_to_the_role(world, persona, visible):
    response = client_for(world.by_name(persona)).get("/api/v1/users/")
    assert {u["username"] for u in response.json()["results"]} == visible
    other_team_agent = world.other_agent
    detail = client_for(world.by_name(persona)).get(f"/api/v1/users/{other_team_agent.pk}/")
    assert detail.status_code == (200 if "charlie" in visible else 404)


def test_lists_filter_by_agent_team_status_and_dates(world, submitted, published_version):
    other = CallFactory.create(agent=world.colleague)
    draft = evaluation_create(call=other, scorecard_version=published_version, acting_user=world.supervisor)
    client = client_for(world.supervisor)
    assert ids(client.get("/api/v1/evaluations/", {"status": "draft"})) == {draft.pk}
    assert ids(client.get("/api/v1/evaluations/", {"agent": world.agent.pk})) == {submitted.pk}
    assert ids(client.get("/api/v1/evaluations/", {"team": world.agent.team_id})) == {submitted.pk, draft.pk}
    after = submitted.submitted_at.isoformat()
    assert ids(client.get("/api/v1/evaluations/", {"submitted_after": after})) == {submitted.pk}
    assert ids(client.get("/api/v1/evaluations/", {"submitted_before": after})) == set()
    bad = client.get("/api/v1/evaluations/", {"submitted_after": "yesterday"})
    assert bad.status_code == 400 and "submitted_after" in bad.json()["fields"]
