"""Production: PostgreSQL and Redis required, strong keys, secure transport and cookies."""

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK, env

DEBUG = False
# Missing keys become empty strings so the system check (accounts.checks) names every problem at once.
SECRET_KEY = env.str("SECRET_KEY", default="")
PSEUDONYM_KEY = env.str("PSEUDONYM_KEY", default="")
# accounts.checks refuses to start with keys that are missing, short, or published in the repository.
KEY_STRENGTH_REQUIRED = True
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
REDIS_URL = env.str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = False

# Behind a TLS-terminating proxy (docs/operations.md, "Behind a proxy"). The proxy must set this
# header on every request and overwrite any value the client sent; empty means no proxy is trusted.
PROXY_SSL_HEADER = env.str("PROXY_SSL_HEADER", default="X-Forwarded-Proto")
SECURE_PROXY_SSL_HEADER = ("HTTP_" + PROXY_SSL_HEADER.upper().replace("-", "_"), "https") if PROXY_SSL_HEADER else None
USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)
# How many proxies stand in front and append to X-Forwarded-For: login lockouts and API throttles
# then key on the client's address instead of the proxy's (0: use the connecting address).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": TRUSTED_PROXY_COUNT or None}

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
