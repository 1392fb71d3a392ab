"""The import, sampling and fairness pages through Django's test client on PostgreSQL."""

from __future__ import annotations

from html import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.pseudonyms import pseudonym_for
from reviews.models import Call, CallImport, ReviewAssignment, SamplingPolicy, SamplingRun
from tests.api.test_sampling_api import POLICY, drawn
from tests.integration.test_call_import import export
from tests.integration.test_web_pages import page_client

pytestmark = pytest.mark.django_db


def test_the_qa_lead_imports_a_file_and_sees_the_refused_rows_with_their_lines(world):
    client = page_client(world.qa_lead, "en")
    response = client.post(
        "/imports/", {"file": SimpleUploadedFile("okt.csv", export(10, bad_every=4)), "source": "telephony"}
    )
    call_import = CallImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{call_import.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "3 rows refused" in page and "is not a whole number of seconds" in page
    assert Call.objects.count() == 7
    bad = client.post("/imports/", {"file": SimpleUploadedFile("x.csv", b"who,when\n"), "source": "telephony"})
    assert bad.status_code == 400 and "lacks the column" in bad.content.decode()
    assert page_client(world.supervisor).get("/imports/").status_code == 403


def test_the_qa_lead_sets_a_policy_and_draws_a_month_and_sees_its_progress(world):
    client = page_client(world.qa_lead, "en")
    response = client.post(
        "/sampling/",
        {
            "form": "policy",
            "name": "Vier",
            "calls_per_agent": 4,
            "per_agent_cap": 6,
            "channels": ["phone"],
            "min_handle_seconds": 60,
            "exclude_own_supervisor": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = SamplingPolicy.objects.get()
    assert policy.channels == ["phone"] and policy.seed >= 0
    bad = client.post("/sampling/", {"form": "policy", "name": "Te weinig", "calls_per_agent": 4, "per_agent_cap": 2})
    assert bad.status_code == 400 and "at least the number of calls drawn" in bad.content.decode()
    drawn_page = client.post("/sampling/", {"form": "draw", "policy": policy.pk, "period": "2026-10"})
    run = SamplingRun.objects.get()
    assert drawn_page["Location"] == f"/sampling/runs/{run.pk}/"
    progress = client.get(drawn_page["Location"], headers={"HX-Request": "true"}).content.decode()
    assert 'id="sampling-progress"' in progress and "hx-trigger" in progress  # polls while queued
    not_over = client.post("/sampling/", {"form": "draw", "policy": policy.pk, "period": "2099-12"})
    assert not_over.status_code == 400 and "has not ended" in not_over.content.decode()


def test_fairness_page_names_agents_for_the_qa_lead_and_pseudonyms_for_the_council(world, published_version):
    policy, _run, period = drawn(world, name="Andere")
    query = {"policy": policy.pk, "period": period}
    qa_page = page_client(world.qa_lead, "en").get("/sampling/fairness/", query).content.decode()
    assert "alice" in qa_page and "Team A" in qa_page and "0 flagged" in qa_page
    council_page = page_client(world.council, "en").get("/sampling/fairness/", query).content.decode()
    assert pseudonym_for(world.agent.pk) in council_page
    assert "alice" not in council_page and "Team A" not in council_page
    bad = page_client(world.qa_lead, "en").get("/sampling/fairness/", {"policy": policy.pk, "period": "okt"})
    assert bad.status_code == 400
    assert page_client(world.agent).get("/sampling/fairness/").status_code == 403


def test_the_queue_shows_calls_drawn_for_the_reviewer(world):
    drawn(world, name="Wachtrij", **{k: v for k, v in POLICY.items() if k != "name"})
    page = page_client(world.other_supervisor, "en").get("/queue/", {"status": "assigned"}).content.decode()
    mine = ReviewAssignment.objects.filter(reviewer=world.other_supervisor)
    assert page.count("drawn for you") == mine.count() > 0
    assert f"<td>{escape(world.other_agent.get_full_name())}" not in page  # never her own team's agent
