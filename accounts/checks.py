"""Production refuses weak keys: Django system checks, also run when gunicorn and Celery start.

``SECRET_KEY`` signs sessions and password-reset links; ``PSEUDONYM_KEY`` keys the HMAC behind
the works council's pseudonyms. Anyone who knows the pseudonym key can compute every agent's
pseudonym from the user ids, so a key that is short, or that anybody can read in this repository,
voids the pseudonymisation. Where ``KEY_STRENGTH_REQUIRED`` is on (production), each key must be
set, at least ``MIN_KEY_LENGTH`` characters long, not a value shipped here, and the two must differ.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

MIN_KEY_LENGTH = 32
# Every key value that appears anywhere in this repository (settings defaults, .env.example,
# docs, tests). tests/deploy/test_weak_keys.py scans the repository and fails when a key value
# appears that is missing here.
SHIPPED_KEY_VALUES = frozenset(
    {
        "insecure-local-key-change-me",
        "local-pseudonym-key-change-me",
        "change-me-in-production",
        "test-pseudonym-key",
        "build",
    }
)
KEY_SETTINGS = ("SECRET_KEY", "PSEUDONYM_KEY")
GENERATE_HINT = "Generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"


@register("security")
def check_production_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not getattr(settings, "KEY_STRENGTH_REQUIRED", False):
        return []
    errors: list[CheckMessage] = []
    values: dict[str, str] = {}
    for number, name in enumerate(KEY_SETTINGS, start=1):
        try:
            value = str(getattr(settings, name, "") or "")
        except ImproperlyConfigured:  # Django refuses to read an empty SECRET_KEY
            value = ""
        values[name] = value
        if not value.strip():
            problem = "is not set"
        elif value in SHIPPED_KEY_VALUES or value.strip() in SHIPPED_KEY_VALUES:
            problem = "is a value published in the qa_review repository, so it is known to everyone"
        elif len(value) < MIN_KEY_LENGTH:
            problem = f"is {len(value)} characters long; it must be at least {MIN_KEY_LENGTH}"
        else:
            continue
        errors.append(Error(f"{name} {problem}.", hint=GENERATE_HINT, id=f"qa_review.E00{number}"))
    if not errors and values["SECRET_KEY"] == values["PSEUDONYM_KEY"]:
        errors.append(
            Error(
                "SECRET_KEY and PSEUDONYM_KEY are the same value; each needs a key of its own.",
                hint=GENERATE_HINT,
                id="qa_review.E003",
            )
        )
    return errors


def refuse_weak_configuration() -> None:
    """Stop a process that is about to serve (gunicorn, Celery worker or beat) with weak keys.

    Management commands run the system checks themselves; gunicorn and Celery do not.
    """
    errors = check_production_keys()
    if errors:
        lines = "\n".join(f"  {error.id}: {error.msg} {error.hint}" for error in errors)
        raise ImproperlyConfigured(f"qa_review refuses to start with weak keys:\n{lines}")
