"""POST /api/v1/calls/import/: small files at once, large ones through a real worker with progress."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from reviews.models import Call, CallImport
from tests.conftest import client_for, wait_for
from tests.integration.test_call_import import export


def upload(name: str, data: bytes, **fields):
    return {"file": SimpleUploadedFile(name, data, content_type="text/csv"), **fields}


@pytest.mark.django_db
def test_a_small_file_is_imported_in_the_request_with_its_rejects_report(world):
    quinn = client_for(world.qa_lead)
    response = quinn.post("/api/v1/calls/import/", upload("oktober.csv", export(12, bad_every=5)), format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["created_count"], body["rejected_count"], body["progress_percent"]) == (
        "succeeded",
        9,
        3,
        100,
    )
    assert response["Location"] == f"/api/v1/call-imports/{body['id']}/"
    rejects = quinn.get(body["rejects_url"]).json()
    assert [r["line"] for r in rejects["results"]] == [2, 7, 12]
    assert "handle_time_seconds" in rejects["results"][0]["reason"]
    # Each reason in the reader's language: Dutch by default, English when asked for, the page as well.
    dutch = {r["reason"] for r in rejects["results"]}
    english = {r["reason"] for r in quinn.get(body["rejects_url"], HTTP_ACCEPT_LANGUAGE="en").json()["results"]}
    assert dutch != english and len(dutch) == len(english) == 1
    assert any("geen geheel aantal seconden" in r or "ontbreekt of is geen getal" in r for r in dutch), dutch
    assert all("seconds" in r or "number" in r for r in english), english
    browser = Client()
    browser.force_login(world.qa_lead)
    page = html.unescape(browser.get(f"/imports/{body['id']}/").content.decode())
    assert dutch.pop() in page
    again = quinn.post("/api/v1/calls/import/", upload("oktober.csv", export(12, bad_every=5)), format="multipart")
    assert (again.json()["created_count"], again.json()["duplicate_count"]) == (0, 9)
    assert Call.objects.count() == 9
    listed = quinn.get("/api/v1/call-imports/").json()
    assert listed["count"] == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "fields", "field"),
    [
        ("calls.csv", b"id,who\n1,alice\n", {}, "file"),
        ("calls.csv", b"", {}, "file"),
        ("calls.xlsx", b"whatever", {}, "format"),
        ("calls.csv", b"x", {"format": "xml"}, "format"),
        ("calls.csv", b"x", {"source": "s" * 41}, "source"),
    ],
)
def test_bad_uploads_get_a_400_with_the_reason(world, name, data, fields, field):
    response = client_for(world.qa_lead).post("/api/v1/calls/import/", upload(name, data, **fields), format="multipart")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"], response.json()
    assert not Call.objects.exists()


@pytest.mark.django_db
def test_no_file_and_the_wrong_roles_are_refused(world):
    assert client_for(world.qa_lead).post("/api/v1/calls/import/", {}, format="multipart").status_code == 400
    for name in ("agent", "supervisor", "council"):
        response = client_for(world.by_name(name)).post(
            "/api/v1/calls/import/", upload("c.csv", export(2)), format="multipart"
        )
        assert response.status_code == 403, name
        assert client_for(world.by_name(name)).get("/api/v1/call-imports/").status_code == 403
    assert client_for(None).post("/api/v1/calls/import/", upload("c.csv", export(2))).status_code in (401, 403)


@pytest.mark.worker
def test_a_large_file_goes_to_the_worker_and_reports_progress(celery_worker, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CALL_IMPORT_INLINE_MAX_BYTES = 10_000
    settings.CALL_IMPORT_BATCH_SIZE = 1_000
    data = export(5_000, bad_every=1000)
    admin = client_for(world.admin)
    response = admin.post("/api/v1/calls/import/", upload("big.jsonl.csv", data), format="multipart")
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "queued"
    location = response["Location"]
    seen = []

    def finished():
        body = admin.get(location).json()
        seen.append(body["progress_percent"])
        return body["status"] in ("succeeded", "failed") and body

    body = wait_for(finished, interval=0.05, what="the import")
    assert body["status"] == "succeeded", body
    assert (body["rows_read"], body["created_count"], body["rejected_count"]) == (5_000, 4_995, 5)
    assert seen == sorted(seen) and seen[-1] == 100
    call_import = CallImport.objects.get(pk=body["id"])
    assert not call_import.pending_file  # the uploaded file is gone once read
    assert not list((tmp_path / "imports").iterdir())
