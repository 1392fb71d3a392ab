"""Fault injection around batch scoring: real worker processes, a Redis of the test's own, a cuttable database link.

Everything here is real: the Celery worker is a subprocess with the prefork pool (and beat, for
the reconciler), the broker is a redis-server started for the test, and PostgreSQL is the test
database, reached by the worker through a TCP relay that the test can cut. Only the faults are
made up.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import EmploymentType, Role, Team, User
from reviews.models import (
    AgentScore,
    Alert,
    AlertEvidence,
    Call,
    CriticalError,
    CriticalErrorType,
    Evaluation,
    ScoringRun,
)
from reviews.services.scoring import scoring_chunk_process, scoring_run_create, scoring_run_plan
from tests.conftest import wait_for
from tests.helpers import active_rule
from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
AGENTS = int(os.environ.get("FAULT_AGENTS", "5000"))
CHUNK_SIZE = int(os.environ.get("FAULT_CHUNK_SIZE", "20"))


@pytest.fixture
def fault_rng() -> random.Random:
    """Random fault points; FAULT_SEED repeats a run (the seed is printed)."""
    seed = int(os.environ.get("FAULT_SEED") or random.SystemRandom().randrange(2**32))
    print(f"fault seed: {seed} (FAULT_SEED={seed} repeats these fault points)")
    return random.Random(seed)


# --- the data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What a run leaves, without timestamps or ids that differ between runs."""

    scores: dict[int, tuple[int, Decimal | None, dict[str, int]]]
    alerts: frozenset[tuple[int, int, str, frozenset[int]]]

    @classmethod
    def read(cls, run_id: int) -> Outcome:
        scores = {
            agent_id: (evaluations, mean, errors)
            for agent_id, evaluations, mean, errors in AgentScore.objects.filter(run_id=run_id).values_list(
                "agent_id", "evaluations", "mean_score", "critical_errors"
            )
        }
        evidence: dict[int, set[int]] = {}
        for alert_id, error_id in AlertEvidence.objects.filter(alert__opened_by_run_id=run_id).values_list(
            "alert_id", "critical_error_id"
        ):
            evidence.setdefault(alert_id, set()).add(error_id)
        alerts = frozenset(
            (agent_id, rule_id, level, frozenset(evidence.get(pk, ())))
            for pk, agent_id, rule_id, level in Alert.objects.filter(opened_by_run_id=run_id).values_list(
                "pk", "agent_id", "rule_id", "level"
            )
        )
        return cls(scores=scores, alerts=alerts)


@dataclass(frozen=True)
class FaultWorld:
    as_of: dt.datetime
    agent_ids: list[int]
    qa_lead: User

    def clean_outcome(self) -> Outcome:
        """The same run, processed in this process without faults, then rolled back."""
        with transaction.atomic():
            run = scoring_run_create(
                trigger="command", acting_user=None, as_of=self.as_of, chunk_size=CHUNK_SIZE, enqueue=False
            )
            for chunk_id in scoring_run_plan(run_id=run.pk):
                scoring_chunk_process(chunk_id=chunk_id)
            outcome = Outcome.read(run.pk)
            transaction.set_rollback(True)
        return outcome

    def queue_run(self) -> ScoringRun:
        """A queued run whose start task the test sends to its own broker."""
        return scoring_run_create(
            trigger="command", acting_user=None, as_of=self.as_of, chunk_size=CHUNK_SIZE, enqueue=False
        )


