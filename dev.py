#!/usr/bin/env python3
"""The two commands, with nothing but Python needed.

    python3 dev.py run    set up .venv, migrate SQLite, seed the demo, serve http://127.0.0.1:8000
    python3 dev.py test   set up .venv, run every check and the whole suite on PostgreSQL and Redis

Standard library only: it runs before the virtualenv exists.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = str(BIN / "python")
TEST_DEFAULTS = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def sh(*args: str, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(args), flush=True)
    # Only this script's own fixed commands run here.
    completed = subprocess.run(args, cwd=ROOT, env={**os.environ, **(env or {})}, check=False)  # noqa: S603
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def install(lock: str) -> None:
    """Create .venv if needed and install a lock file, skipping it when already installed."""
    if not (BIN / "python").exists():
        print(f"Creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    lock_path = ROOT / "requirements" / lock
    digest = hashlib.sha256(lock_path.read_bytes()).hexdigest()
    stamp = VENV / f".installed-{lock}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    sh(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--require-hashes", "-r", str(lock_path))
    stamp.write_text(digest)


def run() -> None:
    install("base.lock")
    env = {"DJANGO_SETTINGS_MODULE": "qa_review.settings.local"}
    sh(PY, "manage.py", "compile_translations", "--verbosity", "0", env=env)
    sh(PY, "manage.py", "migrate", "--noinput", env=env)
    sh(PY, "manage.py", "collectstatic", "--noinput", "--verbosity", "0", env=env)
    sh(PY, "manage.py", "seed_demo", env=env)
    print(
        "\nqa_review runs on http://127.0.0.1:8000 (pages in Dutch and English; API docs at /api/v1/docs/).\n"
        "Log in as qa_lead, supervisor_a, agent_a1, council, ... with the password 'demo-password'.\n"
        "Tasks run in-process because REDIS_URL is not set.\n",
        flush=True,
    )
    sh(PY, "manage.py", "runserver", "127.0.0.1:8000", env=env)


def check() -> None:
    install("dev.lock")
    env = {
        "DJANGO_SETTINGS_MODULE": "qa_review.settings.test",
        **{k: os.environ.get(k, v) for k, v in TEST_DEFAULTS.items()},
    }
    sh(PY, "manage.py", "compile_translations", "--verbosity", "0", env=env)
    sh(str(BIN / "ruff"), "check", ".")
    sh(str(BIN / "ruff"), "format", "--check", ".")
    sh(str(BIN / "mypy"), "qa_review", "accounts", "reviews", "tests", env=env)
    sh(PY, "manage.py", "makemigrations", "--check", "--dry-run", env=env)
    sh(PY, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", os.devnull, env=env)
    # Production settings must pass Django's deployment checklist (throwaway secrets, never used).
    production = {
        **env,
        "DJANGO_SETTINGS_MODULE": "qa_review.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PSEUDONYM_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "qa-review.example.org",
    }
    sh(PY, "manage.py", "check", "--deploy", "--fail-level", "WARNING", env=production)


def test(pytest_args: list[str]) -> None:
    check()
    env = {k: os.environ.get(k, v) for k, v in TEST_DEFAULTS.items()}
    sh(str(BIN / "pytest"), *pytest_args, env=env)


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "run":
        run()
    elif command == "test":
        test(sys.argv[2:])
    elif command == "check":
        check()
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
