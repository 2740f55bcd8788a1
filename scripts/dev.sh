#!/usr/bin/env bash
# make dev: create .env on first run, load it, start the dev PostgreSQL unless DATABASE_URL names
# another server, then run the app under air (live reload, .air.toml). Front-end assets come first
# (the Makefile's `assets`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/db.sh

ensure_env
# Download the modules the app and air need while scripts/dotenv compiles (reading .env), then compile
# the app and air in one `go build` in the background while PostgreSQL is set up: on a fresh clone
# the compile overlaps the npm download and initdb. air is built here, not run with `go tool air`, so
# that it is compiled with DEV_GCFLAGS too (`go tool` ignores them) and shares the standard library's
# compiled packages with the app. air's first build then finds tmp/bin/app up to date; compile errors
# show there.
mkdir -p tmp/bin
"$GO" list -deps ./cmd/app github.com/air-verse/air >/dev/null 2>&1 &
download=$!
load_env
wait "$download" || true
build_all() { "$GO" build -gcflags="$DEV_GCFLAGS" -o tmp/bin/ ./cmd/app github.com/air-verse/air; }
( scripts/templ.sh && build_all ) >/dev/null 2>&1 &
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
  say "waiting for the build of the app and air to finish (on a fresh clone under a minute: README, \"The first run\")"
fi
wait "$warm" || true
trap - EXIT
say "starting air (Ctrl-C stops the app; the database keeps running until 'make db-stop')"
# Again in the foreground: a no-op after the background build, unless that one failed (then air is
# built alone, and its first build shows the app's compile errors).
build_all >/dev/null 2>&1 || "$GO" build -gcflags="$DEV_GCFLAGS" -o tmp/bin/air github.com/air-verse/air || die "could not build air"
exec tmp/bin/air -c .air.toml
