"""The API reads input as its schema states it: JSON types, RFC 3339 times, real ids, no silent defaults."""

import pytest

from reviews.models import CriticalErrorType
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def fields_of(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["fields"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"code": "NEW_TYPE", "label_nl": 12, "label_en": "New"}, "label_nl"),
        (
            {"code": "NEW_TYPE", "label_nl": "Nieuw", "label_en": "New", "counts_toward_thresholds": "yes"},
            "counts_toward_thresholds",
        ),
        ({"code": "NEW_TYPE", "label_nl": "Nieuw\x00", "label_en": "New"}, "label_nl"),
        ({"code": "NEW TYPE", "label_nl": "Nieuw", "label_en": "New"}, "code"),
        ({"code": "N" * 50 + " ", "label_nl": "Nieuw", "label_en": "New"}, "code"),
        ({"code": "NEW_TYPE", "label_nl": "Nieuw" + " " * 200, "label_en": "New"}, "label_nl"),
    ],
)
def test_a_value_of_the_wrong_json_type_or_shape_is_refused_not_coerced(world, payload, field):
    response = client_for(world.qa_lead).post("/api/v1/critical-error-types/", payload, format="json")
    assert field in fields_of(response)
    assert not CriticalErrorType.objects.filter(code="NEW_TYPE").exists()


def test_text_that_is_not_unicode_is_a_400_not_a_database_error(world):
    body = '{"code": "NEW_TYPE", "label_nl": "Nieuw \\ud800", "label_en": "New"}'  # a lone surrogate
    response = client_for(world.qa_lead).post("/api/v1/critical-error-types/", body, content_type="application/json")
    assert "label_nl" in fields_of(response)


def test_the_same_values_in_their_json_types_are_accepted(world):
    payload = {"code": "NEW_TYPE", "label_nl": "Nieuw", "label_en": "New", "counts_toward_thresholds": False}
    response = client_for(world.qa_lead).post("/api/v1/critical-error-types/", payload, format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    "as_of",
    ["2026-11-01T00:00:00+15:00", "1969-12-31T23:59:59Z", "2026-11-01 00:00:00Z", "2026-11-01T00:00:00", 20261101],
)
def test_a_time_outside_rfc_3339_or_1970_to_2099_is_refused(world, as_of):
    response = client_for(world.qa_lead).post("/api/v1/scoring-runs/", {"as_of": as_of}, format="json")
    assert "as_of" in fields_of(response)


@pytest.mark.parametrize(
    "query",
    ["status=", "agent=-1", "agent=1.5", "agent=99999999999999999999", "page_size=0", "page_size=201", "page_size=ten"],
)
def test_a_list_parameter_that_is_empty_or_out_of_range_is_refused_not_ignored(world, query):
    response = client_for(world.qa_lead).get(f"/api/v1/alerts/?{query}")
    assert query.split("=")[0] in fields_of(response)


def test_a_boolean_filter_takes_true_or_false_only(world):
    qa = client_for(world.qa_lead)
    assert qa.get("/api/v1/appeals/?overdue=true").status_code == 200
    assert "overdue" in fields_of(qa.get("/api/v1/appeals/?overdue=null"))


def test_an_unoffered_or_empty_format_is_a_json_404_and_errors_of_csv_downloads_are_json(world):
    council = client_for(world.council)
    for query in ("format=", "format=xml"):
        response = council.get(f"/api/v1/works-council/rule-register/?{query}")
        assert response.status_code == 404 and response["Content-Type"] == "application/json"
    response = council.get(
        "/api/v1/works-council/rule-usage/?format=csv&start=2026-11-02T00:00:00Z&end=2026-11-01T00:00:00Z"
    )
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json()["code"] == "domain_error"
    denied = client_for(world.agent).get("/api/v1/works-council/rule-register/?format=csv")
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"


def test_bodies_are_json_except_where_a_file_is_uploaded(world):
    response = client_for(world.qa_lead).post(
        "/api/v1/critical-error-types/", {"code": "X", "label_nl": "x", "label_en": "x"}, format="multipart"
    )
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


def test_nested_input_errors_are_named_by_their_path(world):
    response = client_for(world.qa_lead).post(
        "/api/v1/threshold-rules/",
        {
            "name": "Regel",
            "purpose": "Coaching aanbieden bij herhaling.",
            "counted_types": ["UNREPORTED_SIGNAL"],
            "count_n": 3,
            "window_days": 90,
            "level": "coaching",
            "effective_from": "2026-11-01",
            "scope_employment_types": ["permanent", "intern"],
        },
        format="json",
    )
    assert fields_of(response) == {"scope_employment_types.1": ['"intern" is een ongeldige keuze.']}


def test_the_schema_states_these_rules(world):
    schema = client_for(world.qa_lead).get("/api/v1/schema/?format=json").json()
    scoring = schema["components"]["schemas"]["ScoringRunInputRequest"]["properties"]["as_of"]
    assert scoring["format"] == "date-time" and scoring["pattern"].startswith("^(19[7-9]")
    label = schema["components"]["schemas"]["CriticalErrorTypeCreateInputRequest"]["properties"]["label_nl"]
    assert (label["minLength"], label["pattern"]) == (1, r"^[^\x00]*[^\x00\s][^\x00]*$")
    page_size = next(p for p in schema["paths"]["/api/v1/alerts/"]["get"]["parameters"] if p["name"] == "page_size")
    assert (page_size["schema"]["minimum"], page_size["schema"]["maximum"]) == (1, 200)
    agent = next(p for p in schema["paths"]["/api/v1/alerts/"]["get"]["parameters"] if p["name"] == "agent")
    assert agent["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
    csv = schema["paths"]["/api/v1/works-council/rule-register/"]["get"]["responses"]["200"]["content"]
    assert "text/csv" in csv
