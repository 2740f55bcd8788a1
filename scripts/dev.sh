#!/usr/bin/env bash
# make dev: create .env on first run, load it, start the dev PostgreSQL unless DATABASE_URL names
# another server, then run the app under air (live reload, .air.toml). Front-end assets come first
# (the Makefile's `assets`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/db.sh

ensure_env
load_env
# Compile the app and air in the background while PostgreSQL is set up: on a fresh clone the compile
# overlaps the npm download and initdb. air is built here, not run with `go tool air`, so that it is
# compiled with DEV_GCFLAGS too (`go tool` ignores them) and shares the standard library's compiled
# packages with the app (built again below: a no-op, unless go.mod moved it). air's first build then
# finds tmp/app up to date; compile errors show there.
mkdir -p tmp/bin
build_air() { "$GO" build -gcflags="$DEV_GCFLAGS" -o tmp/bin/air github.com/air-verse/air; }
( scripts/templ.sh && "$GO" build -gcflags="$DEV_GCFLAGS" -o tmp/app ./cmd/app; build_air ) >/dev/null 2>&1 &
warm=$!
trap 'kill "$warm" 2>/dev/null || true' EXIT
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
build_air || die "could not build air"
exec tmp/bin/air -c .air.toml
