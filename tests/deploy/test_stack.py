"""The deployed stack without a Docker engine: what docker-compose.yml runs, run as processes.

The image's build steps (deploy/build-assets.sh) run first. Then web, worker and beat start with
the exact commands and healthchecks written in docker-compose.yml (only the port, the beat
schedule file and `$$` escapes are adapted), with the production settings, against this
machine's PostgreSQL (a database of the test's own, reached through a relay the test can cut)
and Redis (a queue of the test's own). The demo is seeded the way the operations guide says.
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml

from tests.conftest import wait_for
from tests.processes import DatabaseRelay, free_port

pytestmark = [pytest.mark.slow, pytest.mark.worker]

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
HTTPS = {"X-Forwarded-Proto": "https"}  # what the TLS-terminating proxy adds (docs/operations.md)


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _admin_connection() -> psycopg.Connection:
    return psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True)


@dataclass
class Stack:
    base_url: str
    env: dict[str, str]
    relay: DatabaseRelay
    workdir: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, args: list[str]) -> None:
        log = (self.workdir / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def log(self, name: str) -> str:
        return (self.workdir / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)

    def healthcheck(self, service: str) -> subprocess.CompletedProcess[str]:
        """Run the service's compose healthcheck as Docker would, inside the service's environment."""
        test = compose()["services"][service]["healthcheck"]["test"]
        port = self.base_url.rsplit(":", 1)[1]
        kind, rest = test[0], [part.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for part in test[1:]]
        args = ["sh", "-c", rest[0].replace("$$", "$")] if kind == "CMD-SHELL" else rest
        return subprocess.run(args, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=60, check=False)


def request(stack: Stack, path: str, *, data: dict[str, Any] | None = None, headers: dict[str, str] | None = None):
    body = json.dumps(data).encode() if data is not None else None
    all_headers = {**HTTPS, **({"Content-Type": "application/json"} if body else {}), **(headers or {})}
    req = urllib.request.Request(stack.base_url + path, data=body, headers=all_headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("stack")
    database = f"qa_stack_{os.getpid()}"
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{database}"')
    host_port = DATABASE_URL.rsplit("@", 1)[1].split("/", 1)[0]
    relay = DatabaseRelay((host_port.split(":")[0], int(host_port.split(":")[1])))
    port = free_port()
    env = {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",
        # The variables docker-compose.yml sets (x-app: environment), with this machine's services.
        "DJANGO_SETTINGS_MODULE": "qa_review.settings.production",
        "DATABASE_URL": DATABASE_URL.rsplit("@", 1)[0] + f"@127.0.0.1:{relay.port}/{database}",
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PSEUDONYM_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": "",
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "staticfiles"),
        # Docker sets HOSTNAME; the worker's healthcheck pings celery@$HOSTNAME.
        "HOSTNAME": socket.gethostname(),
        # Of this test's own: a queue no other worker reads, a heartbeat file.
        "CELERY_TASK_DEFAULT_QUEUE": f"qa_stack_{os.getpid()}",
        "BEAT_HEARTBEAT_FILE": str(workdir / "beat-heartbeat"),
        "SCORING_RECONCILE_INTERVAL_SECONDS": "5",
    }
    env.pop("SECURE_SSL_REDIRECT", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' fixtures; never in a deployment
    stack = Stack(base_url=f"http://127.0.0.1:{port}", env=env, relay=relay, workdir=workdir)

    build = subprocess.run(["sh", "deploy/build-assets.sh"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert build.returncode == 0, build.stdout + build.stderr

    services = compose()["services"]
    web = shlex.split(services["web"]["command"].replace("0.0.0.0:8000", f"127.0.0.1:{port}"))
    worker = shlex.split(services["worker"]["command"])
    beat = shlex.split(services["beat"]["command"].replace("/tmp/celerybeat-schedule", str(workdir / "schedule")))
    try:
        stack.start("web", web)
        stack.start("worker", worker)
        stack.start("beat", beat)
        yield stack
    finally:
        stack.stop()
        relay.close()
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def ready(stack: Stack) -> bool:
    for name, process in stack.processes.items():
        assert process.poll() is None, f"{name} exited:\n{stack.log(name)[-3000:]}"
    try:
        return request(stack, "/readyz", headers={"X-Forwarded-Proto": ""})[0] == 200
    except OSError:
        return False


def test_the_build_steps_compile_the_dutch_translations_and_collect_static_files(stack: Stack) -> None:
    assert (ROOT / "locale/nl/LC_MESSAGES/django.mo").is_file()
    assert (stack.workdir / "staticfiles/staticfiles.json").is_file()


def test_web_worker_and_beat_become_healthy_by_their_compose_healthchecks(stack: Stack) -> None:
    wait_for(lambda: ready(stack), timeout=180, interval=0.5, what="/readyz to answer 200")
    for service in ("web", "worker", "beat"):
        wait_for(
            lambda service=service: stack.healthcheck(service).returncode == 0,
            timeout=120,
            interval=1,
            what=f"{service}'s healthcheck to pass:\n{stack.log(service)[-2000:]}",
        )


def test_the_login_page_is_dutch_and_plain_http_is_sent_to_https(stack: Stack) -> None:
    wait_for(lambda: ready(stack), timeout=180, interval=0.5, what="/readyz")
    status, _, page = request(stack, "/login/")
    assert status == 200
    assert '<html lang="nl"' in page
    assert "<h1>Inloggen</h1>" in page  # from the compiled catalogue, not the template's English
    status, headers, _ = request(stack, "/login/", headers={"X-Forwarded-Proto": "http"})
    assert status == 301 and headers["Location"].startswith("https://")


def test_a_qa_lead_starts_a_scoring_run_that_the_worker_finishes(stack: Stack) -> None:
    wait_for(lambda: ready(stack), timeout=180, interval=0.5, what="/readyz")
    seed = subprocess.run(
        ["python", "manage.py", "seed_demo"], cwd=ROOT, env=stack.env, capture_output=True, text=True, timeout=300
    )
    assert seed.returncode == 0, seed.stdout + seed.stderr
    status, _, body = request(stack, "/api/v1/auth/token/", data={"username": "qa_lead", "password": "demo-password"})
    assert status == 200, body
    auth = {"Authorization": f"Token {json.loads(body)['token']}"}
    status, _, body = request(stack, "/api/v1/scoring-runs/", data={}, headers=auth)
    assert status == 201, body
    run_id = json.loads(body)["id"]

    def finished() -> dict[str, Any] | None:
        run = json.loads(request(stack, f"/api/v1/scoring-runs/{run_id}/", headers=auth)[2])
        return run if run["status"] in {"succeeded", "failed"} else None

    run = wait_for(finished, timeout=180, interval=0.5, what=f"scoring run {run_id}:\n{stack.log('worker')[-2000:]}")
    assert run["status"] == "succeeded", run
    assert run["total_agents"] > 0 and run["processed_agents"] == run["total_agents"]


def test_readiness_turns_503_without_a_trace_when_postgresql_is_cut_off_and_recovers(stack: Stack) -> None:
    wait_for(lambda: ready(stack), timeout=180, interval=0.5, what="/readyz")
    stack.relay.cut()
    try:
        status, headers, body = request(stack, "/readyz")
        assert status == 503
        assert json.loads(body) == {
            "status": "unavailable",
            "checks": {"database": "failing", "migrations": "skipped", "broker": "ok"},
            "failing": ["database"],
        }
        assert headers["Cache-Control"] == "no-store"
        status, _, page = request(stack, "/login/", data=None)
        assert "Traceback" not in page and "psycopg" not in page
    finally:
        stack.relay.restore()
    wait_for(lambda: ready(stack), timeout=60, interval=0.5, what="/readyz to recover")
    assert "Traceback" not in stack.log("web")
