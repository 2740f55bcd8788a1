#!/usr/bin/env bash
# make dev: create .env on first run, load it, start the dev PostgreSQL unless DATABASE_URL names
# another server, then run the app under air (live reload, .air.toml). Front-end assets come first
# (the Makefile's `assets`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/db.sh

ensure_env
# Compile the app, then air, in the background while .env is read and PostgreSQL is set up: on a
# fresh clone the compile overlaps the npm download and initdb. air's first build then finds tmp/app
# up to date; compile errors show there too. The flags are .air.toml's, so air's build is a cache
# hit: no optimisation or inlining, which compiles in about three quarters of the CPU time (README,
# "The first run") and leaves a binary a debugger can step through; `make build` is the optimised one.
mkdir -p tmp
( scripts/templ.sh && "$GO" build -gcflags='all=-N -l' -o tmp/app ./cmd/app && "$GO" tool air -v ) >/dev/null 2>&1 &
warm=$!
trap 'kill "$warm" 2>/dev/null || true' EXIT
load_env
# The .env.example value (port 5433) counts as the dev cluster too, whatever DEV_DB_PORT is.
case "${DATABASE_URL:-}" in
  "" | "$(dev_db_url "$DEV_DB_PORT")" | "$(dev_db_url 5433)")
    db_start
    export DATABASE_URL=$DEV_DB_URL ;;
  *)
    say "DATABASE_URL points to $(sed -E 's#//[^@/]*@#//***@#' <<<"$DATABASE_URL"); not starting the dev database" ;;
esac
if kill -0 "$warm" 2>/dev/null; then
  say "waiting for the build of the app and air to finish (on a fresh clone about a minute: README, \"The first run\")"
fi
wait "$warm" || true
trap - EXIT
say "starting air (Ctrl-C stops the app; the database keeps running until 'make db-stop')"
exec "$GO" tool air -c .air.toml
