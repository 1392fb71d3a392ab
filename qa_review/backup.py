"""Consistent backups and verified restores: PostgreSQL (pg_dump) plus the media folder.

A backup is a folder with three files:

- ``database.dump``: ``pg_dump --format=custom`` taken inside one exported snapshot, so the row
  counts, the audit head and the list of recordings in the manifest describe exactly the dump;
- ``media.tar.gz``: the media folder (recordings), archived after the snapshot: every recording
  the dump refers to was written before its row was committed, so it is in the archive;
- ``manifest.json``: what the backup holds (row count per table, applied migrations, the audit
  chain's head, each recording's SHA-256) and the SHA-256 of the two other files.

A restore goes only into an empty database and an empty media folder, then checks the result
against the manifest (row counts, audit head, the whole audit chain, every recording's bytes)
and fails loudly on any difference. See docs/operations.md, "Back up and restore".
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from reviews.models import AuditAction

MANIFEST_FORMAT = 1
DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar.gz"
MANIFEST_NAME = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    audit_events: int = 0
    recordings: int = 0
    problems: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise BackupError(
            "Backups are taken from PostgreSQL. The local SQLite default is one file: "
            "stop the server and copy db.sqlite3 and the media folder."
        )


def _pg_env() -> dict[str, str]:
    params = connection.settings_dict
    env = {**os.environ, "PGDATABASE": str(params["NAME"])}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if params.get(key):
            env[variable] = str(params[key])
    return env


def _run(args: list[str]) -> None:
    if shutil.which(args[0]) is None:
        raise BackupError(f"{args[0]} is not installed (PostgreSQL's client programs, e.g. postgresql-client-15).")
    completed = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)  # noqa: S603
    if completed.returncode != 0:
        raise BackupError(f"{args[0]} failed: {completed.stderr.strip()[-2000:]}")


def _table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608  (names from the catalogue)
            counts[table] = cursor.fetchone()[0]
    return counts


def _audit_head() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sequence, hash FROM reviews_auditevent ORDER BY sequence DESC LIMIT 1")
        row = cursor.fetchone()
    return {"sequence": row[0], "hash": row[1]} if row else {"sequence": 0, "hash": ""}


def _recording_names() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT recording FROM reviews_call WHERE recording <> '' ORDER BY recording")
        return [row[0] for row in cursor.fetchall()]


def _migrations() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
        return dict(cursor.fetchall())


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def backup_create(*, destination: Path) -> dict[str, Any]:
    """Write a backup folder; return its manifest. The folder must not exist yet or be empty."""
    from reviews.services.audit import audit_record

    _require_postgresql()
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty; choose a new folder for each backup.")
    destination.mkdir(parents=True, exist_ok=True)
    # A backup copies every person's data: it leaves a trace, inside the backup itself.
    with transaction.atomic():
        audit_record(actor=None, action=AuditAction.BACKUP_CREATED, object_type="backup", data={})

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
        counts = _table_counts()
        head = _audit_head()
        recordings = _recording_names()
        migrations = _migrations()
        # pg_dump reads the same snapshot while this transaction keeps it open.
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={destination / DUMP_NAME}",
            ]
        )

    media_root = _media_root()
    recording_hashes: dict[str, str | None] = {}
    for name in recordings:
        path = media_root / name
        recording_hashes[name] = _sha256(path) if path.is_file() else None
    with tarfile.open(destination / MEDIA_NAME, "w:gz") as archive:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file():
                    archive.add(path, arcname=str(path.relative_to(media_root)), recursive=False)

    manifest = {
        "format": MANIFEST_FORMAT,
        "created_at": timezone.now().isoformat(),
        "postgresql": server_version,
        "migrations": migrations,
        "tables": counts,
        "audit_head": head,
        "recordings": recording_hashes,
        "files": {DUMP_NAME: _sha256(destination / DUMP_NAME), MEDIA_NAME: _sha256(destination / MEDIA_NAME)},
    }
    (destination / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def _read_manifest(source: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((source / MANIFEST_NAME).read_text())
    except FileNotFoundError as exc:
        raise BackupError(f"{source} holds no {MANIFEST_NAME}: it is not a qa_review backup.") from exc
    except ValueError as exc:
        raise BackupError(f"{source / MANIFEST_NAME} is not valid JSON.") from exc
    if manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}; this version reads {MANIFEST_FORMAT}.")
    for name, expected in manifest["files"].items():
        path = source / name
        if not path.is_file():
            raise BackupError(f"{path} is missing.")
        if _sha256(path) != expected:
            raise BackupError(f"{path} does not match its checksum in the manifest: the backup is damaged.")
    return manifest


def backup_restore(*, source: Path) -> RestoreReport:
    """Restore a backup into the configured, empty database and media folder, then verify it."""
    from reviews.services.audit import audit_chain_verify, audit_record

    _require_postgresql()
    manifest = _read_manifest(source)
    with connection.cursor() as cursor:
        if connection.introspection.table_names(cursor):
            raise BackupError(
                f"The database {connection.settings_dict['NAME']!r} is not empty. Restore only into an empty "
                "database (createdb a new one, point DATABASE_URL at it), never over live data."
            )
    media_root = _media_root()
    if media_root.is_dir() and any(media_root.iterdir()):
        raise BackupError(f"The media folder {media_root} is not empty; restore into an empty one.")

    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={_pg_env()['PGDATABASE']}",
          str(source / DUMP_NAME)])  # fmt: skip
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA_NAME, "r:gz") as archive:
        archive.extractall(media_root, filter="data")

    report = RestoreReport()
    counts = _table_counts()
    for table, expected in manifest["tables"].items():
        if counts.get(table) != expected:
            report.problems.append(f"table {table}: {counts.get(table)} rows, the backup has {expected}")
    report.tables, report.rows = len(counts), sum(counts.values())
    if _audit_head() != manifest["audit_head"]:
        report.problems.append(f"audit head {_audit_head()} differs from the backup's {manifest['audit_head']}")
    chain = audit_chain_verify()
    report.audit_events = chain.checked
    if not chain.ok:
        report.problems.append(f"audit chain broken at sequence {chain.first_broken_sequence}: {chain.reason}")
    for name, expected_hash in manifest["recordings"].items():
        path = media_root / name
        actual = _sha256(path) if path.is_file() else None
        if actual != expected_hash:
            report.problems.append(f"recording {name} differs from the backup")
        elif actual is not None:
            report.recordings += 1
    if not report.problems:
        with transaction.atomic():
            audit_record(
                actor=None,
                action=AuditAction.BACKUP_RESTORED,
                object_type="backup",
                data={"backup_created_at": manifest["created_at"], "audit_head": manifest["audit_head"]},
            )
    return report
