"""Settings shared by every environment.

Every value comes from an environment variable read through one reader
(django-environ); `.env.example` lists them all. Environment-specific modules
(local, test, production) only change defaults.
"""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A `.env` file beside manage.py is read when present; real environment wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "accounts",
    "reviews",
]

MIDDLEWARE = [
    # First: /healthz and /readyz answer before host checks, redirects and sessions (qa_review.health).
    "qa_review.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "reviews.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "reviews.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "reviews.middleware.CorrelationIdMiddleware",
    "reviews.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its lockout answer.
    "axes.middleware.AxesMiddleware",
]

# django-axes counts failed logins (pages, API token, admin) and locks the username from that
# address out for a while; every lockout is an audit event (accounts.signals).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Optional single sign-on (OpenID Connect), off by default. See README, "Security and privacy".
OIDC_ENABLED = env.bool("OIDC_ENABLED", default=False)
OIDC_USERNAME_CLAIM = env.str("OIDC_USERNAME_CLAIM", default="preferred_username")
OIDC_ROLE_CLAIM = env.str("OIDC_ROLE_CLAIM", default="qa_review_role")
# identity-provider value=role pairs, e.g. "kcc-agent=agent,kcc-teamleider=supervisor"
OIDC_ROLE_MAP = env.dict("OIDC_ROLE_MAP", default={})
OIDC_TEAM_CLAIM = env.str("OIDC_TEAM_CLAIM", default="team")
OIDC_EMPLOYMENT_CLAIM = env.str("OIDC_EMPLOYMENT_CLAIM", default="employment_type")
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.insert(1, "accounts.oidc.RoleMappingOIDCBackend")
    OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT")
    LOGIN_REDIRECT_URL_FAILURE = "/login/"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = False
# Logs never name the person or address (see accounts.lockout.client_str).
AXES_CLIENT_STR_CALLABLE = "accounts.lockout.client_str"

