"""The lifecycle every background run shares (scoring runs, sampling runs, call imports)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from reviews.models import ACTIVE_RUN_STATUSES, BackgroundRun, RunStatus
from reviews.services.audit import audit_record

ERROR_MAX_CHARS = 2000
Run = TypeVar("Run", bound=BackgroundRun)


@transaction.atomic
def background_run_fail(
    *,
    run_model: type[Run],
    run_id: int,
    error: str,
    action: str,
    actor: Callable[[Run], User | None] = lambda run: None,
    finish: Callable[[Run], dict[str, Any]] = lambda run: {},
) -> Run | None:
    """Mark a queued or running run failed, once, with its error; returns it, or None if it had already ended.

    Claimed with a conditional update (healthchecks' ``sendalerts``), so a second failure report, or
    one that arrives after the run succeeded, changes nothing and writes no second audit event.
    ``finish`` tidies what the kind of run leaves behind and returns what the audit event adds.
    """
    claimed = run_model._default_manager.filter(pk=run_id, status__in=ACTIVE_RUN_STATUSES).update(
        status=RunStatus.FAILED, error=error[:ERROR_MAX_CHARS], finished_at=timezone.now()
    )
    if not claimed:
        return None
    run = run_model._default_manager.select_for_update().get(pk=run_id)
    extra = finish(run)
    audit_record(
        actor=actor(run),
        action=action,
        obj=run,
        data={"error": run.error[:500], **extra},
    )
    return run
