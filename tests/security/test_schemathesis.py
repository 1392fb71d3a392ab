"""Schemathesis against /api/v1/schema/, logged in as each role, with every check on.

A real gunicorn serves a database of its own, filled by seed_demo; the schemathesis CLI
generates requests from the schema (examples, coverage and fuzzing phases) for every
operation and checks each answer: no server error, the status, content type, headers and
body as the schema says, schema-invalid input refused and schema-valid input accepted
(with the per-operation business-rule exceptions in schemathesis.toml, each with its reason).
The number of cases per role is printed.

The coverage phase (boundary values of every parameter, about 5,000 cases per role) runs for the QA
lead, who reaches every operation, and the supervisor, whose reads and writes are scoped; the agent,
the works council and the admin run the examples and fuzzing phases, since most operations answer
them with a refusal that the permission matrix checks cell by cell. SCHEMATHESIS_ALL_PHASES=1 runs
every phase for every role (about twice the time).
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

from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
ROLES = ["agent_a1", "supervisor_a", "qa_lead", "council", "admin"]
COVERAGE_ROLES = {"supervisor_a", "qa_lead"}
MAX_EXAMPLES = "5"


def phases(role: str) -> str:
    if role in COVERAGE_ROLES or os.environ.get("SCHEMATHESIS_ALL_PHASES") == "1":
        return "examples,coverage,fuzzing"
    return "examples,fuzzing"


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
    # The personas' world: every endpoint has objects to fuzz, and the run stays within its time.
    for command in (["migrate", "-v0"], ["seed_demo", "--personas-only"]):
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


def schemathesis(base: str, token: str, role: str) -> subprocess.Popen[str]:
    """One role's run: every check (schemathesis.toml), one thread (parallel roles are processes)."""
    return subprocess.Popen(
        [
            str(ROOT / ".venv/bin/schemathesis"),
            "run",
            f"{base}/api/v1/schema/",
            "-H",
            f"Authorization: Token {token}",
            "--checks",
            "all",
            "--max-examples",
            MAX_EXAMPLES,
            "--phases",
            phases(role),
            "--seed",
            "20261123",
            # Threads inside one run trip CPython 3.11's AST recursion check in Hypothesis; roles run
            # side by side as processes instead.
            "--workers",
            "1",
            "--no-color",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.slow
def test_every_generated_request_gets_an_answer_the_schema_allows_for_every_role(served_demo, capsys):
    base, tokens = served_demo
    runs = {role: schemathesis(base, tokens[role], role) for role in ROLES}
    counts = {}
    failures = {}
    for role, run in runs.items():
        try:
            output, _ = run.communicate(timeout=900)
        except subprocess.TimeoutExpired:
            run.kill()
            output, _ = run.communicate()
        match = re.search(r"(\d+) generated", output)
        counts[role] = int(match[1]) if match else 0
        if run.returncode != 0:
            start = output.find("= FAILURES =")
            failures[role] = output[start if start >= 0 else -6000 :][:12000]
    with capsys.disabled():
        print(f"\nschemathesis cases per role (all checks): {counts} (total {sum(counts.values())})")
    assert all(count > (1000 if "coverage" in phases(role) else 100) for role, count in counts.items()), counts
    assert not failures, "\n\n".join(f"--- {role}\n{text}" for role, text in failures.items())