ROOT_URLCONF = "qa_review.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "reviews.web.context.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "qa_review.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# The calls' index carries the call's id on PostgreSQL (INCLUDE); the embedded SQLite default builds it
# without, which is all that warning says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="nl")
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Recordings are personal data: they live in MEDIA_ROOT but are never served
# from a public URL, only through the audited recording endpoint.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# --- REST API -----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "reviews.api.pagination.StandardPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["reviews.api.filters.StrictFilterBackend"],
    # The API reads JSON; the two upload endpoints (calls with a recording, call imports) also multipart.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "reviews.api.negotiation.StrictContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "reviews.api.exceptions.api_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Scoped throttles: the token endpoint (password guessing) and exports (bulk personal data).
    "DEFAULT_THROTTLE_RATES": {
        "auth": env.str("THROTTLE_AUTH", default="20/minute"),
        "export": env.str("THROTTLE_EXPORT", default="30/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "qa_review API",
    "DESCRIPTION": (
        "Quality-monitoring reviews for a contact centre: calls, scorecards, "
        "evaluations and critical errors. Every state change is audited."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its documentation page are for people with an account.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "reviews.api.schema.add_error_responses",
        "reviews.api.schema.tighten_formats",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "accounts.models.Role",
        "EmploymentTypeEnum": "accounts.models.EmploymentType",
        "EvaluationStatusEnum": "reviews.models.EvaluationStatus",
        "ScorecardVersionStatusEnum": "reviews.models.ScorecardVersionStatus",
        "CriticalErrorStatusEnum": "reviews.models.CriticalErrorStatus",
        "RuleVersionStatusEnum": "reviews.models.RuleVersionStatus",
        "AlertStatusEnum": "reviews.models.AlertStatus",
        "RunStatusEnum": "reviews.models.RunStatus",
        "ChannelEnum": "reviews.models.Channel",
        "AlertLevelEnum": "reviews.models.AlertLevel",
        "CauseKindEnum": "reviews.models.CauseKind",
        "ConfirmationStatusEnum": "reviews.models.ConfirmationStatus",
        "CoachingStatusEnum": "reviews.models.CoachingStatus",
        "SelfEvaluationStatusEnum": "reviews.models.SelfEvaluationStatus",
        "ConsentDecisionEnum": "reviews.models.ConsentDecision",
        "AppealStatusEnum": "reviews.models.AppealStatus",
        "AppealItemKindEnum": "reviews.models.AppealItemKind",
    },
}

# --- Celery --------------------------------------------------------------------
# Without REDIS_URL tasks run in-process (the zero-setup local default).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# Throttle counters must be shared by every web process: Redis when there is one.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Beat writes a heartbeat file each time it hands a due task to the broker (qa_review.beat); its
# healthcheck (`python -m qa_review.beat check`) fails when that is older than the age set below.
CELERY_BEAT_SCHEDULER = "qa_review.beat:HeartbeatScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 30

# --- Product settings ------------------------------------------------------------
# Key for the stable pseudonyms shown to the works council (keyed HMAC).
PSEUDONYM_KEY = env.str("PSEUDONYM_KEY", default="local-pseudonym-key-change-me")
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="demo-password")
# Largest recording accepted on upload, in bytes.
RECORDING_MAX_BYTES = env.int("RECORDING_MAX_BYTES", default=200 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- Threshold rules and batch scoring ------------------------------------------------
# Agents per Celery chunk task in a scoring run.
SCORING_CHUNK_SIZE = env.int("SCORING_CHUNK_SIZE", default=250)
# Nightly scoring run (local time, TIME_ZONE); set SCORING_SCHEDULE_ENABLED=false to switch off.
SCORING_SCHEDULE_ENABLED = env.bool("SCORING_SCHEDULE_ENABLED", default=True)
SCORING_SCHEDULE_HOUR = env.int("SCORING_SCHEDULE_HOUR", default=2)
SCORING_SCHEDULE_MINUTE = env.int("SCORING_SCHEDULE_MINUTE", default=30)
# The reconciler (beat, every SCORING_RECONCILE_INTERVAL_SECONDS) sends the pending chunks of a run
# that made no progress for SCORING_STALE_AFTER_SECONDS to the broker again, so chunks lost with a
# worker or a broker restart are done after all. Longer than a chunk's hard time limit (360 s).
SCORING_STALE_AFTER_SECONDS = env.int("SCORING_STALE_AFTER_SECONDS", default=600)
SCORING_RECONCILE_INTERVAL_SECONDS = env.float("SCORING_RECONCILE_INTERVAL_SECONDS", default=60.0)
# Call import: how rows are written ("auto": COPY on PostgreSQL, bulk inserts elsewhere),
# rows per committed batch, and the largest upload the API imports within the request
# (larger ones go to a Celery task with a progress resource).
CALL_IMPORT_WRITER = env.str("CALL_IMPORT_WRITER", default="auto")
CALL_IMPORT_BATCH_SIZE = env.int("CALL_IMPORT_BATCH_SIZE", default=10_000)
CALL_IMPORT_INLINE_MAX_BYTES = env.int("CALL_IMPORT_INLINE_MAX_BYTES", default=1024 * 1024)
CALL_IMPORT_MAX_BYTES = env.int("CALL_IMPORT_MAX_BYTES", default=2 * 1024 * 1024 * 1024)
# Sampling: the monthly draw (day of month and hour, local time) of last month's calls.
SAMPLING_SCHEDULE_ENABLED = env.bool("SAMPLING_SCHEDULE_ENABLED", default=True)
SAMPLING_SCHEDULE_DAY = env.int("SAMPLING_SCHEDULE_DAY", default=1)
SAMPLING_SCHEDULE_HOUR = env.int("SAMPLING_SCHEDULE_HOUR", default=3)
# The product's own rules that a deployment may tune: retention, appeal and second-opinion deadlines,
# calibration and consistency thresholds, small-cell suppression (qa_review/settings/rules.py).
from qa_review.settings.rules import *  # noqa: E402, F403

BEAT_HEARTBEAT_FILE = env.str("BEAT_HEARTBEAT_FILE", default="/tmp/qa-review-beat-heartbeat")  # noqa: S108
# The reconciler is due every SCORING_RECONCILE_INTERVAL_SECONDS: three missed in a row is unhealthy.
BEAT_HEARTBEAT_MAX_AGE_SECONDS = env.float(
    "BEAT_HEARTBEAT_MAX_AGE_SECONDS", default=3 * SCORING_RECONCILE_INTERVAL_SECONDS + 30
)

# Audit checkpoints: beat writes the chain's head daily as a signed file here (empty: off), for the works
# council to keep outside the database (docs/operations.md, "Audit log").
AUDIT_CHECKPOINT_DIR = env.str("AUDIT_CHECKPOINT_DIR", default="")
# ... and e-mails it to every active works-council member with an address (off by default).
AUDIT_CHECKPOINT_EMAIL = env.bool("AUDIT_CHECKPOINT_EMAIL", default=False)

# E-mail: EMAIL_URL such as smtp+tls://user:password@mail.example.org:587; by default nothing is sent.
vars().update(env.email_url("EMAIL_URL", default="dummymail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="qa_review <qa-review@localhost>")
# The morning digest: "something waits for you in qa_review" with links under SITE_URL (kinds and
# counts only, never a score, a name or an error). Off by default, and in the demo.
DIGEST_EMAILS = env.bool("DIGEST_EMAILS", default=False)
DIGEST_HOUR = env.int("DIGEST_HOUR", default=7)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Active, consented screening lists screen new transcripts this often (and after each transcript arrives).
SCREENING_INTERVAL_SECONDS = env.int("SCREENING_INTERVAL_SECONDS", default=600)

# The per-month figures behind the pressure indicators and the fairness report are brought up to date
# this often (and before each of those reports is read).
FIGURES_INTERVAL_SECONDS = env.int("FIGURES_INTERVAL_SECONDS", default=300)
# A report refreshes the figures before it reads only while at most this many change records wait.
FIGURES_REFRESH_BEFORE_READ_MAX = env.int("FIGURES_REFRESH_BEFORE_READ_MAX", default=2000)

CELERY_BEAT_SCHEDULE = {
    "scoring-reconcile": {
        "task": "reviews.tasks.scoring_runs_reconcile",
        "schedule": SCORING_RECONCILE_INTERVAL_SECONDS,
    },
    "screening": {"task": "reviews.tasks.screening_run", "schedule": SCREENING_INTERVAL_SECONDS},
    "figures": {"task": "reviews.tasks.figures_refresh", "schedule": FIGURES_INTERVAL_SECONDS},
    **(
        {
            "nightly-scoring-run": {
                "task": "reviews.tasks.scoring_run_scheduled",
                "schedule": crontab(hour=SCORING_SCHEDULE_HOUR, minute=SCORING_SCHEDULE_MINUTE),
            }
        }
        if SCORING_SCHEDULE_ENABLED
        else {}
    ),
    **(
        {
            "daily-audit-checkpoint": {
                "task": "reviews.tasks.audit_checkpoint_publish",
                "schedule": crontab(hour=5, minute=0),
            }
        }
        if AUDIT_CHECKPOINT_DIR or AUDIT_CHECKPOINT_EMAIL
        else {}
    ),
    **(
        {
            "morning-digest": {
                "task": "reviews.tasks.digests_daily",
                "schedule": crontab(hour=DIGEST_HOUR, minute=0),
            }
        }
        if DIGEST_EMAILS
        else {}
    ),
    **(
        {
            "daily-retention": {
                "task": "reviews.tasks.retention_daily",
                "schedule": crontab(hour=4, minute=15),
            }
        }
        if RETENTION_SCHEDULE_ENABLED
        else {}
    ),
    **(
        {
            # On the first of the month: draw last month's calls under every active policy.
            "monthly-sampling": {
                "task": "reviews.tasks.sampling_runs_monthly",
                "schedule": crontab(day_of_month=SAMPLING_SCHEDULE_DAY, hour=SAMPLING_SCHEDULE_HOUR, minute=0),
            }
        }
        if SAMPLING_SCHEDULE_ENABLED
        else {}
    ),
}
