#!/usr/bin/env python
"""Benchmark: importing a telephony export of 1,000,000 calls, against a raw COPY of the same file.

    .venv/bin/python bench/import_calls.py                 # 1,000,000 rows, 10,000 agents
    .venv/bin/python bench/import_calls.py --rows 100000   # quicker

It (re)creates the database named by BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/qa_review_bench_import), generates a CSV export
(1 % of its rows bad in varied ways), and prints for each writer (COPY via a session
table, and Django's bulk_create): rows/s, wall time and the process's peak resident
memory, after the floor: `COPY ... FROM STDIN (FORMAT csv)`
of the same file into a bare table with the same columns and no indexes, and the ratio.
A second import of the same file checks that nothing is created twice.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure(database_url: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "qa_review.settings.local",
            "DEBUG": "false",
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
        }
    )


def recreate_database(database_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(database_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def generate(path: Path, *, rows: int, agents: int, seed: int) -> int:
    """A CSV export; every 100th row is bad (unknown agent, no offset, bad number, bad channel)."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    bad = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("external_id,agent,channel,started_at,handle_time_seconds,recording_reference\n")
        channels = ("phone", "phone", "phone", "chat", "email")
        for i in range(rows):
            agent = f"agent{rng.randrange(agents):06d}"
            started = (start + dt.timedelta(seconds=rng.randrange(300 * 86400))).isoformat()
            handle = str(rng.randint(30, 1800))
            channel = channels[i % 5]
            if i % 100 == 99:
                bad += 1
                kind = (i // 100) % 4
                if kind == 0:
                    agent = "nobody"
                elif kind == 1:
                    started = started[:19]
                elif kind == 2:
                    handle = "12.5"
                else:
                    channel = "fax"
            out.write(f"T{i:09d},{agent},{channel},{started},{handle},rec/{i:09d}.wav\n")
    return bad


def seed_agents(agents: int) -> None:
    from django.contrib.auth.hashers import make_password

    from accounts.models import EmploymentType, Role, Team, User

    team = Team.objects.create(name="Bench")
    unusable = make_password(None)
    User.objects.bulk_create(
        [
            User(
                username=f"agent{i:06d}",
                role=Role.AGENT,
                team=team,
                employment_type=EmploymentType.PERMANENT,
                employee_number=f"E{i:06d}",
                password=unusable,
            )
            for i in range(agents)
        ],
        batch_size=5000,
    )


def timed_import(path: Path, *, writer: str, source: str) -> tuple[object, float, float]:
    from reviews.services.call_imports import call_import_create, call_import_run

    call_import = call_import_create(
        file_name=path.name, source=source, fmt="csv", total_bytes=path.stat().st_size, acting_user=None
    )
    started = time.perf_counter()
    with path.open("rb") as handle:
        result = call_import_run(import_id=call_import.pk, stream=handle, writer=writer)
    seconds = time.perf_counter() - started
    # Peak resident memory of the whole process so far (Django, the import, its batches).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result, seconds, peak


def floor_copy(path: Path) -> float:
    """The same file into a bare table by COPY, no checks, no indexes: the least any import can cost."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_calls")
        cursor.execute(
            "CREATE TABLE bench_raw_calls (external_id text, agent text, channel text,"
            " started_at text, handle_time_seconds text, recording_reference text)"
        )
    best = float("inf")
    for _ in range(3):
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE bench_raw_calls")
            started = time.perf_counter()
            with (
                path.open("rb") as handle,
                cursor.cursor.copy("COPY bench_raw_calls FROM STDIN (FORMAT csv, HEADER true)") as copy,
            ):
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
            best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--writers", default="copy,bulk", help="comma-separated: copy, bulk")
    parser.add_argument("--drop-after", action="store_true", help="drop the benchmark database when done")
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qa_review_bench_import")
    configure(database_url)
    recreate_database(database_url)
    import django

    django.setup()
    from django.core.management import call_command

    from reviews.models import Call

    call_command("migrate", verbosity=0)
    seed_agents(args.agents)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        started = time.perf_counter()
        bad = generate(path, rows=args.rows, agents=args.agents, seed=args.seed)
        size_mb = path.stat().st_size / 1024 / 1024
        print(
            f"file: {args.rows:,} rows ({bad:,} bad), {size_mb:,.0f} MB, "
            f"generated in {time.perf_counter() - started:.1f} s"
        )
        floor = floor_copy(path)
        print(f"floor: raw COPY into a bare table, best of 3: {floor:.2f} s ({args.rows / floor:,.0f} rows/s)")
        results = {}
        for writer in [w.strip() for w in args.writers.split(",") if w.strip()]:
            result, seconds, peak = timed_import(path, writer=writer, source=f"bench-{writer}")
            assert result.created_count == args.rows - bad and result.rejected_count == bad, result.__dict__
            results[writer] = seconds
            print(
                f"import ({writer:4s}): {seconds:6.2f} s  {args.rows / seconds:>9,.0f} rows/s  "
                f"ratio to floor {seconds / floor:4.1f}x  peak RSS {peak:5.0f} MB  "
                f"created {result.created_count:,}  refused {result.rejected_count:,}"
            )
        if "copy" in results:
            again, seconds, _ = timed_import(path, writer="copy", source="bench-copy")
            assert again.created_count == 0 and again.duplicate_count == args.rows - bad
            print(
                f"re-import (copy): {seconds:6.2f} s, created {again.created_count}, "
                f"already there {again.duplicate_count:,}"
            )
        print(f"calls in the database: {Call.objects.count():,}")
        print(
            f"peak resident memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        )
    if args.drop_after:
        from django.db import connections

        connections.close_all()
        drop_database(database_url)


if __name__ == "__main__":
    main()
