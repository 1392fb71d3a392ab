#!/bin/sh
# The image's build steps (Dockerfile), also run by the deployment smoke test (tests/deploy):
# compile the translations and collect the static files. They need no database, broker or keys;
# the placeholders below only satisfy the production settings' required values and are never used.
set -eu
cd "$(dirname "$0")/.."
export DATABASE_URL="${DATABASE_URL:-sqlite:////tmp/qa-review-build.sqlite3}"
export REDIS_URL="${REDIS_URL:-redis://build.invalid:6379/0}"
python manage.py compile_translations --verbosity 0
python manage.py collectstatic --noinput --verbosity 0
