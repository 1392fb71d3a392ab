"""Production refuses keys that are missing, short, shared or published in this repository."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from accounts.checks import MIN_KEY_LENGTH, SHIPPED_KEY_VALUES

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def strong_key() -> str:
    return secrets.token_urlsafe(50)


def production_env(**keys: str | None) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qa_review.settings.production",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test"),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "ALLOWED_HOSTS": "qa.example.org",
        "SECRET_KEY": strong_key(),
        "PSEUDONYM_KEY": strong_key(),
    }
    # Set by the browser tests' fixtures in this process; a deployment never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    for name, value in keys.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)


def deploy_check(**keys: str | None) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "manage.py", "check", "--deploy"], production_env(**keys))


def test_strong_keys_pass_the_deployment_checklist() -> None:
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ({"SECRET_KEY": None}, "qa_review.E001) SECRET_KEY is not set"),
        ({"PSEUDONYM_KEY": ""}, "qa_review.E002) PSEUDONYM_KEY is not set"),
        ({"PSEUDONYM_KEY": "x" * 31}, "qa_review.E002) PSEUDONYM_KEY is 31 characters long; it must be at least 32"),
        ({"SECRET_KEY": "insecure-local-key-change-me"}, "qa_review.E001) SECRET_KEY is a value published"),
        ({"PSEUDONYM_KEY": "local-pseudonym-key-change-me"}, "qa_review.E002) PSEUDONYM_KEY is a value published"),
        ({"PSEUDONYM_KEY": "change-me-in-production"}, "qa_review.E002) PSEUDONYM_KEY is a value published"),
    ],
)
def test_a_weak_key_fails_the_check_and_says_which_and_why(keys: dict[str, str | None], message: str) -> None:
    result = deploy_check(**keys)
    assert result.returncode == 1
    assert message in result.stderr


def test_the_same_value_for_both_keys_is_refused() -> None:
    key = strong_key()
    result = deploy_check(SECRET_KEY=key, PSEUDONYM_KEY=key)
    assert result.returncode == 1
    assert "qa_review.E003) SECRET_KEY and PSEUDONYM_KEY are the same value" in result.stderr


def test_gunicorn_refuses_to_start_with_a_published_pseudonym_key() -> None:
    env = production_env(PSEUDONYM_KEY="local-pseudonym-key-change-me")
    # The port is never bound: the worker fails to boot and the master exits.
    result = run([str(VENV_BIN / "gunicorn"), "qa_review.wsgi:application", "--bind", "127.0.0.1:0"], env)
    assert result.returncode != 0
    assert "refuses to start with weak keys" in result.stderr
    assert "PSEUDONYM_KEY is a value published" in result.stderr


@pytest.mark.parametrize("process", ["worker", "beat"])
def test_celery_refuses_to_start_with_a_short_secret_key(process: str, tmp_path: Path) -> None:
    env = production_env(SECRET_KEY="too-short")
    args = [str(VENV_BIN / "celery"), "-A", "qa_review", process, "--loglevel=WARNING"]
    if process == "beat":
        args += ["--schedule", str(tmp_path / "schedule")]
    else:
        args += ["--pool=solo", "--queues", f"weak-keys-{os.getpid()}"]
    result = run(args, env)
    assert result.returncode != 0
    assert "SECRET_KEY is 9 characters long" in result.stdout + result.stderr


KEY_VALUE_PATTERNS = [
    re.compile(r"""(?:SECRET_KEY|PSEUDONYM_KEY)["']?\s*[:=]\s*["']([^"'\s]+)["']"""),
    re.compile(r"""^\s*(?:export\s+)?(?:SECRET_KEY|PSEUDONYM_KEY)=([^\s"'$]+)""", re.MULTILINE),
    re.compile(r"""(?:SECRET_KEY|PSEUDONYM_KEY)["'],\s*default=["']([^"']+)["']"""),
    re.compile(r"""\$\{(?:SECRET_KEY|PSEUDONYM_KEY):-([^}]+)\}"""),
]


def test_every_key_value_written_in_the_repository_is_on_the_refused_list() -> None:
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    found: dict[str, str] = {}
    for name in tracked:
        path = ROOT / name
        if path.suffix in {".gz", ".wav", ".png", ".mo"} or not path.is_file():
            continue
        text = path.read_text(errors="ignore")
        for pattern in KEY_VALUE_PATTERNS:
            for value in pattern.findall(text):
                found.setdefault(value, name)
    # Generated at run time, never a fixed value: secrets.token_urlsafe(...) and environment lookups.
    fixed = {value: name for value, name in found.items() if "(" not in value and not value.startswith("$")}
    assert "insecure-local-key-change-me" in fixed, "the scan must see the local default"
    # Shorter values are refused for their length already; a long published one must be on the list.
    unlisted = {
        value: name for value, name in fixed.items() if len(value) >= MIN_KEY_LENGTH and value not in SHIPPED_KEY_VALUES
    }
    assert unlisted == {}, f"add these published key values to accounts.checks.SHIPPED_KEY_VALUES: {unlisted}"
