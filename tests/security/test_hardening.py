"""Login lockout with an audit event, throttled token and export endpoints, secure production cookies."""

import importlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from reviews.models import AuditEvent
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def set_password(user, password="correct-horse-battery"):
    user.set_password(password)
    user.save()
    return password


def test_repeated_wrong_passwords_lock_the_web_login_and_the_lockout_is_audited(world, settings):
    password = set_password(world.agent)
    client = Client()
    answers = [
        client.post("/login/", {"username": "alice", "password": f"wrong-{i}"}).status_code
        for i in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert answers[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)  # the form again, with its error
    assert answers[-1] == 429
    locked = client.post("/login/", {"username": "alice", "password": password})
    assert locked.status_code == 429 and "Retry-After" in locked.headers
    assert "_auth_user_id" not in client.session  # even the right password does not get in now
    event = AuditEvent.objects.filter(action="accounts.login.locked_out").order_by("sequence").first()
    assert (event.object_id, event.data["known_user"]) == (str(world.agent.pk), True)
    # Another person at the same address is not affected.
    other = set_password(world.colleague)
    assert Client().post("/login/", {"username": "bob", "password": other}).status_code == 302


def test_the_api_token_endpoint_locks_out_with_a_json_answer(world, settings):
    password = set_password(world.agent)
    client = client_for(None)
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/api/v1/auth/token/", {"username": "alice", "password": f"nope{i}"})
        assert response.status_code == 400, response.content
    response = client.post("/api/v1/auth/token/", {"username": "alice", "password": "nope"})
    assert response.status_code == 429 and response.json()["code"] == "locked_out"
    response = client.post("/api/v1/auth/token/", {"username": "alice", "password": password})
    assert response.status_code == 429
    assert AuditEvent.objects.filter(action="accounts.login.locked_out").count() >= 1


def test_a_successful_login_resets_the_failure_count(world, settings):
    password = set_password(world.agent)
    client = client_for(None)
    for _ in range(3):
        for i in range(settings.AXES_FAILURE_LIMIT - 1):
            client.post("/api/v1/auth/token/", {"username": "alice", "password": f"nope{i}"})
        assert client.post("/api/v1/auth/token/", {"username": "alice", "password": password}).status_code == 200


def test_token_requests_and_exports_are_throttled(world):
    password = set_password(world.agent)
    client = client_for(None)
    codes = [
        client.post("/api/v1/auth/token/", {"username": "alice", "password": password}).status_code for _ in range(21)
    ]
    assert codes[:20] == [200] * 20 and codes[20] == 429
    agent = client_for(world.agent)
    codes = [agent.get("/api/v1/me/export/").status_code for _ in range(31)]
    assert codes[:30] == [200] * 30 and codes[30] == 429
    assert "Retry-After" in agent.get("/api/v1/me/export/").headers
    council = client_for(world.council)
    csv_codes = [
        council.get("/api/v1/works-council/group-breakdown/", {"format": "csv"}).status_code for _ in range(31)
    ]
    assert csv_codes[-1] == 429
    # Reading the same table as JSON is not an export and is not throttled.
    assert council.get("/api/v1/works-council/group-breakdown/").status_code == 200


def test_production_cookies_are_secure_and_the_deploy_check_passes():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qa_review.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PSEUDONYM_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "ALLOWED_HOSTS": "qa.example.org",
    }
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.PASSWORD_HASHERS[0])"
    )
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.split() == ["True", "True", "True", "True", "django.contrib.auth.hashers.Argon2PasswordHasher"], (
        out.stdout + out.stderr
    )
    assert importlib.import_module("qa_review.settings.base").AUTHENTICATION_BACKENDS[0].startswith("axes.")
