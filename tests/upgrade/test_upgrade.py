"""Upgrade safety: a database of the previous release, migrated forward by this code, data intact.

fixtures/release-<commit>.sql.gz is a pg_dump of the demo world (seeded, scored) made by that
release's own code at its last migration; the code migrates it forward here.
"""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path

import pytest

from tests.deploy.databases import audit_events, database_url, fresh_database, manage, table_counts

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).parent / "fixtures" / "release-db81d4e.sql.gz"


def load(database: str) -> None:
    # pg_dump's \restrict lines name a random key; psql of any 15.x reads the rest.
    sql = "\n".join(
        line
        for line in gzip.decompress(FIXTURE.read_bytes()).decode().splitlines()
        if not line.startswith(("\\restrict", "\\unrestrict"))
    )
    result = subprocess.run(
        ["psql", "--quiet", "--set", "ON_ERROR_STOP=1", database_url(database)],
        input=sql,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_previous_release_migrates_forward_with_every_row_and_the_audit_chain_intact(tmp_path: Path) -> None:
    media = tmp_path / "media"
    with fresh_database("upgrade") as database:
        load(database)
        before, events_before = table_counts(database), audit_events(database)
        assert before["reviews_evaluation"] > 0 and events_before

        # Before the upgrade, the running code's readiness says migrations are missing.
        probe = manage(
            "shell", "-c", "import json; from qa_review.health import readiness; print(json.dumps(readiness()))",
            database=database, media=media,
        )  # fmt: skip
        ready, checks = json.loads(probe.stdout.strip().splitlines()[-1])
        assert ready is False and checks["migrations"] == "failing"

        manage("migrate", "--noinput", database=database, media=media)

        after = table_counts(database)
        # Every row is still there. New models add their content types and permissions, and new tables
        # may come with seeded rows (the root-cause taxonomy); nothing else changes.
        grown = {"django_migrations", "django_content_type", "auth_permission"}
        assert {t: n for t, n in after.items() if t in before and t not in grown} == {
            t: n for t, n in before.items() if t not in grown
        }
        assert all(after[t] >= before[t] for t in grown)
        assert after.get("reviews_rootcause") == 6 and after.get("reviews_rootcausechange") == 0
        assert after["django_migrations"] > before["django_migrations"]
        assert audit_events(database) == events_before
        assert "Audit chain OK" in manage("verify_audit_log", database=database, media=media).stdout
        plan = manage("showmigrations", "--plan", database=database, media=media).stdout
        assert "[ ]" not in plan
