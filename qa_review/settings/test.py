"""The test suite: PostgreSQL and Redis, as in production."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/test")}
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
# Tests that need tasks run a real worker; nothing runs eagerly.
CELERY_TASK_ALWAYS_EAGER = False

# Hashing cost is irrelevant to what the tests prove; Argon2 stays in production.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / ".test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PSEUDONYM_KEY = "test-pseudonym-key"
LOGGING = {"version": 1, "disable_existing_loggers": False}

# A queue of this test process's own, so a worker never picks up another run's leftovers.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TEST_QUEUE", default=f"qa_review_test_{os.getpid()}")
# Throttle counters and lockouts per test process, never shared through Redis between runs.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
