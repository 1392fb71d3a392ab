import pytest
from django.test import Client

from reviews.models import RuleVersion
from tests.conftest import client_for
from tests.helpers import active_rule

pytestmark = pytest.mark.django_db

RULE = {
    "name": "Herhaald niet-gemelde signalen",
    "purpose": "Coaching aanbieden wanneer signalen herhaaldelijk niet gemeld worden.",
    "counted_types": ["UNREPORTED_SIGNAL"],
    "count_n": 3,
    "window_days": 90,
    "level": "coaching",
    "effective_from": "2026-12-01",
    "scope_employment_types": ["temp_agency", "fixed_term"],
}
CONSENT = {"decision": "granted", "reference": "OR-besluit 2026-14", "population": "Alle agenten van team A"}


def test_a_rule_goes_from_draft_to_active_only_through_the_works_council(world):
    qa, council = client_for(world.qa_lead), client_for(world.council)
    created = qa.post("/api/v1/threshold-rules/", RULE, format="json")
    assert created.status_code == 201, created.content
    rule_id = created.json()["id"]
    assert created.json()["versions"][0]["status"] == "draft"

    refused = qa.post(f"/api/v1/threshold-rules/{rule_id}/activate/", {}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "no_such_version"
    assert qa.post(f"/api/v1/threshold-rules/{rule_id}/propose/", {}, format="json").status_code == 200

    assert qa.post(f"/api/v1/threshold-rules/{rule_id}/consent/", CONSENT, format="json").status_code == 403
    preview = council.post(f"/api/v1/threshold-rules/{rule_id}/preview/", {}, format="json")
    assert preview.status_code == 200 and preview.json()["k"] == 10
    consented = council.post(f"/api/v1/threshold-rules/{rule_id}/consent/", CONSENT, format="json")
    assert consented.status_code == 200, consented.content
    version = consented.json()["versions"][0]
    assert version["status"] == "consented"
    assert version["consents"][0]["reference"] == "OR-besluit 2026-14"
    assert version["consents"][0]["decided_by"].startswith("P-")  # a pseudonym, not a name

    assert council.post(f"/api/v1/threshold-rules/{rule_id}/activate/", {}, format="json").status_code == 403
    activated = qa.post(f"/api/v1/threshold-rules/{rule_id}/activate/", {}, format="json")
    assert activated.status_code == 200
    assert activated.json()["versions"][0]["status"] == "active"

    changed = qa.patch(f"/api/v1/threshold-rules/{rule_id}/", {"count_n": 4}, format="json")
    assert changed.status_code == 200
    versions = changed.json()["versions"]
    assert [(v["number"], v["status"], v["count_n"]) for v in versions] == [(2, "draft", 4), (1, "active", 3)]
    assert versions[0]["scope_employment_types"] == ["fixed_term", "temp_agency"]


def test_activation_of_a_proposed_version_is_a_409(world):
    qa = client_for(world.qa_lead)
    rule_id = qa.post("/api/v1/threshold-rules/", RULE, format="json").json()["id"]
    qa.post(f"/api/v1/threshold-rules/{rule_id}/propose/", {}, format="json")
    version_id = RuleVersion.objects.get(rule_id=rule_id).pk
    response = qa.post(f"/api/v1/threshold-rules/{rule_id}/activate/", {"version": version_id}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


def test_the_admin_cannot_activate_a_rule_either(world, client: Client):
    rule_id = client_for(world.qa_lead).post("/api/v1/threshold-rules/", RULE, format="json").json()["id"]
    version = RuleVersion.objects.get(rule_id=rule_id)
    client.force_login(world.admin)
    url = f"/admin/reviews/ruleversion/{version.pk}/change/"
    assert client.get(url).status_code == 200  # may look
    response = client.post(url, {"status": "active"})
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.status == "draft"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**RULE, "counted_types": []}, "counted_types"),
        ({**RULE, "count_n": 0}, "count_n"),
        ({**RULE, "window_days": 731}, "window_days"),
        ({**RULE, "level": "dismissal"}, "level"),
        ({**RULE, "purpose": ""}, "purpose"),
        ({**RULE, "effective_from": "soon"}, "effective_from"),
        ({**RULE, "counted_types": ["NOPE"]}, "counted_types"),
        ({**RULE, "scope_employment_types": ["intern"]}, "scope_employment_types"),
    ],
)
def test_bad_rules_are_400_per_field(world, payload, field):
    response = client_for(world.qa_lead).post("/api/v1/threshold-rules/", payload, format="json")
    assert response.status_code == 400, response.content
    assert any(key.split(".")[0] == field for key in response.json()["fields"]), response.json()


def test_consent_needs_a_reference_and_population(world):
    qa, council = client_for(world.qa_lead), client_for(world.council)
    rule_id = qa.post("/api/v1/threshold-rules/", RULE, format="json").json()["id"]
    qa.post(f"/api/v1/threshold-rules/{rule_id}/propose/", {}, format="json")
    response = council.post(
        f"/api/v1/threshold-rules/{rule_id}/consent/",
        {"decision": "granted", "reference": " ", "population": " "},
        format="json",
    )
    assert response.status_code == 400
    assert {"reference", "population"} <= set(response.json()["fields"])


@pytest.mark.parametrize(
    ("persona", "sees_draft", "sees_active"),
    [
        ("qa_lead", True, True),
        ("council", True, True),
        ("supervisor", False, True),
        ("agent", False, True),
    ],
)
def test_who_sees_which_rules(world, persona, sees_draft, sees_active):
    active = active_rule(qa_lead=world.qa_lead, council=world.council)
    draft_id = client_for(world.qa_lead).post("/api/v1/threshold-rules/", RULE, format="json").json()["id"]
    listed = {r["id"] for r in client_for(world.by_name(persona)).get("/api/v1/threshold-rules/").json()["results"]}
    assert (draft_id in listed) is sees_draft
    assert (active.rule_id in listed) is sees_active


def test_the_admin_role_sees_no_rules(world):
    assert client_for(world.admin).get("/api/v1/threshold-rules/").status_code == 403
