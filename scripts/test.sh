#!/usr/bin/env bash
# Command 2 of the README: install what is missing and run the whole test suite
# (unit, integration and the Playwright browser tests in Debian's Chromium).
# On SQLite by default; on PostgreSQL when DATABASE_URL points there.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --test
export DJANGO_ALLOW_ASYNC_UNSAFE=true
# The tests run with DEBUG off, where settings refuse to start without a SECRET_KEY: use a
# throw-away random one unless the caller set one.
if [[ -z "${SECRET_KEY:-}" ]]; then
  SECRET_KEY=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
  export SECRET_KEY
fi
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null \
  || { echo "!! makemigrations --check: models and migrations differ" >&2; exit 1; }
.venv/bin/ruff check --quiet . || { echo "!! ruff: fix the lint errors above (config: ruff.toml)" >&2; exit 1; }
exec .venv/bin/python -m pytest -q "$@"
