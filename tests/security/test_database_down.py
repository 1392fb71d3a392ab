"""PostgreSQL unreachable: the web answers 503 with a plain message (JSON on the API) and no stack trace.

A real gunicorn serves the project with a database address where nothing listens.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server_without_database():
    port, dead_port = free_port(), free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qa_review.settings.test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{dead_port}/test",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "qa_review.wsgi", "--workers=1", f"--bind=127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def fetch(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_the_api_answers_503_json_and_the_pages_a_503_page(server_without_database):
    base = server_without_database
    status, headers, body = fetch(f"{base}/api/v1/evaluations/", headers={"Authorization": "Token " + "a" * 40})
    assert status == 503, body
    assert headers["Content-Type"].startswith("application/json") and headers["Retry-After"] == "30"
    assert '"code": "database_unavailable"' in body or '"code":"database_unavailable"' in body
    assert "Traceback" not in body and "psycopg" not in body and "OperationalError" not in body

    status, _, body = fetch(
        f"{base}/api/v1/auth/token/",
        data=b'{"username": "alice", "password": "x"}',
        headers={"Content-Type": "application/json"},
    )
    assert status == 503 and "database_unavailable" in body

    # A person logging in: the form needs no database, checking the password does.
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/login/", timeout=30) as page:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
    assert token is not None
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token[1], "username": "alice", "password": "x"})
    try:
        opener.open(urllib.request.Request(f"{base}/login/", data=form.encode()), timeout=30)
        raise AssertionError("the login should not succeed without a database")
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, dict(error.headers), error.read().decode()
    assert status == 503 and headers["Content-Type"].startswith("text/html")
    assert "Tijdelijk niet beschikbaar" in body and "Traceback" not in body
