# The production image: gunicorn for the web, the same image for the Celery worker and beat.
# Build: docker compose build. Configuration comes from the environment (.env.example), never from a layer.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=qa_review.settings.production
WORKDIR /app

# pg_dump and pg_restore for `manage.py backup` and `manage.py restore` (PostgreSQL 15, as in compose).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*

COPY requirements/base.lock requirements/base.lock
RUN pip install --no-cache-dir --require-hashes -r requirements/base.lock

# The code belongs to root and is read-only for the user that runs it.
COPY . .
RUN sh deploy/build-assets.sh \
    && useradd --system --uid 10001 --home-dir /app --no-create-home app \
    && mkdir -p /app/media /app/backups \
    && chown app /app/media /app/backups
USER app

EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=6s --start-period=60s --retries=5 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=5)"]
CMD ["gunicorn", "qa_review.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
