"""Celery tasks: ids in, one service call, retry policy and time limits here.

Every task is idempotent (the services make it so), hence acks_late: a task
lost with its worker is delivered again and does its work once.
"""

from __future__ import annotations

import logging
from pathlib import Path

from celery import Task, shared_task
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError

from reviews.models import RunTrigger
from reviews.services import call_imports, retention, sampling
from reviews.services.audit_checkpoints import audit_checkpoint_email, audit_checkpoint_write
from reviews.services.scoring import (
    scoring_chunk_process,
    scoring_run_create,
    scoring_run_fail,
    scoring_run_plan,
)
from reviews.services.scoring import (
    scoring_runs_reconcile as scoring_runs_reconcile_service,
)

logger = logging.getLogger(__name__)

RETRYABLE = (OperationalError, InterfaceError)


class FailsItsRun(Task):  # type: ignore[misc]
    """One failure hook for every task that works on a background run: failing for good marks the run failed.

    ``run_argument`` names where the run's id is in the task's arguments (keyword, position);
    ``fail`` is the run's ``*_fail`` service, which claims the run once (``background_run_fail``).
    """

    run_argument: tuple[str, int] = ("run_id", 0)
    fail: staticmethod

    def failure_message(self, exc: BaseException, args: tuple, kwargs: dict) -> str:  # type: ignore[type-arg]
        return f"{type(exc).__name__}: {exc}"

    def on_failure(self, exc: BaseException, task_id: str, args: tuple, kwargs: dict, einfo: object) -> None:  # type: ignore[type-arg]
        name, position = self.run_argument
        run_id = kwargs.get(name, args[position] if len(args) > position else None)
        logger.error("Task %s for run %s failed for good: %s", self.name, run_id, type(exc).__name__)
        if run_id is not None:
            type(self).fail(run_id, self.failure_message(exc, args, kwargs))


class ChunkTask(FailsItsRun):
    run_argument = ("run_id", 1)
    fail = staticmethod(lambda run_id, error: scoring_run_fail(run_id=run_id, error=error))

    def failure_message(self, exc: BaseException, args: tuple, kwargs: dict) -> str:  # type: ignore[type-arg]
        chunk_id = kwargs.get("chunk_id", args[0] if args else None)
        return f"Chunk {chunk_id} failed: {type(exc).__name__}: {exc}"


@shared_task(
    name="reviews.tasks.scoring_run_start",
    acks_late=True,
    autoretry_for=RETRYABLE,
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=8,
    soft_time_limit=120,
    time_limit=180,
)
def scoring_run_start(run_id: int) -> int:
    """Plan the run's chunks and enqueue every chunk not yet done."""
    pending = scoring_run_plan(run_id=run_id)
    for chunk_id in pending:
        scoring_chunk.delay(chunk_id, run_id)
    return len(pending)


@shared_task(
    name="reviews.tasks.scoring_chunk",
    base=ChunkTask,
    acks_late=True,
    autoretry_for=(*RETRYABLE, DatabaseError),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=8,
    soft_time_limit=300,
    time_limit=360,
)
def scoring_chunk(chunk_id: int, run_id: int) -> bool:
    return scoring_chunk_process(chunk_id=chunk_id)


@shared_task(name="reviews.tasks.scoring_run_scheduled", acks_late=True, autoretry_for=RETRYABLE, max_retries=5)
def scoring_run_scheduled() -> int:
    """The nightly run, started by Celery beat."""
    return scoring_run_create(trigger=RunTrigger.SCHEDULE, acting_user=None).pk


@shared_task(name="reviews.tasks.scoring_runs_reconcile", acks_late=True, expires=300)
def scoring_runs_reconcile() -> list[int]:
    """Beat, every minute: send again what stale runs still need (chunks lost with a worker or the broker).

    Not retried: beat sends the next one soon enough, and a backlog of reconcilers helps nobody.
    """
    reconciled = scoring_runs_reconcile_service()
    for item in reconciled:
        logger.warning("Scoring run %s was stale: sent %s pending chunks again", item.run_id, item.chunks)
    return [item.run_id for item in reconciled]


