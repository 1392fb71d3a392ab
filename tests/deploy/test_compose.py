"""docker-compose.yml and the image: valid for Docker Compose, and nothing weak or secret baked in.

There is no Docker engine here; `docker-compose config` (Debian's docker-compose, installed by
.ci/run) validates and resolves the file without one.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose_config(tmp_path: Path, env_lines: list[str]) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("docker-compose")
    assert binary, "docker-compose is missing: install Debian's docker-compose (.ci/run does)"
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    (tmp_path / ".env").write_text("\n".join(env_lines) + "\n")
    return subprocess.run(
        [binary, "--project-directory", str(tmp_path), "-f", str(tmp_path / "docker-compose.yml"), "config"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )


def keys() -> list[str]:
    return [
        f"SECRET_KEY={secrets.token_urlsafe(50)}",
        f"PSEUDONYM_KEY={secrets.token_urlsafe(50)}",
        f"POSTGRES_PASSWORD={secrets.token_urlsafe(20)}",
    ]


def test_the_compose_file_is_valid_and_every_service_restarts_and_checks_its_health(tmp_path: Path) -> None:
    result = compose_config(tmp_path, keys())
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)
    services = resolved["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    for name, service in services.items():
        assert service["restart"] == "unless-stopped", name
        assert service["healthcheck"]["test"], name
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "inspect ping" in " ".join(services["worker"]["healthcheck"]["test"])
    assert services["beat"]["healthcheck"]["test"][-2:] == ["qa_review.beat", "check"]
    assert set(resolved["volumes"]) >= {"pgdata", "media", "backups", "redisdata"}
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"], name


@pytest.mark.parametrize("missing", ["SECRET_KEY", "PSEUDONYM_KEY", "POSTGRES_PASSWORD"])
def test_compose_will_not_start_without_each_secret(tmp_path: Path, missing: str) -> None:
    result = compose_config(tmp_path, [line for line in keys() if not line.startswith(f"{missing}=")])
    assert result.returncode != 0
    assert f"Set {missing} in .env" in result.stderr


def test_the_image_leaves_out_secrets_local_data_and_compiled_leftovers() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    for pattern in (".env", ".env.*", ".venv", "*.sqlite3", "media", "staticfiles", ".test-media", "**/*.mo", ".git"):
        assert pattern in ignored, pattern
    assert "!.env.example" in ignored
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "sh deploy/build-assets.sh" in dockerfile  # translations compiled, static files collected
    assert "\nUSER app\n" in dockerfile
    assert "SECRET_KEY" not in dockerfile and "PSEUDONYM_KEY" not in dockerfile


def test_compose_starts_web_worker_and_beat_with_the_production_settings() -> None:
    app = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["x-app"]
    assert app["environment"]["DJANGO_SETTINGS_MODULE"] == "qa_review.settings.production"
    assert "${SECRET_KEY:?" in app["environment"]["SECRET_KEY"]
    assert "${PSEUDONYM_KEY:?" in app["environment"]["PSEUDONYM_KEY"]
