"""Schemathesis against /api/v1/schema/, logged in as each role: no request may cause a server error.

A real gunicorn serves a database of its own, filled by seed_demo; the schemathesis CLI
generates requests from the schema (examples, coverage and fuzzing phases) for every
operation. The number of cases per role is printed. Only the server-error check is
enforced here; the schema-conformance checks still report findings (see README,
"Security and privacy").
"""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
ROLES = ["agent_a1", "supervisor_a", "qa_lead", "council", "admin"]
MAX_EXAMPLES = "5"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served_demo():
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test").rsplit("/", 1)[0]
    name = f"qa_review_schemathesis_{os.getpid()}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qa_review.settings.local",
        "DEBUG": "false",
        "DATABASE_URL": f"{base}/{name}",
        "REDIS_URL": "",  # tasks in-process: the demo's work happens inside the request
        "MEDIA_ROOT": str(ROOT / ".test-media" / name),
        "THROTTLE_AUTH": "100000/minute",
        "THROTTLE_EXPORT": "100000/minute",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "-v0"], ["seed_demo"]):
        subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True, capture_output=True)
    script = (
        "import django; django.setup(); from rest_framework.authtoken.models import Token;"
        "from accounts.models import User;"
        "[print(u.username, Token.objects.get_or_create(user=u)[0].key) for u in User.objects.all()]"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    tokens = dict(line.split() for line in out.stdout.splitlines() if line.strip())
    port = free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "qa_review.wsgi", "--workers=2", f"--bind=127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    try:
        yield f"http://127.0.0.1:{port}", tokens
    finally:
        server.terminate()
        server.wait(timeout=30)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.slow
def test_no_generated_request_causes_a_server_error_for_any_role(served_demo, capsys):
    base, tokens = served_demo
    counts = {}
    failures = {}
    for role in ROLES:
        completed = subprocess.run(
            [
                str(ROOT / ".venv/bin/schemathesis"),
                "run",
                f"{base}/api/v1/schema/",
                "-H",
                f"Authorization: Token {tokens[role]}",
                "--checks",
                "not_a_server_error",
                "--max-examples",
                MAX_EXAMPLES,
                "--phases",
                "examples,coverage,fuzzing",
                "--seed",
                "20261123",
                "--workers",
                "2",
                "--no-color",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        match = re.search(r"(\d+) generated", completed.stdout)
        counts[role] = int(match[1]) if match else 0
        if completed.returncode != 0:
            failures[role] = completed.stdout[-4000:]
    with capsys.disabled():
        print(f"\nschemathesis cases per role: {counts} (total {sum(counts.values())})")
    assert all(count > 1000 for count in counts.values()), counts
    assert not failures, failures