@pytest.fixture
def fault_world(world, published_version) -> FaultWorld:
    """AGENTS agents with a few months of scored calls and critical errors, and two active rules."""
    rng = random.Random(20261129)
    now = timezone.now()
    as_of = now - dt.timedelta(minutes=1)
    active_rule(qa_lead=world.qa_lead, council=world.council, at=now - dt.timedelta(days=200), n=2, window_days=90)
    active_rule(
        qa_lead=world.qa_lead,
        council=world.council,
        at=now - dt.timedelta(days=200),
        types=("UNREPORTED_SIGNAL", "DISRESPECTFUL_CONDUCT"),
        n=3,
        window_days=180,
        level="formal_warning",
        employment_types=frozenset({EmploymentType.TEMP_AGENCY}),
    )
    teams = Team.objects.bulk_create([Team(name=f"Fault team {i}") for i in range(10)])
    unusable = make_password(None)
    kinds = [EmploymentType.PERMANENT, EmploymentType.FIXED_TERM, EmploymentType.TEMP_AGENCY]
    agents = User.objects.bulk_create(
        [
            User(
                username=f"fault_agent_{i:05d}",
                role=Role.AGENT,
                team=teams[i % len(teams)],
                employment_type=kinds[i % 3],
                password=unusable,
            )
            for i in range(AGENTS)
        ],
        batch_size=2000,
    )
    calls = Call.objects.bulk_create(
        [
            Call(
                source="fault",
                external_id=f"F{n}",
                agent=agent,
                started_at=now - dt.timedelta(seconds=rng.randrange(1, 150 * 86400)),
                handle_time_seconds=rng.randint(120, 900),
            )
            for n, agent in enumerate(agent for agent in agents for _ in range(rng.randint(0, 3)))
        ],
        batch_size=2000,
    )
    evaluations = Evaluation.objects.bulk_create(
        [
            Evaluation(
                call=call,
                scorecard_version=published_version,
                reviewer=world.supervisor,
                status="submitted",
                score=Decimal(rng.randint(40, 100)),
                points_earned=6,
                points_possible=8,
                submitted_at=call.started_at,
            )
            for call in calls
        ],
        batch_size=2000,
    )
    types = [CriticalErrorType.objects.get(code=c) for c in ("UNREPORTED_SIGNAL", "DISRESPECTFUL_CONDUCT")]
    CriticalError.objects.bulk_create(
        [
            CriticalError(
                evaluation=evaluation,
                agent_id=call.agent_id,
                type=rng.choice(types),
                offset_seconds=rng.randint(0, 300),
                note="fault",
                observed_at=call.started_at,
            )
            for call, evaluation in zip(calls, evaluations, strict=True)
            for _ in range(rng.choice((0, 0, 1, 1, 2)))
        ],
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return FaultWorld(as_of=as_of, agent_ids=[a.pk for a in agents], qa_lead=world.qa_lead)


# --- the broker ---------------------------------------------------------------------------


class RedisServer:
    """A redis-server of the test's own (nothing kept on disk), so restarting it disturbs nobody else."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_for(self._answers, timeout=20, what=f"redis-server on port {self.port}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """Gone at once, and everything it held with it (the queue included)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=20)
            self.process = None


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- the worker -----------------------------------------------------------------------------


class Worker:
    """`celery worker` (prefork, 2 processes) with embedded beat, in a process group of its own."""

    def __init__(self, *, broker_url: str, database_url: str, queue: str, workdir: Path) -> None:
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "qa_review.settings.test",
            "DATABASE_URL": database_url,
            "REDIS_URL": broker_url,
            "CELERY_TEST_QUEUE": queue,
            "SCORING_STALE_AFTER_SECONDS": "5",
            "SCORING_RECONCILE_INTERVAL_SECONDS": "1",
            "SCORING_SCHEDULE_ENABLED": "false",
            "SAMPLING_SCHEDULE_ENABLED": "false",
            "RETENTION_SCHEDULE_ENABLED": "false",
        }
        self.queue = queue
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def log(self) -> Path:
        return self.workdir / f"worker-{self.starts}.log"

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.workdir.glob("worker-*.log")))

    def start(self) -> None:
        self.starts += 1
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [
                    str(ROOT / ".venv/bin/celery"),
                    "-A",
                    "qa_review",
                    "worker",
                    "--pool=prefork",
                    "--concurrency=2",
                    "--loglevel=INFO",
                    "-Q",
                    self.queue,
                    "--beat",
                    f"--schedule={self.workdir / 'beat-schedule'}",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(
            lambda: " ready." in self.log.read_text(errors="replace") or self.process.poll() is not None,  # type: ignore[union-attr]
            timeout=60,
            what="the worker to be ready",
        )
        assert self.process.poll() is None, self.log.read_text()

    def kill9(self) -> None:
        """SIGKILL to the whole group: the main process, its pool processes and beat, mid-whatever."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=60)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)
        self.process = None


def database_url(port: int | None = None) -> str:
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER'] or 'postgres'}@127.0.0.1:{port or settings['PORT'] or 5432}/{settings['NAME']}"
    )


@pytest.fixture
def worker_factory(tmp_path: Path) -> Iterator:
    workers: list[Worker] = []

    def make(*, broker_url: str, db_port: int | None = None) -> Worker:
        worker = Worker(
            broker_url=broker_url,
            database_url=database_url(db_port),
            queue=f"qa_review_fault_{os.getpid()}_{len(workers)}",
            workdir=tmp_path,
        )
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        worker.stop()


def send_start(run_id: int, *, broker_url: str, queue: str) -> None:
    """Send the run's start task to the given broker (the worker there has declared its queue)."""
    from qa_review.celery import app

    with app.connection_for_write(broker_url) as conn:
        app.send_task("reviews.tasks.scoring_run_start", args=[run_id], queue=queue, connection=conn)


def run_state(run_id: int) -> ScoringRun:
    return ScoringRun.objects.get(pk=run_id)
