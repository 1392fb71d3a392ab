"""Databases of a test's own on this machine's PostgreSQL, and manage.py run against them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")


def database_url(name: str) -> str:
    return DATABASE_URL.rsplit("/", 1)[0] + f"/{name}"


def _admin() -> psycopg.Connection:
    return psycopg.connect(database_url("postgres"), autocommit=True)


@contextmanager
def fresh_database(label: str) -> Iterator[str]:
    """An empty database named after the label and this process; dropped afterwards."""
    name = f"qa_{label}_{os.getpid()}"
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*args: str, database: str, media: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    """manage.py with the local settings pointed at a database and media folder of the test's own."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qa_review.settings.local",
        "DATABASE_URL": database_url(database),
        "MEDIA_ROOT": str(media),
        "REDIS_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if check:
        assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def table_counts(database: str) -> dict[str, int]:
    with psycopg.connect(database_url(database)) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        return {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


def audit_events(database: str) -> list[tuple[int, str, str]]:
    with psycopg.connect(database_url(database)) as conn:
        return conn.execute("SELECT sequence, action, hash FROM reviews_auditevent ORDER BY sequence").fetchall()
