#!/usr/bin/env python
"""Benchmark: searching what was said, in Dutch, over many transcripts.

    .venv/bin/python bench/transcript_search.py                        # 100,000 transcripts, ~40 segments each
    .venv/bin/python bench/transcript_search.py --transcripts 5000     # quicker

It (re)creates the database named by BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/qa_review_bench_search), migrates it, loads generated Dutch
transcripts with COPY (seeded; the seed is printed; each line's stored vector ``text_dutch`` is computed
as it is written), builds the GIN index on that vector (timed), and then runs each kind of search many
times through the product's own selector (``search_segments``: scope, filters, ordering, snippets), as a
QA lead (every call) and as a supervisor (one team's calls). It prints p50 and p95 per kind and overall,
and beside each the floor: the bare SQL that finds the same first page (the same full-text condition,
period and order, no scope and no snippets), with their ratio; and whether selector and floor found the
same lines. Nothing here asserts a time; figures go to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from import_calls import configure, drop_database, recreate_database  # noqa: E402  (bench/, beside this file)

WORDS = (  # noqa: SIM905
    "ik u de het een en van in op met voor naar bij over uitkering betaling maand brief aanvraag "
    "inkomen werk huur toeslag rekening datum gesprek vraag antwoord formulier adres wijziging "
    "controle termijn bedrag zorg kinderen partner situatie woning gemeente belasting pensioen "
    "ziekte herstel afspraak telefoon online inloggen wachtwoord digid terugbetalen schuld regeling "
    "vakantie geld week jaar begrijp graag dank helpen klopt duidelijk nog even kijken zoeken"
).split()
# Phrases that a screening list or a QA lead would look for; rare on purpose.
RARE = ["samenwonend", "ga samenwonen", "zwart werk", "bijverdiensten", "niet doorgegeven", "contant betaald"]
QUERIES = [
    ("a common word", "uitkering"),
    ("a rare word, stemmed", "samenwonen"),
    ("a phrase", '"niet doorgegeven"'),
    ("either word", "bijverdiensten or contant"),
    ("a word without another", "zwart -werk"),
    ("two words", "huur toeslag"),
]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 14))]
    if rng.random() < 0.01:
        words.insert(rng.randrange(len(words)), rng.choice(RARE))
    return " ".join(words).capitalize() + "."


def seed(args: argparse.Namespace, now: dt.datetime) -> dict[str, object]:
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from accounts.models import EmploymentType, Role, Team, User

    rng = random.Random(args.seed)
    teams = Team.objects.bulk_create([Team(name=f"Team {i:02d}") for i in range(args.teams)])
    unusable = make_password(None)
    qa_lead = User.objects.create(username="bench_qa", role=Role.QA_LEAD, password=unusable)
    supervisor = User.objects.create(username="bench_sup", role=Role.SUPERVISOR, team=teams[0], password=unusable)
    agents = User.objects.bulk_create(
        [
            User(
                username=f"agent{i:05d}",
                role=Role.AGENT,
                team=teams[i % len(teams)],
                employment_type=EmploymentType.PERMANENT,
                password=unusable,
            )
            for i in range(args.agents)
        ],
        batch_size=5000,
    )
    raw = connection.connection
    segments = 0
    with raw.cursor() as cur:
        cur.execute("DROP INDEX reviews_segment_text_dutch")  # built once, after the load (timed below)
        with cur.copy(
            "COPY reviews_call (id, source, external_id, agent_id, channel, started_at, handle_time_seconds,"
            " recording, recording_content_type, transcript, recording_reference, created_at) FROM STDIN"
        ) as copy:
            for i in range(1, args.transcripts + 1):
                started = now - dt.timedelta(seconds=rng.randrange(85 * 86400))
                agent = agents[rng.randrange(len(agents))].pk
                copy.write_row((i, "bench", f"T{i}", agent, "phone", started, 600, "", "", "", "", now))
        with cur.copy(
            "COPY reviews_transcriptsegment (call_id, position, start_ms, end_ms, speaker, text) FROM STDIN"
        ) as copy:
            for i in range(1, args.transcripts + 1):
                start = 0
                for position in range(rng.randint(args.segments - 5, args.segments + 5)):
                    length = rng.randint(3000, 12000)
                    speaker = "agent" if position % 2 == 0 else "caller"
                    copy.write_row((i, position, start, start + length, speaker, sentence(rng)))
                    start += length + rng.randint(0, 800)
                    segments += 1
        cur.execute("SELECT setval('reviews_call_id_seq', %s)", [args.transcripts])
    began = time.perf_counter()
    with raw.cursor() as cur:
        cur.execute("CREATE INDEX reviews_segment_text_dutch ON reviews_transcriptsegment USING gin (text_dutch)")
    index_seconds = time.perf_counter() - began
    raw.commit()
    with raw.cursor() as cur:
        cur.execute("ANALYZE")
    raw.commit()
    return {"qa_lead": qa_lead, "supervisor": supervisor, "segments": segments, "index_seconds": index_seconds}


# The floor: the bare SQL for the same first page (same match, period and order; no scope, no snippets),
# in both of its honest forms, the faster of them counted: walk the newest calls, or take the matching
# lines through the GIN index first. Each may run 3 s at most (a timeout counts as 3 s).
WALK = (
    "SELECT s.id FROM reviews_transcriptsegment s JOIN reviews_call c ON c.id = s.call_id"
    " WHERE s.text_dutch @@ websearch_to_tsquery('dutch', %s)"
    " AND c.started_at >= %s AND c.started_at < %s"
    " ORDER BY c.started_at DESC, s.call_id, s.position LIMIT %s"
)
INDEX_FIRST = (
    "WITH hits AS MATERIALIZED (SELECT id, call_id, position FROM reviews_transcriptsegment"
    " WHERE text_dutch @@ websearch_to_tsquery('dutch', %s))"
    " SELECT h.id FROM hits h JOIN reviews_call c ON c.id = h.call_id"
    " WHERE c.started_at >= %s AND c.started_at < %s ORDER BY c.started_at DESC, h.call_id, h.position LIMIT %s"
)
FLOOR_TIMEOUT = 3.0


def floor(cur: object, query: str, start: dt.datetime, end: dt.datetime) -> tuple[float, list[int]]:
    from django.db import transaction
    from django.db.utils import OperationalError

    best, ids = FLOOR_TIMEOUT, []
    for sql in (WALK, INDEX_FIRST):
        began = time.perf_counter()
        try:
            with transaction.atomic():
                cur.execute(f"SET LOCAL statement_timeout = {int(FLOOR_TIMEOUT * 1000)}")  # type: ignore[attr-defined]
                cur.execute(sql, [query, start, end, 50])  # type: ignore[attr-defined]
                found = [row[0] for row in cur.fetchall()]  # type: ignore[attr-defined]
        except OperationalError:
            continue
        took = time.perf_counter() - began
        if took <= best:
            best, ids = took, found
    return best, ids


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(args: argparse.Namespace, people: dict[str, object], now: dt.datetime) -> None:
    from django.db import connection

    from reviews.selectors.transcripts import search_segments

    start, end = now - dt.timedelta(days=90), now + dt.timedelta(minutes=1)
    overall: dict[str, list[float]] = {"qa_lead": [], "supervisor": [], "floor": []}
    agree = True
    print(f"{'search':28} {'who':10} {'lines':>6} {'p50 ms':>8} {'p95 ms':>8} {'floor p50':>10} {'ratio':>6}")
    for label, query in QUERIES:
        floor_times: list[float] = []
        with connection.cursor() as cur:
            for _ in range(args.repeats):
                took, floor_ids = floor(cur, query, start, end)
                floor_times.append(took)
        overall["floor"] += floor_times
        for who in ("qa_lead", "supervisor"):
            times = []
            for _ in range(args.repeats):
                began = time.perf_counter()
                hits, _more = search_segments(user=people[who], query=query, start=start, end=end)  # type: ignore[arg-type]
                times.append(time.perf_counter() - began)
            overall[who] += times
            if who == "qa_lead":
                agree = agree and [h.segment.pk for h in hits] == floor_ids
            p50, p95 = statistics.median(times) * 1000, percentile(times, 0.95) * 1000
            floor_p50 = statistics.median(floor_times) * 1000
            print(f"{label:28} {who:10} {len(hits):6d} {p50:8.1f} {p95:8.1f} {floor_p50:10.1f} {p50 / floor_p50:6.2f}")
    for who in ("qa_lead", "supervisor"):
        values = overall[who]
        print(
            f"all searches, {who}: p50 {statistics.median(values) * 1000:.1f} ms,"
            f" p95 {percentile(values, 0.95) * 1000:.1f} ms over {len(values)} searches (target p95 < 200 ms)"
        )
    print("selector and floor found the same first page: " + ("agree" if agree else "DISAGREE"))
    if not agree:
        raise SystemExit(1)


def world_arguments(description: str | None) -> argparse.ArgumentParser:
    """The generated world's size and seed, for this benchmark and bench/screening.py."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transcripts", type=int, default=100_000)
    parser.add_argument("--segments", type=int, default=40, help="segments per transcript, on average")
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--drop-after", action="store_true", help="drop the benchmark database when done")
    return parser


def main() -> None:
    parser = world_arguments(__doc__)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="measure the world a previous run left behind")
    args = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qa_review_bench_search")
    configure(database_url)
    print(f"seed {args.seed}; {args.transcripts} transcripts of about {args.segments} segments; {database_url}")
    if not args.reuse:
        recreate_database(database_url)
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.models import User

    now = dt.datetime.now(dt.UTC)
    if args.reuse:
        people: dict[str, object] = {
            "qa_lead": User.objects.get(username="bench_qa"),
            "supervisor": User.objects.get(username="bench_sup"),
        }
        print("reusing the loaded world (its calls lie in the 85 days before it was made)")
    else:
        call_command("migrate", verbosity=0)
        began = time.perf_counter()
        people = seed(args, now)
        print(
            f"loaded {people['segments']:,} segments in {time.perf_counter() - began:.1f} s"
            f" (GIN index built in {people['index_seconds']:.1f} s of that)"
        )
    try:
        measure(args, people, now)
    finally:
        if args.drop_after:
            from django.db import connections

            connections.close_all()
            drop_database(database_url)


if __name__ == "__main__":
    main()
