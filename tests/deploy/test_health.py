"""/healthz and /readyz: no login, no redirect, no host check, nothing leaked, the failing check named."""

from __future__ import annotations

import socket

import pytest
from django.test import Client


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def anonymous() -> Client:
    return Client()


def test_liveness_answers_without_a_login(db: None, anonymous: Client) -> None:
    response = anonymous.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readiness_reports_each_check_when_postgresql_redis_and_migrations_are_fine(
    db: None, anonymous: Client
) -> None:
    response = anonymous.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "broker": "ok"},
    }


def test_readiness_is_neither_redirected_to_https_nor_refused_for_an_unknown_host(
    db: None, anonymous: Client, settings
) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["qa.example.org"]
    # A container's healthcheck asks 127.0.0.1 over plain HTTP.
    assert anonymous.get("/readyz", HTTP_HOST="127.0.0.1:8000").status_code == 200
    assert anonymous.get("/healthz/", HTTP_HOST="127.0.0.1:8000").status_code == 200
    # Every other path still gets Django's protections.
    assert anonymous.get("/login/", HTTP_HOST="qa.example.org").status_code == 301
    assert anonymous.get("/login/", HTTP_HOST="127.0.0.1:8000", secure=True).status_code == 400


def test_readiness_turns_503_and_names_the_broker_when_redis_is_unreachable(
    db: None, anonymous: Client, settings
) -> None:
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_dead_port()}/0"
    response = anonymous.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failing"] == ["broker"]
    assert body["checks"]["database"] == "ok"
    text = response.content.decode()
    assert "Traceback" not in text and "Connection" not in text and "127.0.0.1" not in text


def test_readiness_skips_the_broker_where_tasks_run_in_process(db: None, anonymous: Client, settings) -> None:
    settings.CELERY_BROKER_URL = "memory://"
    assert anonymous.get("/readyz").json()["checks"] == {"database": "ok", "migrations": "ok"}
