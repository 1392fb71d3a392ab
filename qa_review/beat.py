"""Celery beat with a heartbeat a healthcheck can read: proof that the schedule advances.

A beat process can be alive while it sends nothing (the broker gone, the loop stuck). The
scheduler here writes a small JSON file each time it has handed a due task to the broker, and
``python -m qa_review.beat check`` fails when the last hand-over is older than the age written
beside it. The reconciler is due every SCORING_RECONCILE_INTERVAL_SECONDS (60 s by default), so a
healthy beat refreshes the file at least that often.

The check imports neither Django nor Celery: it runs in a container's healthcheck every half minute.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DEFAULT_HEARTBEAT_FILE = "/tmp/qa-review-beat-heartbeat"  # noqa: S108  (one per container)


def heartbeat_path() -> Path:
    return Path(os.environ.get("BEAT_HEARTBEAT_FILE") or DEFAULT_HEARTBEAT_FILE)


def write_heartbeat(path: Path, *, max_age_seconds: float, task: str, now: float | None = None) -> None:
    """Replace the heartbeat atomically, so a reader never sees half a file."""
    payload = {"at": time.time() if now is None else now, "task": task, "max_age_seconds": max_age_seconds}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".beat-heartbeat-")
    with os.fdopen(fd, "w") as handle:
        json.dump(payload, handle)
    os.replace(tmp, path)


def heartbeat_problem(path: Path, *, now: float | None = None) -> str | None:
    """None when the heartbeat is fresh; otherwise what is wrong, in one line."""
    try:
        payload = json.loads(path.read_text())
        at, max_age = float(payload["at"]), float(payload["max_age_seconds"])
    except FileNotFoundError:
        return f"no heartbeat at {path}: beat has not started"
    except (OSError, ValueError, KeyError, TypeError):
        return f"unreadable heartbeat at {path}"
    age = (time.time() if now is None else now) - at
    if age > max_age:
        return f"beat last sent a task {age:.0f} s ago (more than {max_age:.0f} s)"
    return None


def _scheduler_class() -> type:
    from celery.beat import PersistentScheduler

    class HeartbeatScheduler(PersistentScheduler):
        """PersistentScheduler that records every successful hand-over of a due task."""

        def setup_schedule(self) -> None:
            super().setup_schedule()
            self._beat("started")

        def apply_async(self, entry: Any, producer: Any = None, advance: bool = True, **kwargs: Any) -> Any:
            result = super().apply_async(entry, producer=producer, advance=advance, **kwargs)
            self._beat(entry.task)
            return result

        def _beat(self, task: str) -> None:
            from django.conf import settings

            write_heartbeat(
                Path(settings.BEAT_HEARTBEAT_FILE),
                max_age_seconds=float(settings.BEAT_HEARTBEAT_MAX_AGE_SECONDS),
                task=task,
            )

    return HeartbeatScheduler


def __getattr__(name: str) -> Any:
    # Celery imports the scheduler by name; building the class lazily keeps `check` free of Celery.
    if name == "HeartbeatScheduler":
        return _scheduler_class()
    raise AttributeError(name)


def main(argv: list[str]) -> int:
    if argv[1:] != ["check"]:
        print("usage: python -m qa_review.beat check", file=sys.stderr)
        return 2
    problem = heartbeat_problem(heartbeat_path())
    if problem:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    print("healthy: beat is sending its schedule")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
