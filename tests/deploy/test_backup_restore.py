"""The backup and restore drill: a populated world, backed up, restored into an empty database."""

from __future__ import annotations

import hashlib
import shutil
import wave
from pathlib import Path

import psycopg
import pytest

from tests.deploy.databases import audit_events, database_url, fresh_database, manage, table_counts

pytestmark = pytest.mark.slow


def recordings(database: str) -> list[str]:
    with psycopg.connect(database_url(database)) as conn:
        return [row[0] for row in conn.execute("SELECT recording FROM reviews_call WHERE recording <> ''")]


def test_a_restored_backup_has_the_same_rows_audit_chain_and_playable_recordings(tmp_path: Path) -> None:
    source_media, restored_media, backup = tmp_path / "media", tmp_path / "restored-media", tmp_path / "backup"
    with fresh_database("backup_source") as source, fresh_database("backup_target") as target:
        manage("migrate", "--noinput", database=source, media=source_media)
        manage("seed_demo", "--personas-only", database=source, media=source_media)  # every kind of row, quickly
        manage("run_scoring", "--inline", database=source, media=source_media)
        manage("backup", str(backup), database=source, media=source_media)

        result = manage("restore", str(backup), database=target, media=restored_media)
        assert "Restored and verified" in result.stdout

        before, after = table_counts(source), table_counts(target)
        source_events, target_events = audit_events(source), audit_events(target)
        # The restore adds exactly one event to the chain it restored: its own.
        assert target_events[:-1] == source_events
        assert target_events[-1][1] == "reviews.backup.restored"
        assert after == {**before, "reviews_auditevent": before["reviews_auditevent"] + 1}
        assert before["reviews_call"] > 0 and before["reviews_agentscore"] > 0
        assert "Audit chain OK" in manage("verify_audit_log", database=target, media=restored_media).stdout

        names = recordings(target)
        assert names and names == recordings(source)
        for name in names:
            restored = restored_media / name
            assert (
                hashlib.sha256(restored.read_bytes()).digest()
                == hashlib.sha256((source_media / name).read_bytes()).digest()
            )
            with wave.open(str(restored)) as audio:
                assert audio.getnframes() > 0

        # Never over live data: a second restore into the same database is refused and changes nothing.
        again = manage("restore", str(backup), database=target, media=tmp_path / "other-media", check=False)
        assert again.returncode != 0
        assert "is not empty. Restore only into an empty database" in again.stderr
        assert table_counts(target) == after


def test_a_damaged_backup_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    media, backup = tmp_path / "media", tmp_path / "backup"
    with fresh_database("damaged_source") as source, fresh_database("damaged_target") as target:
        manage("migrate", "--noinput", database=source, media=media)
        manage("backup", str(backup), database=source, media=media)
        damaged = tmp_path / "damaged"
        shutil.copytree(backup, damaged)
        dump = damaged / "database.dump"
        data = bytearray(dump.read_bytes())
        data[len(data) // 2] ^= 0xFF
        dump.write_bytes(bytes(data))

        result = manage("restore", str(damaged), database=target, media=tmp_path / "restored", check=False)
        assert result.returncode != 0
        assert "does not match its checksum in the manifest: the backup is damaged" in result.stderr
        assert table_counts(target) == {}
