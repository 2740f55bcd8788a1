#!/usr/bin/env bash
# The project-local development PostgreSQL (make db-start, db-stop, db-psql, migrate, clean).
#   scripts/db.sh start | stop | psql | migrate ARGS... | clean
# The cluster lives in tmp/postgres (or, as root when the server user cannot reach the checkout, in a
# directory under /tmp named after the checkout's path) and listens on 127.0.0.1:DEV_DB_PORT.
# scripts/dev.sh sources this file for db_start.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/lib.sh
. scripts/pg.sh

# dev_pg_dir: where the development cluster lives.
dev_pg_dir() {
  if is_root && id "$PG_USER" >/dev/null 2>&1 \
    && ! runuser -u "$PG_USER" -- sh -c 'cd "$1"' sh "$PWD" 2>/dev/null; then
    echo "/tmp/groundwork-pg-$(printf %s "$PWD" | sha256sum | cut -c1-12)"
  else
    echo "$PWD/tmp/postgres"
  fi
}
dev_db_url() { echo "postgres://postgres@127.0.0.1:$1/$DEV_DB_NAME?sslmode=disable"; }

# dev_pg_check_major DIR: refuse a cluster made by another PostgreSQL major (say how to get rid of it).
dev_pg_check_major() {
  local old
  [ -f "$1/data/PG_VERSION" ] || return 0
  old=$(cat "$1/data/PG_VERSION")
  [ "$old" != "$PG_MAJOR" ] || return 0
  die "the dev database in $1/data was made by PostgreSQL $old; this project now uses PostgreSQL $PG_MAJOR.
  Its data is development data: stop it (make db-stop), then delete it (rm -rf '$1/data') and run make dev again,
  or keep it with pg_dumpall (PostgreSQL $old tools) before deleting and restore it afterwards."
}

# db_start: start (creating if needed) the dev cluster; sets DEV_DB_URL to its connection URL.
db_start() {
  local dir port
  dir=$(dev_pg_dir)
  [ "$dir" = "$PWD/tmp/postgres" ] || say "the PostgreSQL user cannot reach $PWD, so the dev cluster lives in $dir"
  dev_pg_check_major "$dir"
  if pg_pid "$dir" >/dev/null; then
    port=$(sed -n 4p "$dir/data/postmaster.pid")
    [ "$port" = "$DEV_DB_PORT" ] || warn "dev PostgreSQL is already running on port $port, not $DEV_DB_PORT (make db-stop first to change it)"
    say "dev PostgreSQL already running on 127.0.0.1:$port (data: $dir/data)"
  else
    pg_find
    mkdir -p "$dir"
    chmod 700 "$dir"
    if is_root; then
      [ ! -L "$dir" ] || die "$dir is a symlink; refusing to use it"
      pg_user_ready
      chown "$PG_USER:" "$dir"
    fi
    pg_reach "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      say "creating the dev PostgreSQL cluster in $dir/data, with database $DEV_DB_NAME"
      pg_init "$dir" "synchronous_commit = off"
      pg_create_db "$dir" "$DEV_DB_NAME"
    fi
    say "starting dev PostgreSQL on 127.0.0.1:$DEV_DB_PORT (data: $dir/data, log: $dir/server.log)"
    pg_start "$dir" "$DEV_DB_PORT" \
      || die "could not start PostgreSQL (port $DEV_DB_PORT busy? try: make dev DEV_DB_PORT=5434)"
    port=$DEV_DB_PORT
  fi
  DEV_DB_URL=$(dev_db_url "$port")
  say "DATABASE_URL=$DEV_DB_URL"
}

db_stop() {
  local dir
  dir=$(dev_pg_dir)
  if pg_pid "$dir" >/dev/null; then
    pg_stop "$dir"
    say "dev PostgreSQL stopped (data kept in $dir/data)"
  else
    say "dev PostgreSQL is not running"
  fi
}

db_main() {
  local dir
  case "${1:-}" in
    start) db_start ;;
    stop) db_stop ;;
    psql)
      load_env
      command -v psql >/dev/null 2>&1 \
        || die "psql is not installed (the npm PostgreSQL has none): apt-get install postgresql-client, or brew install libpq"
      exec psql "${DATABASE_URL:?DATABASE_URL is not set (make dev creates .env)}" ;;
    migrate)
      shift
      load_env
      exec "$GO" run ./cmd/app migrate "$@" ;;
    clean)
      db_stop
      dir=$(dev_pg_dir)
      case "$dir" in /tmp/groundwork-pg-*) rm -rf "$dir"; say "deleted $dir" ;; esac ;;
    *) die "usage: scripts/db.sh start|stop|psql|migrate ARGS...|clean" ;;
  esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then db_main "$@"; fi
