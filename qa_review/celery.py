"""The Celery application, configured from Django settings (``CELERY_`` namespace)."""

import os
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_review.settings.local")

app = Celery("qa_review")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def _refuse_weak_configuration(**kwargs: Any) -> None:
    """Workers and beat run no Django system checks: a production process with weak keys stops here.

    Celery logs and swallows exceptions from signal handlers, so this leaves with SystemExit.
    """
    from django.core.exceptions import ImproperlyConfigured

    from accounts.checks import refuse_weak_configuration

    try:
        refuse_weak_configuration()
    except ImproperlyConfigured as exc:
        raise SystemExit(str(exc)) from exc
