#!/usr/bin/env bash
# make dev: create .env on first run, load it, start the dev PostgreSQL unless DATABASE_URL names
# another server, then run the app under air (live reload, .air.toml). Front-end assets come first
# (the Makefile's `assets`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/db.sh

ensure_env
load_env
# The .env.example value (port 5433) counts as the dev cluster too, whatever DEV_DB_PORT is.
case "${DATABASE_URL:-}" in
  "" | "$(dev_db_url "$DEV_DB_PORT")" | "$(dev_db_url 5433)")
    db_start
    export DATABASE_URL=$DEV_DB_URL ;;
  *)
    say "DATABASE_URL points to $(sed -E 's#//[^@/]*@#//***@#' <<<"$DATABASE_URL"); not starting the dev database" ;;
esac
say "starting air (Ctrl-C stops the app; the database keeps running until 'make db-stop')"
exec "$GO" tool air -c .air.toml
