from __future__ import annotations

import datetime as dt
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from reviews.domain.errors import DomainError
from reviews.models import RunStatus, RunTrigger, ScoringRun
from reviews.services.scoring import scoring_chunk_process, scoring_run_create, scoring_run_plan


def _bar(run: ScoringRun, width: int = 30) -> str:
    total = run.total_agents or 0
    done = run.processed_agents
    fraction = 1.0 if run.status == RunStatus.SUCCEEDED else (done / total if total else 0.0)
    filled = int(width * fraction)
    return (
        f"[{'#' * filled}{'.' * (width - filled)}] {fraction * 100:5.1f}%  "
        f"{done}/{total} agents  {run.alerts_opened} alerts opened  ({run.status})"
    )


class Command(BaseCommand):
    help = "Run batch scoring: AgentScores and threshold rules for every agent, with a progress bar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="ISO 8601 time with offset (default: now)")
        parser.add_argument("--chunk-size", type=int, help="agents per chunk (default: SCORING_CHUNK_SIZE)")
        parser.add_argument(
            "--inline", action="store_true", help="process every chunk in this process instead of Celery workers"
        )
        parser.add_argument("--no-wait", action="store_true", help="queue the run and return at once")
        parser.add_argument(
            "--full",
            action="store_true",
            help="score every agent, not only those with something new since the last run",
        )
        parser.add_argument("--timeout", type=float, default=3600, help="seconds to wait for workers (default 3600)")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of: dt.datetime | None = None
        if options["as_of"]:
            as_of = parse_datetime(options["as_of"])
            if as_of is None or as_of.tzinfo is None:
                raise CommandError(
                    "--as-of must be an ISO 8601 time with its UTC offset, e.g. 2026-11-22T06:00:00+01:00"
                )
        try:
            run = scoring_run_create(
                trigger=RunTrigger.COMMAND,
                acting_user=None,
                as_of=as_of,
                chunk_size=options["chunk_size"],
                enqueue=not options["inline"],
                full=options["full"],
            )
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.fields or ''}".strip()) from exc
        self.stdout.write(f"Scoring run {run.pk} as of {run.as_of.isoformat()}")
        if options["inline"]:
            for chunk_id in scoring_run_plan(run_id=run.pk):
                scoring_chunk_process(chunk_id=chunk_id)
                self._progress(run)
        elif options["no_wait"]:
            self.stdout.write(f"Queued; follow it at /api/v1/scoring-runs/{run.pk}/")
            return
        else:
            deadline = time.monotonic() + options["timeout"]
            while True:
                run.refresh_from_db()
                self._progress(run)
                if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
                    break
                if time.monotonic() > deadline:
                    raise CommandError(f"Run {run.pk} not finished after {options['timeout']} s; is a worker running?")
                time.sleep(0.5)
        if sys.stdout.isatty():
            self.stdout.write("")
        run.refresh_from_db()
        if run.status == RunStatus.FAILED:
            raise CommandError(f"Run {run.pk} failed: {run.error}")

    def _progress(self, run: ScoringRun) -> None:
        run.refresh_from_db()
        line = _bar(run)
        if sys.stdout.isatty():
            self.stdout.write(f"\r{line}", ending="")
        else:
            self.stdout.write(line)
