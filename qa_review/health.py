"""Liveness and readiness endpoints for orchestrators and load balancers.

``/healthz`` says the process answers; ``/readyz`` says it can serve: PostgreSQL answers, every
migration is applied, and the broker answers when one is configured. Both need no login and
leak nothing but the names of the checks: no versions, hosts or error texts (those go to the log).

They are answered by the first middleware, before host validation, the HTTPS redirect, sessions
and authentication, so a container's own healthcheck on 127.0.0.1 over plain HTTP gets the real
answer whatever ``ALLOWED_HOSTS`` and ``SECURE_SSL_REDIRECT`` say.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"
BROKER_TIMEOUT_SECONDS = 2.0


def _check_database() -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # A broken connection must not be reused by the next request of this thread.
        connection.close()
        raise


_migrations_applied = False


def _check_migrations() -> None:
    """Fails while any migration of the running code is unapplied (an upgrade half done)."""
    global _migrations_applied
    if _migrations_applied:
        # Code and schema only move forward together; once applied, they stay applied for this process.
        return
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise RuntimeError(f"{len(plan)} unapplied migrations")
    _migrations_applied = True


def _check_broker() -> None:
    import redis

    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL,
        socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
        socket_timeout=BROKER_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()


def readiness_checks() -> dict[str, Callable[[], None]]:
    """The checks /readyz runs, in order; the broker only where tasks go through Redis."""
    checks: dict[str, Callable[[], None]] = {"database": _check_database, "migrations": _check_migrations}
    if str(settings.CELERY_BROKER_URL).startswith(("redis://", "rediss://")):
        checks["broker"] = _check_broker
    return checks


def readiness() -> tuple[bool, dict[str, str]]:
    """Run every check; a check after a failed database check is reported as skipped."""
    results: dict[str, str] = {}
    for name, check in readiness_checks().items():
        if name == "migrations" and results.get("database") == "failing":
            results[name] = "skipped"
            continue
        try:
            check()
        except Exception as exc:
            logger.warning("Readiness check %s failed: %s", name, type(exc).__name__)
            results[name] = "failing"
        else:
            results[name] = "ok"
    return all(result == "ok" for result in results.values()), results


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answers /healthz and /readyz before anything else runs (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info.rstrip("/")
        if path == LIVENESS_PATH:
            return _no_store(JsonResponse({"status": "ok"}))
        if path == READINESS_PATH:
            ready, checks = readiness()
            body: dict[str, object] = {"status": "ready" if ready else "unavailable", "checks": checks}
            if not ready:
                body["failing"] = [name for name, result in checks.items() if result == "failing"]
            return _no_store(JsonResponse(body, status=200 if ready else 503))
        return self.get_response(request)
