"""The API answers in the client's language (Accept-Language); the error code never changes."""

from tests.conftest import client_for


def test_an_api_error_comes_in_the_accepted_language_with_the_same_code(world) -> None:
    client = client_for(world.qa_lead)
    body = {
        "name": "Onbekend",
        "purpose": "Coaching aanbieden bij herhaalde fouten.",
        "counted_types": ["NOT_A_TYPE"],
        "count_n": 3,
        "window_days": 90,
        "level": "coaching",
        "effective_from": "2026-12-01",
    }
    dutch = client.post("/api/v1/threshold-rules/", body, format="json")
    english = client.post("/api/v1/threshold-rules/", body, format="json", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert dutch.status_code == english.status_code == 400
    assert dutch.json()["code"] == english.json()["code"]
    assert "er is niets opgeslagen" in dutch.json()["detail"]
    assert "nothing was saved" in english.json()["detail"]


def test_pages_keep_the_person_s_choice_whatever_the_browser_asks(world) -> None:
    from django.test import Client

    client = Client()
    client.force_login(world.agent)
    assert "Mijn beoordelingen" in client.get("/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
