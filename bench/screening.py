#!/usr/bin/env python
"""Benchmark: screening new transcripts with a consented 50-phrase list through a real Celery worker.

    .venv/bin/python bench/screening.py                        # 100,000 transcripts, ~40 segments each
    .venv/bin/python bench/screening.py --transcripts 5000     # quicker

It (re)creates the database named by BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/qa_review_bench_screening), migrates it, drafts a screening list
of 50 Dutch phrases and takes it through the works council's consent to active (before any
transcript exists, so everything loaded afterwards is new to it), loads the generated transcripts of
bench/transcript_search.py (seeded; the seed is printed), then starts one `celery worker` process
(solo pool) and sends it the product's screening task. It prints the time from sending the task to
its end (reading the lines, matching, assigning reviewers, writing the selections and messages),
transcripts and lines per second, the calls selected, and whether the worker's result and an
independent check agree: a plain-Python pass over the same lines that looks for the
phrases' words as typed (no stemming), which must find a subset of the selected calls.
Nothing here asserts a time; figures go to bench/RESULTS.md.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from import_calls import drop_database, recreate_database  # noqa: E402  (bench/, beside this file)
from scoring_run import configure  # noqa: E402
from transcript_search import seed, world_arguments  # noqa: E402

# Six phrases that the generated transcripts contain now and then, and 44 that a list might hold but
# nobody says here: a list of 50, most of which cost a lookup and never match.
PHRASES = ["samenwonen", "zwart werk", "bijverdiensten", "niet doorgegeven", "contant betaald", "ga samenwonen"]
PHRASES += [
    f"{a} {b}"
    for a in ("kamer", "erfenis", "loterij", "marktplaats", "onderhuur", "buitenland", "vriendin", "kostganger")
    for b in ("verhuurd", "gewonnen", "verkocht", "ontvangen", "verzwegen", "opgegeven")
][:44]


def main() -> None:
    args = world_arguments(__doc__).parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qa_review_bench_screening")
    env = configure(database_url, f"qa_review_bench_{uuid.uuid4().hex[:8]}")
    print(f"seed {args.seed}; {args.transcripts} transcripts of about {args.segments} segments; {len(PHRASES)} phrases")
    recreate_database(database_url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    worker = None
    try:
        from accounts.models import Role, User
        from reviews.models import ScreeningCandidate, TranscriptSegment
        from reviews.services import screening, screening_lists
        from reviews.tasks import screening_run

        qa_lead = User.objects.create(username="bench_screening_qa", role=Role.QA_LEAD)
        council = User.objects.create(username="bench_screening_council", role=Role.WORKS_COUNCIL)
        version = screening_lists.screening_list_create(
            name="Bench",
            terms=screening_lists.ScreeningTerms(purpose="Benchmark.", phrases=tuple(PHRASES)),
            acting_user=qa_lead,
        ).versions.get()
        screening_lists.screening_version_propose(version=version, acting_user=qa_lead)
        screening_lists.screening_version_decide_consent(
            version=version, decision="granted", reference="bench", population="bench", acting_user=council
        )
        screening_lists.screening_version_activate(version=version, acting_user=qa_lead)
        began = time.perf_counter()
        loaded = seed(args, dt.datetime.now(dt.UTC))
        print(f"loaded {loaded['segments']:,} lines in {time.perf_counter() - began:.1f} s")
        # Reviewers the selections go to (balanced, never an agent's own supervisor).
        for i in range(10):
            User.objects.create(username=f"bench_reviewer{i}", role=Role.QA_LEAD)

        worker = subprocess.Popen(
            [str(ROOT / ".venv/bin/celery"), "-A", "qa_review", "worker", "--pool=solo", "--loglevel=WARNING",
             "-Q", env["CELERY_TASK_DEFAULT_QUEUE"], "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(3)  # let the worker connect before the clock starts
        t0 = time.perf_counter()
        screening_run.delay()  # no result backend: the version's watermark says when it is done
        while True:
            if worker.poll() is not None:
                raise SystemExit("the worker exited")
            version.refresh_from_db()
            if version.screened_through > 0:
                break
            time.sleep(0.05)
        selected_first = ScreeningCandidate.objects.count()
        seconds = time.perf_counter() - t0
        lines = loaded["segments"]
        print(
            f"screened {args.transcripts:,} transcripts ({lines:,} lines) in {seconds:.1f} s through one worker"
            f" process: {args.transcripts / seconds:,.0f} transcripts/s, {lines / seconds:,.0f} lines/s"
        )
        print(f"calls selected: {selected_first:,} ({selected_first / args.transcripts:.1%} of the transcripts)")
        again = screening.screening_run_due()
        print(f"a second run selects {again} more (each version screens past its watermark)")

        typed = [
            re.compile(r"\b" + r"\W+(?:\w+\W+){0,2}".join(map(re.escape, p.split())) + r"\b", re.I) for p in PHRASES
        ]
        plain = {
            call_id
            for call_id, text in TranscriptSegment.objects.values_list("call_id", "text").iterator(chunk_size=20_000)
            if any(pattern.search(text) for pattern in typed)
        }
        chosen = set(ScreeningCandidate.objects.values_list("call_id", flat=True))
        missing = plain - chosen
        print(
            f"independent check (phrases as typed, no stemming): {len(plain):,} calls, all among the selected:"
            f" {'agree' if not missing else f'DISAGREE ({len(missing)} missing)'}"
        )
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
        if args.drop_after:
            from django.db import connections

            connections.close_all()
            drop_database(database_url)


if __name__ == "__main__":
    main()