class SamplingTask(FailsItsRun):
    fail = staticmethod(lambda run_id, error: sampling.sampling_run_fail(run_id=run_id, error=error))


class ImportTask(FailsItsRun):
    run_argument = ("import_id", 0)
    fail = staticmethod(lambda import_id, error: call_imports.call_import_fail(import_id=import_id, error=error))


@shared_task(
    name="reviews.tasks.sampling_run_execute",
    base=SamplingTask,
    acks_late=True,
    autoretry_for=RETRYABLE,
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=8,
    soft_time_limit=1200,
    time_limit=1500,
)
def sampling_run_execute(run_id: int) -> int:
    """Draw one month under a policy and assign the calls; a repeat of a finished run does nothing."""
    return sampling.sampling_run_execute(run_id=run_id).calls_sampled


@shared_task(name="reviews.tasks.sampling_runs_monthly", acks_late=True, autoretry_for=RETRYABLE, max_retries=5)
def sampling_runs_monthly() -> list[int]:
    """Beat, on the first of the month: draw last month under every active policy."""
    return [run.pk for run in sampling.sampling_runs_for_last_month()]


@shared_task(
    name="reviews.tasks.call_import_process",
    base=ImportTask,
    acks_late=True,
    autoretry_for=RETRYABLE,
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=8,
    soft_time_limit=3600,
    time_limit=3900,
)
def call_import_process(import_id: int) -> int:
    """Read an uploaded telephony export; a retry starts over and creates nothing twice."""
    return call_imports.call_import_run_pending(import_id=import_id).created_count


@shared_task(
    name="reviews.tasks.retention_daily",
    acks_late=True,
    autoretry_for=RETRYABLE,
    retry_backoff=30,
    max_retries=5,
    soft_time_limit=3000,
    time_limit=3600,
)
def retention_daily() -> dict[str, int]:
    """Beat, daily: remove what has been kept long enough (idempotent: a repeat finds nothing)."""
    return retention.retention_apply()


@shared_task(name="reviews.tasks.digests_daily", acks_late=True, autoretry_for=RETRYABLE, max_retries=5)
def digests_daily() -> int:
    """The morning e-mail digest (DIGEST_EMAILS): at most one per person a day, so a retry is harmless."""
    from reviews.services.digests import digests_send

    return digests_send()


@shared_task(name="reviews.tasks.audit_checkpoint_publish", acks_late=True, autoretry_for=RETRYABLE, max_retries=5)
def audit_checkpoint_publish() -> str:
    """Daily: the audit chain's head as a signed file in AUDIT_CHECKPOINT_DIR and, with AUDIT_CHECKPOINT_EMAIL,
    by e-mail to the works council (a repeat is harmless)."""
    path = (
        audit_checkpoint_write(directory=Path(settings.AUDIT_CHECKPOINT_DIR)) if settings.AUDIT_CHECKPOINT_DIR else None
    )
    if settings.AUDIT_CHECKPOINT_EMAIL:
        audit_checkpoint_email()
    return str(path or "")


@shared_task(
    name="reviews.tasks.figures_refresh",
    acks_late=True,
    autoretry_for=RETRYABLE,
    retry_backoff=5,
    max_retries=5,
    soft_time_limit=3000,
    time_limit=3600,
)
def figures_refresh() -> int:
    """Beat: bring the per-month figures of the council's and the QA lead's reports up to date, so the
    next reader finds little left to recompute. Idempotent; how many agent-months were recomputed."""
    from reviews.services.figures import figures_refresh as refresh

    return refresh()


@shared_task(
    name="reviews.tasks.screening_run",
    acks_late=True,
    autoretry_for=RETRYABLE,
    retry_backoff=5,
    max_retries=5,
    soft_time_limit=3000,
    time_limit=3600,
)
def screening_run() -> int:
    """Beat, and after a transcript arrives: screen new transcripts with every active, consented list.

    Idempotent: each list version screens past its own watermark, and a call is selected once per version.
    """
    from reviews.services.screening import screening_run_due

    return screening_run_due()
